import Market

/// Bar-times of several series merged by open time: each step yields the time and, per series,
/// its bar at that time (nil where a series has none). Both drivers walk bars this way.
public struct MergedBars {
    public let series: [BarSeries]
    private var cursor: [Int]
    private var slot: [Bar?]

    public init(_ series: [BarSeries]) {
        self.series = series
        cursor = [Int](repeating: 0, count: series.count)
        slot = [Bar?](repeating: nil, count: series.count)
    }

    /// The next bar-time not after `to`, or nil when there is none.
    public mutating func next(to: Int64 = .max) -> (time: Int64, bars: [Bar?])? {
        var t = Int64.max
        for i in series.indices where cursor[i] < series[i].count { t = min(t, series[i].openTime[cursor[i]]) }
        guard t != .max, t <= to else { return nil }
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
