/// Correlations of the instruments' returns over the last `window` bars, kept up to date one bar
/// at a time (running sums, O(n²) per bar) for the risk manager's correlation limit. The sums are
/// rebuilt from the window every `window` bars so rounding cannot drift.
public struct RollingCorrelation: Sendable {
    public let instruments: Int
    public let window: Int
    private var ring: [Double]          // window × instruments, row per bar
    private var next = 0
    private var filled = 0
    private var sinceRebuild = 0
    private var sum: [Double]
    private var cross: [Double]         // instruments × instruments, Σ xᵢxⱼ

    public init(instruments: Int, window: Int) {
        precondition(instruments > 0 && window >= 2, "at least one instrument and a window of two bars")
        self.instruments = instruments
        self.window = window
        ring = [Double](repeating: 0, count: instruments * window)
        sum = [Double](repeating: 0, count: instruments)
        cross = [Double](repeating: 0, count: instruments * instruments)
    }

    /// Adds one bar of returns (one per instrument), dropping the oldest once the window is full.
    public mutating func add(_ returns: [Double]) {
        precondition(returns.count == instruments, "one return per instrument")
        let n = instruments
        if filled == window {
            let old = next * n
            for i in 0..<n {
                sum[i] -= ring[old + i]
                for j in 0..<n { cross[i * n + j] -= ring[old + i] * ring[old + j] }
            }
        } else {
            filled += 1
        }
        for i in 0..<n {
            ring[next * n + i] = returns[i]
            sum[i] += returns[i]
            for j in 0..<n { cross[i * n + j] += returns[i] * returns[j] }
        }
        next = (next + 1) % window
        sinceRebuild += 1
        if sinceRebuild >= window { rebuild() }
    }

    private mutating func rebuild() {
        let n = instruments
        sum = [Double](repeating: 0, count: n)
        cross = [Double](repeating: 0, count: n * n)
        for r in 0..<filled {
            let row = r * n
            for i in 0..<n {
                sum[i] += ring[row + i]
                for j in 0..<n { cross[i * n + j] += ring[row + i] * ring[row + j] }
            }
        }
        sinceRebuild = 0
    }

    /// Row-major n × n Pearson correlations over the bars held (NaN until two bars, or where an
    /// instrument's returns are constant), ready for `MarketSnapshot`.
    public var matrix: [Double] {
        let n = instruments, m = Double(filled)
        var out = [Double](repeating: .nan, count: n * n)
        guard filled >= 2 else { return out }
        for i in 0..<n {
            for j in 0..<n {
                let cov = cross[i * n + j] - sum[i] * sum[j] / m
                let vi = cross[i * n + i] - sum[i] * sum[i] / m, vj = cross[j * n + j] - sum[j] * sum[j] / m
                if vi > 0, vj > 0 { out[i * n + j] = max(-1, min(1, cov / (vi * vj).squareRoot())) }
            }
        }
        return out
    }
}
