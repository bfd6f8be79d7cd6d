/// Volume z-score: (volume − mean) / standard deviation over the last `period` bars including the
/// current one, population standard deviation; 0 when all volumes in the window are equal.
/// Warm-up: period − 1.
public struct VolumeZScore: Indicator {
    public let period: Int
    public init(period: Int) { self.period = period }
    public var outputs: [String] { ["volume_z_\(period)"] }
    public var warmUp: Int { period - 1 }
    public var canonical: String { "volume_zscore(period=\(period))" }

    @inline(__always) static func value(_ v: Double, _ m: RollingMoments) -> Double {
        let n = Double(m.window)
        let mean = m.sx / n
        let sd = m.varianceX.squareRoot()
        return sd > 0 ? (v - mean) / sd : 0
    }

    public func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        let o = out[0], n = x.count, v = x.volume
        o.fillNaN(upTo: min(n, warmUp))
        var m = RollingMoments(window: period)
        for t in 0..<n {
            m.push(v[t])
            if t >= warmUp { o[t] = Self.value(v[t], m) }
        }
    }

    public func makeStream() -> IndicatorStream { Stream(period: period) }

    final class Stream: IndicatorStream {
        var m: RollingMoments
        init(period: Int) { m = RollingMoments(window: period) }
        func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>) {
            m.push(bar.volume)
            out[0] = m.isFull ? VolumeZScore.value(bar.volume, m) : .nan
        }
    }
}
