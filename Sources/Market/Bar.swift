/// One OHLCV bar; `openTime` is the bar's start in epoch milliseconds (UTC).
public struct Bar: Equatable, Sendable {
    public var openTime: Int64
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double

    public init(openTime: Int64, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }

    /// The first rule this bar breaks, as (field, expectation), or nil when it is consistent.
    public var inconsistency: (field: String, expected: String)? {
        for (name, v) in [("open", open), ("high", high), ("low", low), ("close", close)] where !(v.isFinite && v > 0) {
            return (name, "a finite price > 0, got \(v)")
        }
        if !(volume.isFinite && volume >= 0) { return ("volume", "a finite volume >= 0, got \(volume)") }
        if high < max(open, close) { return ("high", "high >= max(open, close), got high \(high) with open \(open), close \(close)") }
        if low > min(open, close) { return ("low", "low <= min(open, close), got low \(low) with open \(open), close \(close)") }
        return nil
    }
}
