/// Realised volatility: the sample standard deviation (n − 1) of the last `period` one-bar log
/// returns, not annualised. Warm-up: `period` rows (period returns need period + 1 closes).
public struct RealizedVolatility: Indicator {
    public let period: Int
    public init(period: Int) { self.period = period }
    public var outputs: [String] { ["rv_\(period)"] }
    public var warmUp: Int { period }
    public var canonical: String { "realized_volatility(period=\(period))" }

    @inline(__always) static func value(_ m: RollingMoments) -> Double {
        let n = Double(m.window)
        return max(0, (m.sxx - m.sx * m.sx / n) / (n - 1)).squareRoot()
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let o = out[0], n = x.count, lc = x.logClose
        o.fillNaN(upTo: min(n, period))
        var m = RollingMoments(window: period)
        var t = 1
        while t < n {
            m.push(lc[t] - lc[t - 1])
            if t >= period { o[t] = Self.value(m) }
            t += 1
        }
    }

    public func makeStream() -> IndicatorStream { Stream(period: period) }

    final class Stream: IndicatorStream {
        var m: RollingMoments
        var previous = Double.nan
        init(period: Int) { m = RollingMoments(window: period) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            defer { previous = bar.logClose }
            out[0] = .nan
            guard !previous.isNaN else { return }
            m.push(bar.logClose - previous)
            if m.isFull { out[0] = RealizedVolatility.value(m) }
        }
    }
}
