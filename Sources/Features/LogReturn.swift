/// Log return over `period` bars: ln(close[t]) − ln(close[t − period]). Warm-up: `period` rows.
/// (TA-Lib: ln(ROCR(close, period)).)
public struct LogReturn: Indicator {
    public let period: Int
    public init(period: Int) { self.period = period }
    public var outputs: [String] { ["log_return_\(period)"] }
    public var warmUp: Int { period }
    public var canonical: String { "log_return(period=\(period))" }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let o = out[0], lc = x.logClose, n = x.count
        o.fillNaN(upTo: period)
        if n > period { for t in period..<n { o[t] = lc[t] - lc[t - period] } }
    }

    public func makeStream() -> IndicatorStream { Stream(period: period) }

    final class Stream: IndicatorStream {
        var ring: Ring
        init(period: Int) { ring = Ring(capacity: period + 1) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            _ = ring.push(bar.logClose)
            out[0] = ring.isFull ? bar.logClose - ring.ago(ring.capacity - 1) : .nan
        }
    }
}
