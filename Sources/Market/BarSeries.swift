/// Bars of one symbol and interval as a struct of arrays: contiguous columns for fast kernels.
public struct BarSeries: Equatable, Sendable {
    public let symbol: Symbol
    public let interval: Interval
    public private(set) var openTime: [Int64] = []
    public private(set) var open: [Double] = []
    public private(set) var high: [Double] = []
    public private(set) var low: [Double] = []
    public private(set) var close: [Double] = []
    public private(set) var volume: [Double] = []

    public init(symbol: Symbol, interval: Interval, capacity: Int = 0) {
        self.symbol = symbol
        self.interval = interval
        reserveColumns(capacity)
    }

    public init(symbol: Symbol, interval: Interval, bars: [Bar]) {
        self.init(symbol: symbol, interval: interval, capacity: bars.count)
        for b in bars { append(b) }
    }

    private mutating func reserveColumns(_ n: Int) {
        guard n > 0 else { return }
        openTime.reserveCapacity(n); open.reserveCapacity(n); high.reserveCapacity(n)
        low.reserveCapacity(n); close.reserveCapacity(n); volume.reserveCapacity(n)
    }

    public var count: Int { openTime.count }
    public var isEmpty: Bool { openTime.isEmpty }

    public mutating func append(_ b: Bar) {
        openTime.append(b.openTime); open.append(b.open); high.append(b.high)
        low.append(b.low); close.append(b.close); volume.append(b.volume)
    }

    public subscript(i: Int) -> Bar {
        Bar(openTime: openTime[i], open: open[i], high: high[i], low: low[i], close: close[i], volume: volume[i])
    }

    public var bars: [Bar] { (0..<count).map { self[$0] } }

    /// The bars at `range`, column by column (no per-bar copies).
    public func slice(_ range: Range<Int>) -> BarSeries {
        var s = BarSeries(symbol: symbol, interval: interval)
        s.openTime = Array(openTime[range]); s.open = Array(open[range]); s.high = Array(high[range])
        s.low = Array(low[range]); s.close = Array(close[range]); s.volume = Array(volume[range])
        return s
    }
}
