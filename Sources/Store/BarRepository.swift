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

    public init(symbol: String, interval: String, first: Int64, last: Int64, bars: Int, missingBars: Int, gaps: Int) {
        self.symbol = symbol; self.interval = interval; self.first = first; self.last = last
        self.bars = bars; self.missingBars = missingBars; self.gaps = gaps
    }
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
        guard !bars.isEmpty else { return report }
        let id = try seriesID(db, symbol: symbol, interval: interval, create: true)!
        let insert = try BulkStatement(db, """
            INSERT INTO bars (series_id, open_time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (series_id, open_time) DO NOTHING
            """)
        let existing = try BulkStatement(db, "SELECT open, high, low, close, volume FROM bars WHERE series_id = ? AND open_time = ?")
        let update = try BulkStatement(db, "UPDATE bars SET open = ?, high = ?, low = ?, close = ?, volume = ? WHERE series_id = ? AND open_time = ?")
        insert.bind(1, id)
        existing.bind(1, id)
        update.bind(6, id)
        for b in bars {
            insert.bind(2, b.openTime)
            insert.bind(3, b.open); insert.bind(4, b.high); insert.bind(5, b.low); insert.bind(6, b.close); insert.bind(7, b.volume)
            try insert.run()
            if insert.changes == 1 { report.inserted += 1; continue }
            existing.bind(2, b.openTime)
            guard try existing.step() else { existing.reset(); continue }
            let same = existing.double(0) == b.open && existing.double(1) == b.high && existing.double(2) == b.low
                && existing.double(3) == b.close && existing.double(4) == b.volume
            existing.reset()
            if same { report.unchanged += 1; continue }
            report.conflicting += 1
            if policy == .replace {
                update.bind(1, b.open); update.bind(2, b.high); update.bind(3, b.low); update.bind(4, b.close); update.bind(5, b.volume)
                update.bind(7, b.openTime)
                try update.run()
                report.replaced += 1
            }
        }
        return report
    }

    /// One closed bar inside the caller's transaction: the live service stores a streamed bar with
    /// its bar-time's outcome, so a committed bar-time always has its bars. A bar already stored
    /// is left as it is.
    public static func append(_ b: Bar, symbol: Symbol, interval: Interval, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO series (symbol, interval) VALUES (?, ?) ON CONFLICT (symbol, interval) DO NOTHING")
            .execute(arguments: [symbol.name, interval.name])
        try db.cachedStatement(sql: """
            INSERT INTO bars (series_id, open_time, open, high, low, close, volume)
            SELECT id, ?, ?, ?, ?, ?, ? FROM series WHERE symbol = ? AND interval = ?
            ON CONFLICT (series_id, open_time) DO NOTHING
            """).execute(arguments: [b.openTime, b.open, b.high, b.low, b.close, b.volume, symbol.name, interval.name])
    }

    /// The id of (symbol, interval) in `series`, created on first write.
    static func seriesID(_ db: Database, symbol: Symbol, interval: Interval, create: Bool) throws -> Int64? {
        if create {
            try db.execute(sql: "INSERT INTO series (symbol, interval) VALUES (?, ?) ON CONFLICT (symbol, interval) DO NOTHING",
                           arguments: [symbol.name, interval.name])
        }
        return try Int64.fetchOne(db, sql: "SELECT id FROM series WHERE symbol = ? AND interval = ?", arguments: [symbol.name, interval.name])
    }

    /// Bars in [from, to] (inclusive, epoch ms), oldest first.
    public func series(symbol: Symbol, interval: Interval, from: Int64? = nil, to: Int64? = nil) throws -> BarSeries {
        try pool.read { db in
            guard let id = try Self.seriesID(db, symbol: symbol, interval: interval, create: false) else {
                return BarSeries(symbol: symbol, interval: interval)
            }
            let lo = from ?? Int64.min, hi = to ?? Int64.max
            let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bars WHERE series_id = ? AND open_time BETWEEN ? AND ?",
                                     arguments: [id, lo, hi]) ?? 0
            var series = BarSeries(symbol: symbol, interval: interval, capacity: n)
            let rows = try BulkStatement(db, """
                SELECT open_time, open, high, low, close, volume FROM bars
                WHERE series_id = ? AND open_time BETWEEN ? AND ? ORDER BY open_time
                """)
            rows.bind(1, id); rows.bind(2, lo); rows.bind(3, hi)
            while try rows.step() {
                series.append(Bar(openTime: rows.int64(0), open: rows.double(1), high: rows.double(2), low: rows.double(3),
                                  close: rows.double(4), volume: rows.double(5)))
            }
            return series
        }
    }

    /// Open time of the newest stored bar, if any.
    public func lastOpenTime(symbol: Symbol, interval: Interval) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(open_time) FROM bars JOIN series ON series.id = series_id WHERE symbol = ? AND interval = ?",
                               arguments: [symbol.name, interval.name])
        }
    }

    /// Number of stored bars for one (symbol, interval).
    public func count(symbol: Symbol, interval: Interval) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bars JOIN series ON series.id = series_id WHERE symbol = ? AND interval = ?",
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
                SELECT symbol, interval, MIN(open_time), MAX(open_time), COUNT(*), series.id
                FROM bars JOIN series ON series.id = series_id GROUP BY series.id
                """)
            var out: [BarCoverage] = []
            for k in keys {
                let symbol: String = k[0], intervalName: String = k[1]
                let first: Int64 = k[2], last: Int64 = k[3], n: Int = k[4], id: Int64 = k[5]
                guard let interval = try? Interval(intervalName) else { continue }
                let step = interval.milliseconds
                let gaps = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM (
                        SELECT open_time - LAG(open_time) OVER (ORDER BY open_time) AS d
                        FROM bars WHERE series_id = ?
                    ) WHERE d > ?
                    """, arguments: [id, step]) ?? 0
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
            guard let id = try Self.seriesID(db, symbol: symbol, interval: interval, create: false) else { return from }
            let hasFirst = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM bars WHERE series_id = ? AND open_time = ?)",
                                             arguments: [id, from]) ?? false
            guard hasFirst else { return from }
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(open_time) FROM bars WHERE series_id = ?", arguments: [id]) ?? from
            return last + interval.milliseconds
        }
    }
}
