import Foundation
import Market
import PostgresNIO
import Store

/// Bars on PostgreSQL, with SQLite's keys, counts and conflict policy.
public struct PostgresBarRepository: ResearchBars {
    let db: PostgresDatabase

    @discardableResult
    public func write(_ batches: [BarSeries], policy: ConflictPolicy) throws -> BarWriteReport {
        try db.transaction { conn in
            var report = BarWriteReport()
            for s in batches where !s.isEmpty {
                let id = try await Self.seriesID(conn, symbol: s.symbol, interval: s.interval, create: true)!
                let bars = s.bars
                let inserted = Set(try await PostgresDatabase.insertMany(
                    conn, table: "bars", columns: ["series_id", "open_time", "open", "high", "low", "close", "volume"],
                    rows: bars.map { [.integer(id), .integer($0.openTime), .real($0.open), .real($0.high), .real($0.low), .real($0.close), .real($0.volume)] },
                    suffix: "ON CONFLICT (series_id, open_time) DO NOTHING RETURNING open_time").map { try $0.decode(Int64.self) })
                report.inserted += inserted.count
                let others = bars.filter { !inserted.contains($0.openTime) }
                guard !others.isEmpty else { continue }
                var stored: [Int64: Bar] = [:]
                for try await (t, o, h, l, c, v) in try await conn.query("""
                    SELECT open_time, open, high, low, close, volume FROM bars WHERE series_id = \(id) AND open_time = ANY(\(others.map(\.openTime)))
                    """, logger: PostgresDatabase.quiet).decode((Int64, Double, Double, Double, Double, Double).self) {
                    stored[t] = Bar(openTime: t, open: o, high: h, low: l, close: c, volume: v)
                }
                for b in others {
                    guard let e = stored[b.openTime] else { continue }
                    if e.open == b.open && e.high == b.high && e.low == b.low && e.close == b.close && e.volume == b.volume { report.unchanged += 1; continue }
                    report.conflicting += 1
                    if policy == .replace {
                        _ = try await conn.query("""
                            UPDATE bars SET open = \(b.open), high = \(b.high), low = \(b.low), close = \(b.close), volume = \(b.volume)
                            WHERE series_id = \(id) AND open_time = \(b.openTime)
                            """, logger: PostgresDatabase.quiet)
                        report.replaced += 1
                    }
                }
            }
            return report
        }
    }

    static func seriesID(_ conn: PostgresConnection, symbol: Symbol, interval: Interval, create: Bool) async throws -> Int64? {
        if create {
            _ = try await conn.query("INSERT INTO series (symbol, interval) VALUES (\(symbol.name), \(interval.name)) ON CONFLICT (symbol, interval) DO NOTHING",
                                     logger: PostgresDatabase.quiet)
        }
        var id: Int64?
        for try await i in try await conn.query("SELECT id FROM series WHERE symbol = \(symbol.name) AND interval = \(interval.name)",
                                                logger: PostgresDatabase.quiet).decode(Int64.self) { id = i }
        return id
    }

    public func series(symbol: Symbol, interval: Interval, from: Int64?, to: Int64?) throws -> BarSeries {
        let lo = from ?? Int64.min, hi = to ?? Int64.max
        let rows = try db.rows("""
            SELECT open_time, open, high, low, close, volume FROM bars JOIN series ON series.id = series_id
            WHERE symbol = \(symbol.name) AND interval = \(interval.name) AND open_time BETWEEN \(lo) AND \(hi) ORDER BY open_time
            """)
        var series = BarSeries(symbol: symbol, interval: interval, capacity: rows.count)
        for row in rows {
            let (t, o, h, l, c, v) = try row.decode((Int64, Double, Double, Double, Double, Double).self)
            series.append(Bar(openTime: t, open: o, high: h, low: l, close: c, volume: v))
        }
        return series
    }

    public func count(symbol: Symbol, interval: Interval) throws -> Int {
        try db.rows("""
            SELECT count(*) FROM bars JOIN series ON series.id = series_id WHERE symbol = \(symbol.name) AND interval = \(interval.name)
            """).first!.decode(Int.self)
    }

    public func lastOpenTime(symbol: Symbol, interval: Interval) throws -> Int64? {
        try db.rows("""
            SELECT max(open_time) FROM bars JOIN series ON series.id = series_id WHERE symbol = \(symbol.name) AND interval = \(interval.name)
            """).first!.decode(Int64?.self)
    }

    public func resumePoint(symbol: Symbol, interval: Interval, from: Int64) throws -> Int64 {
        let hasFirst = try db.rows("""
            SELECT EXISTS (SELECT 1 FROM bars JOIN series ON series.id = series_id WHERE symbol = \(symbol.name) AND interval = \(interval.name) AND open_time = \(from))
            """).first!.decode(Bool.self)
        guard hasFirst, let last = try lastOpenTime(symbol: symbol, interval: interval) else { return from }
        return last + interval.milliseconds
    }

    public func totalCount() throws -> Int {
        try db.rows("SELECT count(*) FROM bars").first!.decode(Int.self)
    }

    public func coverage() throws -> [BarCoverage] {
        try db.rows("""
            SELECT symbol, interval, first, last, n FROM series JOIN (
                SELECT series_id, min(open_time) AS first, max(open_time) AS last, count(*) AS n FROM bars GROUP BY series_id
            ) extent ON extent.series_id = series.id
            """).compactMap { row -> BarCoverage? in
            let (symbol, name, first, last, n) = try row.decode((String, String, Int64, Int64, Int).self)
            guard let interval = try? Interval(name) else { return nil }
            let gaps = try db.rows("""
                SELECT count(*) FROM (SELECT open_time - lag(open_time) OVER (ORDER BY open_time) AS d FROM bars JOIN series ON series.id = series_id
                WHERE symbol = \(symbol) AND interval = \(name)) steps WHERE d > \(interval.milliseconds)
                """).first!.decode(Int.self)
            return BarCoverage(symbol: symbol, interval: name, first: first, last: last, bars: n, missingBars: Int((last - first) / interval.milliseconds) + 1 - n, gaps: gaps)
        }.sorted { ($0.symbol, (try? Interval($0.interval).milliseconds) ?? 0) < ($1.symbol, (try? Interval($1.interval).milliseconds) ?? 0) }
    }
}
