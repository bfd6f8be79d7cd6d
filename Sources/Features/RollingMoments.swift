/// Running sums of x, x², and optionally y, y², x·y over the last `window` pairs. Every 1,024
/// pushes the sums are recomputed exactly from the ring, which bounds the rounding drift of long
/// running sums while keeping the work per bar O(1) amortised. Batch and streaming kernels use
/// this same arithmetic, so they agree bit for bit.
struct RollingMoments {
    let window: Int
    private var xs: Ring
    private var ys: Ring
    private(set) var sx = 0.0, sxx = 0.0, sy = 0.0, syy = 0.0, sxy = 0.0
    private var pushes = 0
    static let resyncEvery = 1024

    init(window: Int) {
        self.window = window
        xs = Ring(capacity: window)
        ys = Ring(capacity: window)
    }

    var isFull: Bool { xs.isFull }

    mutating func reset() { self = RollingMoments(window: window) }

    @inline(__always) mutating func push(_ x: Double, _ y: Double = 0) {
        if let ox = xs.push(x) {
            let oy = ys.push(y)!
            sx -= ox; sxx -= ox * ox; sy -= oy; syy -= oy * oy; sxy -= ox * oy
        } else {
            _ = ys.push(y)
        }
        sx += x; sxx += x * x; sy += y; syy += y * y; sxy += x * y
        pushes += 1
        if pushes % Self.resyncEvery == 0 { resync() }
    }

    private mutating func resync() {
        sx = 0; sxx = 0; sy = 0; syy = 0; sxy = 0
        for back in stride(from: xs.count - 1, through: 0, by: -1) {
            let x = xs.ago(back), y = ys.ago(back)
            sx += x; sxx += x * x; sy += y; syy += y * y; sxy += x * y
        }
    }

    /// Population variance of x.
    var varianceX: Double {
        let n = Double(xs.count)
        return max(0, (sxx - sx * sx / n) / n)
    }
}

/// Mean and population variance of the last `window` values from running sums of (x − anchor):
/// with the anchor near the mean there is no catastrophic cancellation (a raw Σx² loses ~7
/// digits on prices of 2,000 with a volatility of 1). Every `window` pushes the anchor moves to
/// the current mean and the sums are recomputed exactly: O(1) amortised per value.
struct AnchoredMoments {
    let window: Int
    private var ring: Ring
    private var anchor = Double.nan
    private var s1 = 0.0, s2 = 0.0
    private var pushes = 0

    init(window: Int) {
        self.window = window
        ring = Ring(capacity: window)
    }

    var isFull: Bool { ring.isFull }

    @inline(__always) mutating func push(_ x: Double) {
        if anchor.isNaN { anchor = x }
        if let old = ring.push(x) {
            let d = old - anchor
            s1 -= d; s2 -= d * d
        }
        let d = x - anchor
        s1 += d; s2 += d * d
        pushes += 1
        if pushes % window == 0 { reanchor() }
    }

    private mutating func reanchor() {
        var sum = 0.0
        for back in stride(from: ring.count - 1, through: 0, by: -1) { sum += ring.ago(back) }
        anchor = sum / Double(ring.count)
        s1 = 0; s2 = 0
        for back in stride(from: ring.count - 1, through: 0, by: -1) {
            let d = ring.ago(back) - anchor
            s1 += d; s2 += d * d
        }
    }

    var mean: Double { anchor + s1 / Double(ring.count) }

    var variance: Double {
        let n = Double(ring.count)
        let m = s1 / n
        return s2 / n - m * m
    }
}
