/// Maximum (or minimum) of the last `window` values by a monotonic deque: O(1) amortised per
/// value, exact.
struct RollingExtremum {
    let window: Int
    let isMax: Bool
    private var values: [Double]
    private var stamps: [Int]
    private var head = 0, size = 0
    private var pushed = 0

    init(window: Int, max: Bool) {
        self.window = window
        isMax = max
        values = [Double](repeating: 0, count: window + 1)
        stamps = [Int](repeating: 0, count: window + 1)
    }

    /// Adds `x` and returns the extremum of the last `window` values (including `x`).
    @inline(__always) mutating func push(_ x: Double) -> Double {
        let cap = window + 1
        // Drop dominated values from the back.
        while size > 0 {
            let back = (head + size - 1) % cap
            if isMax ? values[back] <= x : values[back] >= x { size -= 1 } else { break }
        }
        let slot = (head + size) % cap
        values[slot] = x
        stamps[slot] = pushed
        size += 1
        // Drop values that left the window from the front.
        while stamps[head] <= pushed - window { head = (head + 1) % cap; size -= 1 }
        pushed += 1
        return values[head]
    }

    var isFull: Bool { pushed >= window }
}
