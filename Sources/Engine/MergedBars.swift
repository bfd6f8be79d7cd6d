import Market

/// Bar-times of several series merged by open time: each step yields the time and, per series,
/// its bar at that time (nil where a series has none). Both drivers walk bars this way.
public struct MergedBars {
    public private(set) var series: [BarSeries]
    private var cursor: [Int]
    private var slot: [Bar?]

    public init(_ series: [BarSeries]) {
        self.series = series
        cursor = [Int](repeating: 0, count: series.count)
        slot = [Bar?](repeating: nil, count: series.count)
    }

    /// Adds a newly closed bar to series `i` (a live feed); it must be later than the series' last.
    public mutating func append(_ bar: Bar, to i: Int) {
        precondition(series[i].openTime.last.map { bar.openTime > $0 } ?? true, "bars are appended in time order")
        series[i].append(bar)
    }

    /// The bar-time `next` would yield (nil: none held).
    public func peekTime() -> Int64? {
        var t = Int64.max
        for i in series.indices where cursor[i] < series[i].count { t = min(t, series[i].openTime[cursor[i]]) }
        return t == .max ? nil : t
    }

    /// The next bar-time not after `to`, or nil when there is none.
    public mutating func next(to: Int64 = .max) -> (time: Int64, bars: [Bar?])? {
        guard let t = peekTime(), t <= to else { return nil }
        for i in series.indices {
            if cursor[i] < series[i].count && series[i].openTime[cursor[i]] == t {
                slot[i] = series[i][cursor[i]]
                cursor[i] += 1
            } else {
                slot[i] = nil
            }
        }
        return (t, slot)
    }
}
