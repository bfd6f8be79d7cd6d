/// Slow stochastic %K and %D, TA-Lib convention (TA_STOCH with SMA smoothing):
/// fast %K = (close − lowest low) / ((highest high − lowest low) / 100) over `k` bars (0 when the
/// range is 0), %K = SMA(fast %K, slowK), %D = SMA(%K, d), the SMAs as TA-Lib's running sums.
/// Warm-up: k − 1 + slowK − 1 + d − 1.
public struct Stochastic: Indicator {
    public let k: Int, slowK: Int, d: Int
    public init(k: Int, slowK: Int, d: Int) { self.k = k; self.slowK = slowK; self.d = d }
    var tag: String { "\(k)_\(slowK)_\(d)" }
    public var outputs: [String] { ["stoch_k_\(tag)", "stoch_d_\(tag)"] }
    public var warmUp: Int { k - 1 + slowK - 1 + d - 1 }
    public var canonical: String { "stochastic(k=\(k),slow_k=\(slowK),d=\(d))" }

    /// TA-Lib's running-sum SMA: total += new; value = total / n; total −= oldest.
    struct SMA {
        let period: Int
        var ring: Ring
        var total = 0.0
        init(period: Int) { self.period = period; ring = Ring(capacity: period) }
        @inline(__always) mutating func push(_ x: Double) -> Double {
            total += x
            _ = ring.push(x)
            guard ring.isFull else { return .nan }
            let v = total / Double(period)
            total -= ring.ago(period - 1)
            return v
        }
    }

    struct State {
        var hi: RollingExtremum, lo: RollingExtremum
        var smoothK: SMA, smoothD: SMA
        init(_ s: Stochastic) {
            hi = RollingExtremum(window: s.k, max: true); lo = RollingExtremum(window: s.k, max: false)
            smoothK = SMA(period: s.slowK); smoothD = SMA(period: s.d)
        }
        @inline(__always) mutating func push(high: Double, low: Double, close: Double) -> (Double, Double) {
            let hh = hi.push(high), ll = lo.push(low)
            guard hi.isFull else { return (.nan, .nan) }
            let diff = (hh - ll) / 100.0
            let fastK = diff != 0 ? (close - ll) / diff : 0
            let slow = smoothK.push(fastK)
            guard !slow.isNaN else { return (.nan, .nan) }
            let dd = smoothD.push(slow)
            return dd.isNaN ? (.nan, .nan) : (slow, dd)
        }
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let n = x.count, ko = out[0], dout = out[1]
        ko.fillNaN(upTo: min(n, warmUp)); dout.fillNaN(upTo: min(n, warmUp))
        guard n > warmUp else { return }
        // Highest high and lowest low of each window go into the output columns as scratch.
        x.high.withUnsafeBufferPointer { rollingExtremum($0, window: k, max: true, into: ko) }
        x.low.withUnsafeBufferPointer { rollingExtremum($0, window: k, max: false, into: dout) }
        let c = x.close
        var smoothK = SMA(period: slowK), smoothD = SMA(period: d)
        for t in (k - 1)..<n {
            let hh = ko[t], ll = dout[t]
            let diff = (hh - ll) / 100.0
            let fastK = diff != 0 ? (c[t] - ll) / diff : 0
            let slow = smoothK.push(fastK)
            let dd = slow.isNaN ? Double.nan : smoothD.push(slow)
            if dd.isNaN { ko[t] = .nan; dout[t] = .nan } else { ko[t] = slow; dout[t] = dd }
        }
    }

    public func makeStream() -> IndicatorStream { Stream(self) }

    final class Stream: IndicatorStream {
        var s: State
        init(_ d: Stochastic) { s = State(d) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            (out[0], out[1]) = s.push(high: bar.high, low: bar.low, close: bar.close)
        }
    }
}
