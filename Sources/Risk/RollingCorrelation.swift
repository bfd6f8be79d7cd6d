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
    /// Only the upper triangle of the cross sums is kept (the matrix is symmetric).
    public mutating func add(_ returns: [Double]) {
        precondition(returns.count == instruments, "one return per instrument")
        let n = instruments, full = filled == window, slot = next * n
        if !full { filled += 1 }
        ring.withUnsafeMutableBufferPointer { ring in
            sum.withUnsafeMutableBufferPointer { sum in
                cross.withUnsafeMutableBufferPointer { cross in
                    returns.withUnsafeBufferPointer { x in
                        for i in 0..<n {
                            let old = full ? ring[slot + i] : 0, new = x[i]
                            sum[i] += new - old
                            let row = i * n
                            for j in i..<n {
                                let oldJ = full ? ring[slot + j] : 0
                                cross[row + j] += new * x[j] - old * oldJ
                            }
                        }
                        for i in 0..<n { ring[slot + i] = x[i] }
                    }
                }
            }
        }
        next += 1
        if next == window { next = 0 }
        sinceRebuild += 1
        if sinceRebuild >= window { rebuild() }
    }

    private mutating func rebuild() {
        let n = instruments, rows = filled
        ring.withUnsafeBufferPointer { ring in
            sum.withUnsafeMutableBufferPointer { sum in
                cross.withUnsafeMutableBufferPointer { cross in
                    for i in 0..<n { sum[i] = 0 }
                    for k in 0..<(n * n) { cross[k] = 0 }
                    for r in 0..<rows {
                        let row = r * n
                        for i in 0..<n {
                            let xi = ring[row + i]
                            sum[i] += xi
                            for j in i..<n { cross[i * n + j] += xi * ring[row + j] }
                        }
                    }
                }
            }
        }
        sinceRebuild = 0
    }

    /// Row-major n × n Pearson correlations over the bars held (NaN until two bars, or where an
    /// instrument's returns are constant), ready for `MarketSnapshot`.
    /// Row `i` of `matrix` written into `out[i·n ..< (i+1)·n]` (the rest of `out` untouched): all a
    /// pre-trade check of an order on instrument i reads, at n operations instead of n².
    public func fillRow(_ i: Int, into out: inout [Double]) {
        let n = instruments, m = Double(filled)
        precondition(out.count == n * n, "an n × n buffer")
        guard filled >= 2 else { for j in 0..<n { out[i * n + j] = .nan }; return }
        sum.withUnsafeBufferPointer { sum in
            cross.withUnsafeBufferPointer { cross in
                out.withUnsafeMutableBufferPointer { out in
                    let vi = cross[i * n + i] - sum[i] * sum[i] / m
                    for j in 0..<n {
                        let vj = cross[j * n + j] - sum[j] * sum[j] / m
                        let c = cross[min(i, j) * n + max(i, j)] - sum[i] * sum[j] / m
                        out[i * n + j] = vi > 0 && vj > 0 ? max(-1, min(1, c / (vi * vj).squareRoot())) : .nan
                    }
                }
            }
        }
    }

    public var matrix: [Double] {
        let n = instruments, m = Double(filled)
        var out = [Double](repeating: .nan, count: n * n)
        guard filled >= 2 else { return out }
        // 1/σ·√m per instrument once (0 where constant), then one multiply per pair.
        var scale = [Double](repeating: 0, count: n)
        sum.withUnsafeBufferPointer { sum in
            cross.withUnsafeBufferPointer { cross in
                for i in 0..<n {
                    let v = cross[i * n + i] - sum[i] * sum[i] / m
                    scale[i] = v > 0 ? 1 / v.squareRoot() : 0
                }
                scale.withUnsafeBufferPointer { scale in
                    out.withUnsafeMutableBufferPointer { out in
                        for i in 0..<n where scale[i] > 0 {
                            for j in i..<n where scale[j] > 0 {
                                let r = max(-1, min(1, (cross[i * n + j] - sum[i] * sum[j] / m) * scale[i] * scale[j]))
                                out[i * n + j] = r
                                out[j * n + i] = r
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
