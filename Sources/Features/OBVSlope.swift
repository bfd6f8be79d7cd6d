/// Slope of on-balance volume over the last `period` bars, per bar: TA-Lib's LINEARREG_SLOPE of
/// TA-Lib's OBV (OBV starts at the first bar's volume, adds the volume on an up-close, subtracts it
/// on a down-close). The slope does not change when OBV is shifted by a constant, so the running
/// sums of y and age·y are kept for y = OBV − anchor, the anchor moving to the newest OBV every
/// `period` bars with an exact recomputation (O(1) amortised): cumulative volume is large, and
/// sums of it would otherwise lose digits. Warm-up: period − 1.
public struct OBVSlope: Indicator {
    public let period: Int
    public init(period: Int) { self.period = period }
    public var outputs: [String] { ["obv_slope_\(period)"] }
    public var warmUp: Int { period - 1 }
    public var canonical: String { "obv_slope(period=\(period))" }

    struct State {
        let period: Int
        let sumX: Double, divisor: Double
        var ring: Ring
        var obv = 0.0, prevClose = Double.nan
        var anchor = Double.nan
        var sumY = 0.0, sumXY = 0.0
        var bars = 0

        init(period: Int) {
            self.period = period
            let n = Double(period)
            sumX = n * (n - 1) * 0.5
            let sumXSqr = n * (n - 1) * (2 * n - 1) / 6
            divisor = sumX * sumX - n * sumXSqr
            ring = Ring(capacity: period)
        }

        @inline(__always) mutating func push(close: Double, volume: Double) -> Double {
            if prevClose.isNaN { obv = volume } else if close > prevClose { obv += volume } else if close < prevClose { obv -= volume }
            prevClose = close
            bars += 1
            if anchor.isNaN { anchor = obv }
            // Every value ages by one bar; the one reaching age `period` leaves.
            sumXY += sumY
            if let old = ring.push(obv) {
                sumY -= old - anchor
                sumXY -= Double(period) * (old - anchor)
            }
            sumY += obv - anchor
            if bars % period == 0 {
                anchor = obv
                sumY = 0; sumXY = 0
                for age in stride(from: ring.count - 1, through: 0, by: -1) {
                    let y = ring.ago(age) - anchor
                    sumY += y; sumXY += Double(age) * y
                }
            }
            guard ring.isFull else { return .nan }
            return (Double(period) * sumXY - sumX * sumY) / divisor
        }
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let o = out[0], c = x.close, v = x.volume
        var s = State(period: period)
        for t in 0..<x.count { o[t] = s.push(close: c[t], volume: v[t]) }
    }

    public func makeStream() -> IndicatorStream { Stream(period: period) }

    final class Stream: IndicatorStream {
        var s: State
        init(period: Int) { s = State(period: period) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) { out[0] = s.push(close: bar.close, volume: bar.volume) }
    }
}
