/// Fewer points for a drawn line without moving its extremes: each of `buckets` equal runs of
/// points keeps its first, lowest, highest and last point, in order. A 500,000-bar curve drawn
/// 900 pixels wide keeps every peak and trough a reader could see.
public enum Downsample {
    public static func minMax(x: [Double], y: [Double], buckets: Int) -> (x: [Double], y: [Double]) {
        precondition(x.count == y.count, "x and y differ in length")
        let n = x.count
        guard buckets > 0, n > 4 * buckets else { return (x, y) }
        var ox: [Double] = [], oy: [Double] = []
        ox.reserveCapacity(4 * buckets); oy.reserveCapacity(4 * buckets)
        for b in 0..<buckets {
            let lo = b * n / buckets, hi = (b + 1) * n / buckets
            guard hi > lo else { continue }
            var iMin = lo, iMax = lo
            for i in lo..<hi {
                // NaN never wins a comparison, so a gap cannot become an extreme.
                if y[i] < y[iMin] || y[iMin].isNaN { iMin = i }
                if y[i] > y[iMax] || y[iMax].isNaN { iMax = i }
            }
            var keep = [lo, iMin, iMax, hi - 1]
            keep.sort()
            var last = -1
            for i in keep where i != last { ox.append(x[i]); oy.append(y[i]); last = i }
        }
        return (ox, oy)
    }
}
