/// MACD line, signal and histogram divided by close, TA-Lib convention (TA_MACD): both EMAs are
/// seeded at index slow − 1, the slow one with the mean of the first `slow` closes and the fast
/// one with the mean of the `fast` closes ending there; the signal is a TA-Lib EMA of the MACD
/// line. All three outputs start at index slow + signal − 2.
public struct MACD: Indicator {
    public let fast: Int, slow: Int, signal: Int
    public init(fast: Int, slow: Int, signal: Int) { self.fast = fast; self.slow = slow; self.signal = signal }
    var tag: String { "\(fast)_\(slow)_\(signal)" }
    public var outputs: [String] { ["macd_\(tag)", "macd_signal_\(tag)", "macd_hist_\(tag)"] }
    public var warmUp: Int { slow + signal - 2 }
    public var canonical: String { "macd(fast=\(fast),slow=\(slow),signal=\(signal))" }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let n = x.count
        let (lineOut, sigOut, histOut) = (out[0], out[1], out[2])
        for o in out { o.fillNaN(upTo: min(n, warmUp)) }
        guard n > warmUp else { return }
        let seedAt = slow - 1
        x.close.withUnsafeBufferPointer { c in
            var line = [Double](repeating: .nan, count: n)
            var sumS = 0.0
            for i in 0..<slow { sumS += c[i] }
            var sumF = 0.0
            for i in (slow - fast)..<slow { sumF += c[i] }
            var s = sumS / Double(slow), f = sumF / Double(fast)
            let ks = 2.0 / Double(slow + 1), kf = 2.0 / Double(fast + 1)
            line[seedAt] = f - s
            for i in slow..<n {
                s = ((c[i] - s) * ks) + s
                f = ((c[i] - f) * kf) + f
                line[i] = f - s
            }
            line.withUnsafeBufferPointer { l in
                emaBatch(l, from: seedAt, period: signal, into: sigOut)
                for i in warmUp..<n {
                    let sig = sigOut[i]
                    lineOut[i] = l[i] / c[i]
                    histOut[i] = (l[i] - sig) / c[i]
                    sigOut[i] = sig / c[i]
                }
            }
        }
    }

    public func makeStream() -> IndicatorStream { Stream(self) }

    final class Stream: IndicatorStream {
        let def: MACD
        var closes: Ring
        var seen = 0
        var s = 0.0, f = 0.0
        let ks: Double, kf: Double
        var signalEMA: EMAState

        init(_ d: MACD) {
            def = d
            closes = Ring(capacity: d.slow)
            ks = 2.0 / Double(d.slow + 1)
            kf = 2.0 / Double(d.fast + 1)
            signalEMA = EMAState(period: d.signal)
        }

        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            seen += 1
            out[0] = .nan; out[1] = .nan; out[2] = .nan
            let c = bar.close
            if seen < def.slow { _ = closes.push(c); return }
            if seen == def.slow {
                _ = closes.push(c)
                var sumS = 0.0
                for back in stride(from: def.slow - 1, through: 0, by: -1) { sumS += closes.ago(back) }
                var sumF = 0.0
                for back in stride(from: def.fast - 1, through: 0, by: -1) { sumF += closes.ago(back) }
                s = sumS / Double(def.slow); f = sumF / Double(def.fast)
            } else {
                s = ((c - s) * ks) + s
                f = ((c - f) * kf) + f
            }
            let line = f - s
            let sig = signalEMA.update(line)
            guard signalEMA.isReady else { return }
            out[0] = line / c
            out[1] = sig / c
            out[2] = (line - sig) / c
        }
    }
}
