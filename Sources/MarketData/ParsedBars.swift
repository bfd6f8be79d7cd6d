import Market

/// Bars read from a file after validation, with what was noticed on the way.
public struct ParsedBars: Sendable {
    public var bars: [Bar] = []
    /// Rows repeating the previous row exactly (skipped).
    public var duplicates = 0
    /// Runs of missing bars between consecutive rows.
    public var gaps: [Gap] = []

    /// A run of missing bars: `missing` bars after the bar at `after`.
    public struct Gap: Sendable, Equatable {
        public let after: Int64
        public let missing: Int
        public init(after: Int64, missing: Int) {
            self.after = after
            self.missing = missing
        }
    }

    public var missingBars: Int { gaps.reduce(0) { $0 + $1.missing } }

    /// The greatest common divisor of the steps between rows (ms): larger than the interval when
    /// the file holds coarser bars than the interval it was imported as.
    public var rowSpacing: Int64? {
        guard bars.count > 1 else { return nil }
        var g: Int64 = 0
        for i in 1..<bars.count {
            var a = bars[i].openTime - bars[i - 1].openTime, b = g
            while b != 0 { (a, b) = (b, a % b) }
            g = a
            if g <= 0 { return nil }
        }
        return g
    }
}

/// Validates rows in file order: OHLC consistency, alignment, increasing times; counts exact
/// duplicates and gaps. Shared by the CSV and JSON readers and the downloader.
struct BarSequenceValidator {
    let interval: Interval
    let file: String
    /// Names a row position in errors: "line 12", "result.list[3]".
    let describe: (Int) -> String
    var result = ParsedBars()
    private var previousPosition = 0

    init(interval: Interval, file: String, capacity: Int = 0, describe: @escaping (Int) -> String) {
        self.interval = interval
        self.file = file
        self.describe = describe
        result.bars.reserveCapacity(capacity)
    }

    func failure(at position: Int, _ field: String, _ expected: String) -> BarFileError {
        BarFileError(file: file, location: describe(position), field: field, expected: expected)
    }

    /// Adds the row found at `position`.
    mutating func add(_ bar: Bar, at position: Int) throws {
        if let bad = bar.inconsistency { throw failure(at: position, bad.field, bad.expected) }
        if !interval.isAligned(bar.openTime) {
            throw failure(at: position, "timestamp", "a bar start aligned to \(interval.name), got \(UTCTime.iso(bar.openTime)) (\(bar.openTime))")
        }
        if let prev = result.bars.last {
            if bar.openTime == prev.openTime {
                if bar == prev { result.duplicates += 1; return }
                throw failure(at: position, "timestamp", "a new bar time, got \(UTCTime.iso(bar.openTime)) again with different values (first at \(describe(previousPosition)))")
            }
            if bar.openTime < prev.openTime {
                throw failure(at: position, "timestamp", "times increasing, got \(UTCTime.iso(bar.openTime)) after \(UTCTime.iso(prev.openTime)) (\(describe(previousPosition)))")
            }
            let step = interval.milliseconds
            if bar.openTime - prev.openTime > step {
                result.gaps.append(.init(after: prev.openTime, missing: Int((bar.openTime - prev.openTime) / step) - 1))
            }
        }
        result.bars.append(bar)
        previousPosition = position
    }
}
