/// Bollinger %B and bandwidth over `period` closes with an SMA middle band and `deviations`
/// population standard deviations, as TA-Lib's BBANDS (MA type SMA): upper/lower = mean ± k·σ.
/// %B = (close − lower) / (upper − lower) (0.5 when the bands have zero width),
/// bandwidth = (upper − lower) / middle. σ comes from anchored running sums (see
/// `AnchoredMoments`), which agree with TA-Lib 0.6's σ to ~1e-12 where raw Σx² running sums
/// would not. Warm-up: period − 1.
public struct Bollinger: Indicator {
    public let period: Int
    public let deviations: Double
    public init(period: Int, deviations: Double) { self.period = period; self.deviations = deviations }
    var tag: String { "\(period)_\(Bollinger.format(deviations))" }
    public var outputs: [String] { ["bb_percent_b_\(tag)", "bb_bandwidth_\(tag)"] }
    public var warmUp: Int { period - 1 }
    public var canonical: String { "bollinger(period=\(period),deviations=\(Bollinger.format(deviations)))" }

    static func format(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }

    @inline(__always) static func bands(close: Double, m: AnchoredMoments, deviations: Double) -> (Double, Double) {
        let v = m.variance
        let sd = taIsZeroOrNeg(v) ? 0 : v.squareRoot()
        let mean = m.mean
        let width = deviations * sd
        let upper = mean + width, lower = mean - width
        let range = upper - lower
        return (range == 0 ? 0.5 : (close - lower) / range, range / mean)
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let n = x.count, pb = out[0], bw = out[1], c = x.close
        pb.fillNaN(upTo: min(n, warmUp)); bw.fillNaN(upTo: min(n, warmUp))
        var m = AnchoredMoments(window: period)
        for t in 0..<n {
            m.push(c[t])
            if t >= warmUp { (pb[t], bw[t]) = Self.bands(close: c[t], m: m, deviations: deviations) }
        }
    }

    public func makeStream() -> IndicatorStream { Stream(self) }

    final class Stream: IndicatorStream {
        let deviations: Double
        var m: AnchoredMoments
        init(_ d: Bollinger) { deviations = d.deviations; m = AnchoredMoments(window: d.period) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            m.push(bar.close)
            if m.isFull { (out[0], out[1]) = Bollinger.bands(close: bar.close, m: m, deviations: deviations) } else { out[0] = .nan; out[1] = .nan }
        }
    }
}
