/// Average Directional Index, TA-Lib convention (TA_ADX): Wilder-smoothed +DM, −DM and true
/// range (sums over the first period − 1 bars, then x − x/period + new), DX = 100·|−DI − +DI| /
/// (−DI + +DI); the first ADX is the mean of `period` DX values (index 2·period − 1), then
/// adx = (adx·(period − 1) + dx) / period. A bar whose DI sum is 0 keeps the previous ADX.
public struct ADX: Indicator {
    public let period: Int
    public init(period: Int) { self.period = period }
    public var outputs: [String] { ["adx_\(period)"] }
    public var warmUp: Int { 2 * period - 1 }
    public var canonical: String { "adx(period=\(period))" }

    /// The whole recursion, one bar at a time; batch and streaming both drive it.
    struct State {
        let period: Int
        var bars = 0
        var prevHigh = 0.0, prevLow = 0.0, prevClose = 0.0
        var plusDM = 0.0, minusDM = 0.0, tr = 0.0
        var sumDX = 0.0
        var adx = Double.nan

        init(period: Int) { self.period = period }

        @inline(__always) mutating func push(high: Double, low: Double, close: Double) -> Double {
            defer { bars += 1 }
            if bars == 0 { prevHigh = high; prevLow = low; prevClose = close; return .nan }
            let p = Double(period)
            let diffP = high - prevHigh
            prevHigh = high
            let diffM = prevLow - low
            prevLow = low
            let smoothing = bars >= period
            if smoothing {
                minusDM -= minusDM / p
                plusDM -= plusDM / p
            }
            if diffM > 0 && diffP < diffM { minusDM += diffM } else if diffP > 0 && diffP > diffM { plusDM += diffP }
            let range = ATRRatio.trueRange(prevHigh, prevLow, prevClose)
            prevClose = close
            if !smoothing { tr += range; return .nan }
            tr = tr - (tr / p) + range
            var dx = Double.nan
            if !taIsZero(tr) {
                let minusDI = 100.0 * (minusDM / tr)
                let plusDI = 100.0 * (plusDM / tr)
                let sum = minusDI + plusDI
                if !taIsZero(sum) { dx = 100.0 * (abs(minusDI - plusDI) / sum) }
            }
            if bars < 2 * period - 1 {
                if !dx.isNaN { sumDX += dx }
                return .nan
            }
            if bars == 2 * period - 1 {
                if !dx.isNaN { sumDX += dx }
                adx = sumDX / p
                return adx
            }
            if !dx.isNaN { adx = ((adx * (p - 1)) + dx) / p }
            return adx
        }
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let o = out[0], h = x.high, l = x.low, c = x.close
        var s = State(period: period)
        for t in 0..<x.count { o[t] = s.push(high: h[t], low: l[t], close: c[t]) }
    }

    public func makeStream() -> IndicatorStream { Stream(period: period) }

    final class Stream: IndicatorStream {
        var s: State
        init(period: Int) { s = State(period: period) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            out[0] = s.push(high: bar.high, low: bar.low, close: bar.close)
        }
    }
}
