import GRDB
import Market

/// What happens when an incoming bar's key is already stored with different values.
public enum ConflictPolicy: Sendable {
    /// Keep the stored bar and count the conflict.
    case keepExisting
    /// Overwrite the stored bar.
    case replace
}

/// Counts from one idempotent write of bars.
public struct BarWriteReport: Equatable, Sendable {
    public var inserted = 0
    /// Already stored with identical values.
    public var unchanged = 0
    /// Already stored with different values (kept or replaced according to the policy).
    public var conflicting = 0
    public var replaced = 0
    public init() {}
}

/// The stored extent of one (symbol, interval).
public struct BarCoverage: Equatable, Sendable, Codable {
    public let symbol: String
    public let interval: String
    public let first: Int64
    public let last: Int64
    public let bars: Int
    /// Bars missing between first and last.
    public let missingBars: Int
    /// Runs of consecutive missing bars.
    public let gaps: Int
}

/// Bars keyed by (symbol, interval, open time); every write is idempotent.
public struct BarRepository: Sendable {
    let pool: DatabasePool

    /// Writes bars in one transaction: all of them or, on error, none.
    @discardableResult
    public func write(_ bars: [Bar], symbol: Symbol, interval: Interval, policy: ConflictPolicy = .keepExisting) throws -> BarWriteReport {
        try pool.write { db in try Self.write(db, bars, symbol: symbol, interval: interval, policy: policy) }
    }

    /// Writes several series in one transaction.
    @discardableResult
    public func write(_ batches: [BarSeries], policy: ConflictPolicy = .keepExisting) throws -> BarWriteReport {
        try pool.write { db in
            var total = BarWriteReport()
            for s in batches {
                let r = try Self.write(db, s.bars, symbol: s.symbol, interval: s.interval, policy: policy)
                total.inserted += r.inserted; total.unchanged += r.unchanged
                total.conflicting += r.conflicting; total.replaced += r.replaced
            }
            return total
        }
    }

    static func write(_ db: Database, _ bars: [Bar], symbol: Symbol, interval: Interval, policy: ConflictPolicy) throws -> BarWriteReport {
        var report = BarWriteReport()
        let insert = try db.cachedStatement(sql: """
            INSERT INTO bars (symbol, interval, open_time, open, high, low, close, volume)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (symbol, interval, open_time) DO NOTHING
            """)
        let existing = try db.cachedStatement(sql: """
            SELECT open, high, low, close, volume FROM bars WHERE symbol = ? AND interval = ? AND open_time = ?
            """)
        let update = try db.cachedStatement(sql: """
            UPDATE bars SET open = ?, high = ?, low = ?, close = ?, volume = ?
            WHERE symbol = ? AND interval = ? AND open_time = ?
            """)
        let s = symbol.name, iv = interval.name
        for b in bars {
            try insert.execute(arguments: [s, iv, b.openTime, b.open, b.high, b.low, b.close, b.volume])
            if db.changesCount == 1 { report.inserted += 1; continue }
            guard let row = try Row.fetchOne(existing, arguments: [s, iv, b.openTime]) else { continue }
            let same = row[0] as Double == b.open && row[1] as Double == b.high && row[2] as Double == b.low
                && row[3] as Double == b.close && row[4] as Double == b.volume
            if same { report.unchanged += 1; continue }
            report.conflicting += 1
            if policy == .replace {
                try update.execute(arguments: [b.open, b.high, b.low, b.close, b.volume, s, iv, b.openTime])
                report.replaced += 1
            }
        }
        return report
    }

    /// Bars in [from, to] (inclusive, epoch ms), oldest first.
    public func series(symbol: Symbol, interval: Interval, from: Int64? = nil, to: Int64? = nil) throws -> BarSeries {
        try pool.read { db in
            let n = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM bars WHERE symbol = ? AND interval = ? AND open_time BETWEEN ? AND ?
                """, arguments: [symbol.name, interval.name, from ?? Int64.min, to ?? Int64.max]) ?? 0
            var series = BarSeries(symbol: symbol, interval: interval, capacity: n)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT open_time, open, high, low, close, volume FROM bars
                WHERE symbol = ? AND interval = ? AND open_time BETWEEN ? AND ? ORDER BY open_time
                """, arguments: [symbol.name, interval.name, from ?? Int64.min, to ?? Int64.max])
            while let r = try rows.next() {
                series.append(Bar(openTime: r[0], open: r[1], high: r[2], low: r[3], close: r[4], volume: r[5]))
            }
            return series
        }
    }

    /// Open time of the newest stored bar, if any.
    public func lastOpenTime(symbol: Symbol, interval: Interval) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(open_time) FROM bars WHERE symbol = ? AND interval = ?",
                               arguments: [symbol.name, interval.name])
        }
    }

    /// Number of stored bars for one (symbol, interval).
    public func count(symbol: Symbol, interval: Interval) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bars WHERE symbol = ? AND interval = ?",
                             arguments: [symbol.name, interval.name]) ?? 0
        }
    }

    /// Total number of stored bars.
    public func totalCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bars") ?? 0 }
    }

    /// Extent, size and gaps of every stored (symbol, interval), sorted by symbol then interval length.
    public func coverage() throws -> [BarCoverage] {
        try pool.read { db in
            let keys = try Row.fetchAll(db, sql: """
                SELECT symbol, interval, MIN(open_time), MAX(open_time), COUNT(*) FROM bars GROUP BY symbol, interval
                """)
            var out: [BarCoverage] = []
            for k in keys {
                let symbol: String = k[0], intervalName: String = k[1]
                let first: Int64 = k[2], last: Int64 = k[3], n: Int = k[4]
                guard let interval = try? Interval(intervalName) else { continue }
                let step = interval.milliseconds
                let gaps = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM (
                        SELECT open_time - LAG(open_time) OVER (ORDER BY open_time) AS d
                        FROM bars WHERE symbol = ? AND interval = ?
                    ) WHERE d > ?
                    """, arguments: [symbol, intervalName, step]) ?? 0
                let expected = Int((last - first) / step) + 1
                out.append(BarCoverage(symbol: symbol, interval: intervalName, first: first, last: last,
                                       bars: n, missingBars: expected - n, gaps: gaps))
            }
            return out.sorted {
                ($0.symbol, (try? Interval($0.interval).milliseconds) ?? 0) < ($1.symbol, (try? Interval($1.interval).milliseconds) ?? 0)
            }
        }
    }
}

extension BarRepository {
    /// Where a download starting at `from` should continue: after the newest stored bar when the
    /// store already holds the bar at `from` (an earlier run's prefix), else at `from`. Gaps the
    /// exchange itself has inside the stored range are not re-requested.
    public func resumePoint(symbol: Symbol, interval: Interval, from: Int64) throws -> Int64 {
        try pool.read { db in
            let hasFirst = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM bars WHERE symbol = ? AND interval = ? AND open_time = ?)",
                                             arguments: [symbol.name, interval.name, from]) ?? false
            guard hasFirst else { return from }
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(open_time) FROM bars WHERE symbol = ? AND interval = ?",
                                          arguments: [symbol.name, interval.name]) ?? from
            return last + interval.milliseconds
        }
    }
}
