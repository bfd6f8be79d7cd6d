import Exchange
import Market

/// Turns the stream's candles into closed bars in order, per instrument: a candle is taken only
/// when confirmed and exactly one interval after the last bar held; a later one means bars were
/// missed (a drop, a reconnect, a candle closed without its confirm) and asks for a REST fill
/// first; earlier ones (duplicates, late arrivals) are ignored. So no bar is skipped or taken twice.
public struct LiveBars {
    public let instruments: [Symbol]
    public let interval: Interval
    /// The newest bar held per instrument.
    public private(set) var last: [Int64?]
    /// Candles ignored as duplicates, late or unconfirmed repeats.
    public private(set) var ignored = 0

    /// What the feed must do with a candle.
    public enum Action: Equatable, Sendable {
        /// Store and step this bar of instrument i.
        case accept(Int, Bar)
        /// Bars of instrument i are missing up to `through` (inclusive): fetch them over REST.
        case fill(Int, through: Int64)
    }

    public init(instruments: [Symbol], interval: Interval, last: [Int64?]) {
        precondition(instruments.count == last.count, "one last bar per instrument")
        self.instruments = instruments
        self.interval = interval
        self.last = last
    }

    public mutating func receive(_ c: StreamCandle) -> Action? {
        guard c.interval == interval, let i = instruments.firstIndex(of: c.symbol) else { ignored += 1; return nil }
        let step = interval.milliseconds
        let start = c.bar.openTime
        guard let held = last[i] else {
            if c.confirm { return .accept(i, c.bar) }
            return nil
        }
        let next = held + step
        if start < next { ignored += 1; return nil }
        if c.confirm { return start == next ? .accept(i, c.bar) : .fill(i, through: start) }
        // A newer candle forming: the one before it closed, whether or not its confirm came.
        if start > next { return .fill(i, through: start - step) }
        return nil
    }

    /// Instrument i now holds bars through `t`.
    public mutating func advance(_ i: Int, to t: Int64) {
        if last[i].map({ t > $0 }) ?? true { last[i] = t }
    }

    /// The newest bar-time every instrument holds: complete bar-times go no further.
    public var completeThrough: Int64? {
        var t = Int64.max
        for l in last { guard let l else { return nil }; t = min(t, l) }
        return t
    }
}
