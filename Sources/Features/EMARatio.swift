/// EMA(fast) / EMA(slow) − 1 of close, each a TA-Lib EMA (seeded with its own simple average).
/// Warm-up: slow − 1.
public struct EMARatio: Indicator {
    public let fast: Int, slow: Int
    public init(fast: Int, slow: Int) { self.fast = fast; self.slow = slow }
    public var outputs: [String] { ["ema_ratio_\(fast)_\(slow)"] }
    public var warmUp: Int { max(fast, slow) - 1 }
    public var canonical: String { "ema_ratio(fast=\(fast),slow=\(slow))" }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let o = out[0], n = x.count
        var f = [Double](repeating: 0, count: n), s = [Double](repeating: 0, count: n)
        x.close.withUnsafeBufferPointer { c in
            f.withUnsafeMutableBufferPointer { emaBatch(c, from: 0, period: fast, into: $0) }
            s.withUnsafeMutableBufferPointer { emaBatch(c, from: 0, period: slow, into: $0) }
        }
        o.fillNaN(upTo: min(n, warmUp))
        if n > warmUp { for t in warmUp..<n { o[t] = f[t] / s[t] - 1 } }
    }

    public func makeStream() -> IndicatorStream { Stream(self) }

    final class Stream: IndicatorStream {
        var f: EMAState, s: EMAState
        init(_ d: EMARatio) { f = EMAState(period: d.fast); s = EMAState(period: d.slow) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            let a = f.update(bar.close), b = s.update(bar.close)
            out[0] = f.isReady && s.isReady ? a / b - 1 : .nan
        }
    }
}
