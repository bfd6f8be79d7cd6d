/// Maximum (or minimum) of the last `window` values by a monotonic deque: O(1) amortised per
/// value, exact.
struct RollingExtremum {
    let window: Int
    let isMax: Bool
    private var values: [Double]
    private var stamps: [Int]
    /// Deque slots [head, head + size) modulo the capacity.
    private var head = 0, size = 0
    private var pushed = 0
    private let capacity: Int

    init(window: Int, max: Bool) {
        self.window = window
        isMax = max
        capacity = window + 1
        values = [Double](repeating: 0, count: capacity)
        stamps = [Int](repeating: 0, count: capacity)
    }

    /// Adds `x` and returns the extremum of the last `window` values (including `x`).
    @inline(__always) mutating func push(_ x: Double) -> Double {
        // Drop dominated values from the back.
        while size > 0 {
            var back = head + size - 1
            if back >= capacity { back -= capacity }
            if isMax ? values[back] <= x : values[back] >= x { size -= 1 } else { break }
        }
        var slot = head + size
        if slot >= capacity { slot -= capacity }
        values[slot] = x
        stamps[slot] = pushed
        size += 1
        // Drop values that left the window from the front.
        while stamps[head] <= pushed - window {
            head += 1
            if head == capacity { head = 0 }
            size -= 1
        }
        pushed += 1
        return values[head]
    }

    var isFull: Bool { pushed >= window }
}

/// Rolling maximum or minimum of a whole column (van Herk / Gil-Werman): per block of `window`
/// values a prefix and a suffix extremum, and the window ending at t is max(suffix at its start,
/// prefix at t): about three comparisons per value, no branches on the data. Exact, so it equals
/// the streaming deque. `out[t]` for t ≥ window − 1.
func rollingExtremum(_ x: UnsafeBufferPointer<Double>, window w: Int, max isMax: Bool, into out: UnsafeMutableBufferPointer<Double>) {
    let n = x.count
    guard w > 1 else { for t in 0..<n { out[t] = x[t] }; return }
    guard n >= w else { return }
    var prefix = [Double](repeating: 0, count: n), suffix = [Double](repeating: 0, count: n)
    var blockStart = 0
    while blockStart < n {
        let blockEnd = min(n, blockStart + w)
        var acc = x[blockStart]
        prefix[blockStart] = acc
        for i in (blockStart + 1)..<blockEnd where i < blockEnd {
            acc = isMax ? Swift.max(acc, x[i]) : Swift.min(acc, x[i])
            prefix[i] = acc
        }
        acc = x[blockEnd - 1]
        suffix[blockEnd - 1] = acc
        var i = blockEnd - 2
        while i >= blockStart {
            acc = isMax ? Swift.max(acc, x[i]) : Swift.min(acc, x[i])
            suffix[i] = acc
            i -= 1
        }
        blockStart = blockEnd
    }
    for t in (w - 1)..<n {
        let a = suffix[t - w + 1], b = prefix[t]
        out[t] = isMax ? Swift.max(a, b) : Swift.min(a, b)
    }
}
