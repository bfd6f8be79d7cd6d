import NumericKit

/// Out-of-sample returns summed per fixed time bucket: the compact form discovery stores for
/// every candidate and compares candidates by (they may cover slightly different bars, or
/// different symbols, so they are aligned by bucket time).
public struct ReturnBuckets: Sendable, Equatable {
    /// Bucket start times (increasing) and each bucket's summed bar returns.
    public let times: [Int64]
    public let sums: [Double]

    public init(times: [Int64], sums: [Double]) {
        precondition(times.count == sums.count, "one sum per bucket")
        self.times = times
        self.sums = sums
    }

    public init(time: [Int64], returns: [Double], bucketMs: Int64) {
        precondition(bucketMs > 0 && time.count == returns.count, "bucket width and one return per time")
        var times: [Int64] = [], sums: [Double] = []
        for (t, r) in zip(time, returns) {
            let b = t >= 0 ? t / bucketMs * bucketMs : (t - bucketMs + 1) / bucketMs * bucketMs
            if times.last == b { sums[sums.count - 1] += r } else { times.append(b); sums.append(r) }
        }
        self.init(times: times, sums: sums)
    }

    /// Pearson correlation over the buckets both cover; nil when fewer than 10 are shared or
    /// either side is constant there.
    public func correlation(with other: ReturnBuckets) -> Double? {
        var i = 0, j = 0
        var a: [Double] = [], b: [Double] = []
        while i < times.count && j < other.times.count {
            if times[i] == other.times[j] { a.append(sums[i]); b.append(other.sums[j]); i += 1; j += 1 }
            else if times[i] < other.times[j] { i += 1 } else { j += 1 }
        }
        guard a.count >= 10 else { return nil }
        let rho = SampleStatistics.correlation(a, b)
        return rho.isFinite ? rho : nil
    }
}
