/// Relative Strength Index, TA-Lib convention: Wilder smoothing. The first average gain/loss is
/// the simple mean of the first `period` changes (output at index `period`); then
/// avg = (avg·(period − 1) + change) / period. RSI = 100·gain / (gain + loss), 0 when both are 0.
public struct RSI: Indicator {
    public let period: Int
    public init(period: Int) { self.period = period }
    public var outputs: [String] { ["rsi_\(period)"] }
    public var warmUp: Int { period }
    public var canonical: String { "rsi(period=\(period))" }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let o = out[0], c = x.close, n = x.count
        o.fillNaN(upTo: period)
        guard n > period else { return }
        var gain = 0.0, loss = 0.0
        for t in 1...period {
            let d = c[t] - c[t - 1]
            if d < 0 { loss -= d } else { gain += d }
        }
        let p = Double(period)
        gain /= p; loss /= p
        o[period] = Self.value(gain, loss)
        var t = period + 1
        while t < n {
            let d = c[t] - c[t - 1]
            loss *= p - 1; gain *= p - 1
            if d < 0 { loss -= d } else { gain += d }
            loss /= p; gain /= p
            o[t] = Self.value(gain, loss)
            t += 1
        }
    }

    @inline(__always) static func value(_ gain: Double, _ loss: Double) -> Double {
        let s = gain + loss
        return taIsZero(s) ? 0 : 100 * (gain / s)
    }

    public func makeStream() -> IndicatorStream { Stream(period: period) }

    final class Stream: IndicatorStream {
        let period: Int
        var previous = Double.nan
        var gain = 0.0, loss = 0.0
        var changes = 0
        init(period: Int) { self.period = period }

        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            defer { previous = bar.close }
            guard !previous.isNaN else { out[0] = .nan; return }
            let d = bar.close - previous
            let p = Double(period)
            changes += 1
            if changes <= period {
                if d < 0 { loss -= d } else { gain += d }
                if changes < period { out[0] = .nan; return }
                gain /= p; loss /= p
            } else {
                loss *= p - 1; gain *= p - 1
                if d < 0 { loss -= d } else { gain += d }
                loss /= p; gain /= p
            }
            out[0] = RSI.value(gain, loss)
        }
    }
}
