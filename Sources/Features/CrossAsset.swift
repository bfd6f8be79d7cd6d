/// Features against a reference symbol: its one-bar log return, and the rolling correlation and
/// beta (cov / var of the reference) of this symbol's one-bar log returns on the reference's over
/// `window` bars. The reference close at bar t is the newest one with open time ≤ t (carried
/// forward over its gaps). NaN until `window` returns of both exist. Zero variance gives 0.
public struct CrossAsset: Indicator {
    public let reference: String
    public let window: Int
    public init(reference: String, window: Int) { self.reference = reference; self.window = window }
    public var outputs: [String] { ["ref_return_\(reference)", "ref_corr_\(reference)_\(window)", "ref_beta_\(reference)_\(window)"] }
    public var warmUp: Int { window }
    public var outputWarmUps: [Int] { [1, window, window] }
    public var canonical: String { "cross_asset(reference=\(reference),window=\(window))" }

    struct State {
        var m: RollingMoments
        var prevX = Double.nan, prevY = Double.nan
        init(window: Int) { m = RollingMoments(window: window) }

        @inline(__always) mutating func push(logClose: Double, refLogClose: Double) -> (Double, Double, Double) {
            defer { prevX = logClose; prevY = refLogClose }
            guard !prevX.isNaN, !prevY.isNaN, !refLogClose.isNaN else {
                if refLogClose.isNaN { m.reset() }
                return (.nan, .nan, .nan)
            }
            let x = logClose - prevX, y = refLogClose - prevY
            m.push(x, y)
            guard m.isFull else { return (y, .nan, .nan) }
            let n = Double(m.window)
            let cov = n * m.sxy - m.sx * m.sy
            let vx = n * m.sxx - m.sx * m.sx
            let vy = n * m.syy - m.sy * m.sy
            let corr = vx > 0 && vy > 0 ? cov / (vx * vy).squareRoot() : 0
            let beta = vy > 0 ? cov / vy : 0
            return (y, corr, beta)
        }
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let r = out[0], c = out[1], b = out[2]
        let lc = x.logClose, ref = x.referenceLogClose
        var s = State(window: window)
        for t in 0..<x.count { (r[t], c[t], b[t]) = s.push(logClose: lc[t], refLogClose: ref[t]) }
    }

    public func makeStream() -> IndicatorStream { Stream(window: window) }

    final class Stream: IndicatorStream {
        var s: State
        init(window: Int) { s = State(window: window) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            (out[0], out[1], out[2]) = s.push(logClose: bar.logClose, refLogClose: bar.referenceLogClose)
        }
    }
}
