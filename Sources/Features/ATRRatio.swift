/// Average True Range divided by close, TA-Lib convention (TA_ATR): true range from bar 1 on,
/// the first ATR is the mean of the first `period` true ranges (index `period`), then Wilder
/// smoothing atr = (atr·(period − 1) + tr) / period.
public struct ATRRatio: Indicator {
    public let period: Int
    public init(period: Int) { self.period = period }
    public var outputs: [String] { ["atr_ratio_\(period)"] }
    public var warmUp: Int { period }
    public var canonical: String { "atr_ratio(period=\(period))" }

    @inline(__always) static func trueRange(_ h: Double, _ l: Double, _ prevClose: Double) -> Double {
        var r = h - l
        let a = abs(prevClose - h)
        if a > r { r = a }
        let b = abs(prevClose - l)
        if b > r { r = b }
        return r
    }

    /// ATR in price units (ratio × close) for every row; NaN during warm-up.
    public static func averageTrueRange(_ x: FeatureInput, period: Int) -> [Double] {
        var atr = [Double](repeating: .nan, count: x.count)
        atr.withUnsafeMutableBufferPointer { ATRRatio(period: period).batch(x, [$0]) }
        for t in atr.indices { atr[t] *= x.close[t] }
        return atr
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let o = out[0], n = x.count
        o.fillNaN(upTo: min(n, period))
        guard n > period else { return }
        let h = x.high, l = x.low, c = x.close
        let p = Double(period)
        var sum = 0.0
        for t in 1...period { sum += Self.trueRange(h[t], l[t], c[t - 1]) }
        var atr = sum / p
        o[period] = atr / c[period]
        var t = period + 1
        while t < n {
            atr *= p - 1
            atr += Self.trueRange(h[t], l[t], c[t - 1])
            atr /= p
            o[t] = atr / c[t]
            t += 1
        }
    }

    public func makeStream() -> IndicatorStream { Stream(period: period) }

    final class Stream: IndicatorStream {
        let period: Int
        var prevClose = Double.nan
        var ranges = 0
        var atr = 0.0
        init(period: Int) { self.period = period }

        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            defer { prevClose = bar.close }
            out[0] = .nan
            guard !prevClose.isNaN else { return }
            let tr = ATRRatio.trueRange(bar.high, bar.low, prevClose)
            let p = Double(period)
            ranges += 1
            if ranges < period { atr += tr; return }
            if ranges == period { atr += tr; atr /= p } else { atr *= p - 1; atr += tr; atr /= p }
            out[0] = atr / bar.close
        }
    }
}
