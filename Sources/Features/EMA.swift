/// TA-Lib's exponential moving average: seeded with the simple average of the first `period`
/// values (output at index period − 1), then prev + k·(x − prev) with k = 2 / (period + 1),
/// written as ((x − prev)·k) + prev exactly as TA-Lib evaluates it.
struct EMAState {
    let period: Int
    let k: Double
    private var sum = 0.0
    private var seen = 0
    private(set) var value = Double.nan

    init(period: Int) {
        self.period = period
        k = 2.0 / Double(period + 1)
    }

    /// Adds one value; returns the EMA (NaN until `period` values were seen).
    @inline(__always) mutating func update(_ x: Double) -> Double {
        if seen < period {
            sum += x
            seen += 1
            if seen == period { value = sum / Double(period) }
            return value
        }
        value = ((x - value) * k) + value
        return value
    }

    var isReady: Bool { seen >= period }
}

/// Batch EMA of `x[from...]` into `out` (NaN before from + period − 1).
@inline(__always)
func emaBatch(_ x: UnsafeBufferPointer<Double>, from: Int, period: Int, into out: UnsafeMutableBufferPointer<Double>) {
    let n = x.count
    out.fillNaN(upTo: min(n, from + period - 1))
    guard n >= from + period else { return }
    var sum = 0.0
    for i in from..<(from + period) { sum += x[i] }
    var prev = sum / Double(period)
    out[from + period - 1] = prev
    let k = 2.0 / Double(period + 1)
    var i = from + period
    while i < n {
        prev = ((x[i] - prev) * k) + prev
        out[i] = prev
        i += 1
    }
}
