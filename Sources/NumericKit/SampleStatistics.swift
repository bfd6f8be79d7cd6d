/// Moments and dependence measures of a sample, as used in tests, reports and diagnostics.
public enum SampleStatistics {
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count)
    }

    /// Unbiased (n − 1) variance.
    public static func variance(_ x: [Double]) -> Double {
        guard x.count > 1 else { return .nan }
        let m = mean(x)
        var s = 0.0
        for v in x { s += (v - m) * (v - m) }
        return s / Double(x.count - 1)
    }

    /// Excess kurtosis (population moments): 0 for a normal distribution.
    public static func excessKurtosis(_ x: [Double]) -> Double {
        guard x.count > 3 else { return .nan }
        let m = mean(x)
        var m2 = 0.0, m4 = 0.0
        for v in x { let d = (v - m) * (v - m); m2 += d; m4 += d * d }
        m2 /= Double(x.count); m4 /= Double(x.count)
        return m4 / (m2 * m2) - 3
    }

    /// Pearson correlation of two equally long samples.
    public static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "samples differ in length")
        guard x.count > 1 else { return .nan }
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Autocorrelation at `lag`.
    public static func autocorrelation(_ x: [Double], lag: Int) -> Double {
        guard lag > 0, x.count > lag + 1 else { return .nan }
        let m = mean(x)
        var num = 0.0, den = 0.0
        for i in x.indices {
            let d = x[i] - m
            den += d * d
            if i >= lag { num += d * (x[i - lag] - m) }
        }
        return num / den
    }
}
