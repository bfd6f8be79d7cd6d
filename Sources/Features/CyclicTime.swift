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
        // Bars fall on a handful of phases (1,440 minutes a day, 7 days): remember each phase's
        // sin/cos instead of calling libm per bar. Same inputs, same libm calls, same numbers.
        var cacheKey = [Int](repeating: -1, count: 4096)
        var cacheSin = [Double](repeating: 0, count: 4096), cacheCos = [Double](repeating: 0, count: 4096)
        for t in 0..<x.count {
            let p = phase(time[t])
            let key = Int(p * 86_400_000)  // distinct phases are at least 1 ms of a day apart
            let slot = key % 4096
            if cacheKey[slot] != key {
                cacheKey[slot] = key
                cacheSin[slot] = sin(2 * Double.pi * p)
                cacheCos[slot] = cos(2 * Double.pi * p)
            }
            s[t] = cacheSin[slot]
            c[t] = cacheCos[slot]
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
