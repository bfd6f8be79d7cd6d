import Foundation

/// Cyclic calendar features of the bar's open time (UTC): time of day as sin/cos of
/// 2π·(ms since midnight)/day, or day of week (Monday = 0) as sin/cos of 2π·day/7. No warm-up.
public struct CyclicTime: Indicator {
    /// Which cycle.
    public enum Cycle: String, Sendable { case timeOfDay = "time_of_day", dayOfWeek = "day_of_week" }
    public let cycle: Cycle
    public init(cycle: Cycle) { self.cycle = cycle }
    public var outputs: [String] { cycle == .timeOfDay ? ["tod_sin", "tod_cos"] : ["dow_sin", "dow_cos"] }
    public var warmUp: Int { 0 }
    public var canonical: String { cycle.rawValue }

    static let day: Int64 = 86_400_000

    /// The cycle's phase in [0, 1).
    @inline(__always) func phase(_ t: Int64) -> Double {
        let d = t >= 0 ? t / Self.day : (t - Self.day + 1) / Self.day
        switch cycle {
        case .timeOfDay: return Double(t - d * Self.day) / Double(Self.day)
        case .dayOfWeek: return Double(((d + 3) % 7 + 7) % 7) / 7
        }
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let s = out[0], c = out[1], time = x.time
        // Bars on whole minutes fall on at most 1,440 phases a day (7 for the weekday): compute
        // each phase's sin/cos once. Same phase, same libm call, same numbers as streaming.
        let slots = cycle == .timeOfDay ? 1440 : 7
        var tableSin = [Double](repeating: .nan, count: slots), tableCos = [Double](repeating: .nan, count: slots)
        for t in 0..<x.count {
            let ms = time[t]
            let d = ms >= 0 ? ms / Self.day : (ms - Self.day + 1) / Self.day
            let slot: Int
            if cycle == .timeOfDay {
                let r = ms - d * Self.day
                guard r % 60_000 == 0 else {
                    let p = phase(ms)
                    s[t] = sin(2 * Double.pi * p); c[t] = cos(2 * Double.pi * p)
                    continue
                }
                slot = Int(r / 60_000)
            } else {
                slot = Int(((d + 3) % 7 + 7) % 7)
            }
            if tableSin[slot].isNaN {
                let p = phase(ms)
                tableSin[slot] = sin(2 * Double.pi * p)
                tableCos[slot] = cos(2 * Double.pi * p)
            }
            s[t] = tableSin[slot]
            c[t] = tableCos[slot]
        }
    }

    public func makeStream() -> IndicatorStream { Stream(self) }

    final class Stream: IndicatorStream {
        let def: CyclicTime
        init(_ d: CyclicTime) { def = d }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            let p = def.phase(bar.time)
            out[0] = sin(2 * Double.pi * p)
            out[1] = cos(2 * Double.pi * p)
        }
    }
}
