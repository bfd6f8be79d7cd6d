import Foundation
import Market
import PostgresNIO
import Store

/// Strategies and their status history on PostgreSQL, with SQLite's rules (a name saved once
/// unless replaced; a status change only from the status expected).
public struct PostgresStrategyRepository: ResearchStrategies {
    let db: PostgresDatabase
    static let log = PostgresDatabase.quiet

    public func save(_ r: StrategyRecord, replace: Bool, reason: String) throws {
        try db.transaction { conn in
            var previous: String?
            for try await s in try await conn.query("SELECT status FROM strategies WHERE name = \(r.name) FOR UPDATE", logger: Self.log).decode(String.self) { previous = s }
            if previous != nil {
                guard replace else { throw StrategyStoreError.exists(r.name) }
                _ = try await conn.query("DELETE FROM strategies WHERE name = \(r.name)", logger: Self.log)
            }
            _ = try await PostgresDatabase.insertMany(conn, table: "strategies", columns: [
                "name", "status", "symbol", "interval", "feature_set", "feature_hash", "definition", "data_from_ms", "data_to_ms", "run_id", "rank", "trials",
                "dsr", "psr", "sharpe", "trades", "model_name", "model_version", "created_ms", "status_ms",
            ], rows: [[.text(r.name), .text(r.status.rawValue), .text(r.symbol), .text(r.interval), .text(r.featureSet), .text(r.featureHash),
                       .text(r.definition), r.dataFromMs.store, r.dataToMs.store, r.runId.store, r.rank.store, r.trials.store, r.dsr.store, r.psr.store,
                       r.sharpe.store, r.trades.store, r.modelName.store, r.modelVersion.store, .integer(r.createdMs), .integer(r.statusMs)]])
            if r.paperBars > 0 || r.paperMaxDrawdown != nil || r.paperPnL != nil {
                _ = try await conn.query("INSERT INTO paper_records (name, bars, pnl, max_drawdown) VALUES (\(r.name), \(r.paperBars), \(r.paperPnL), \(r.paperMaxDrawdown))",
                                         logger: Self.log)
            }
            try await Self.log(conn, name: r.name, time: r.statusMs, from: previous, to: r.status.rawValue, reason: reason)
        }
    }

    static let select = """
        SELECT strategies.*, COALESCE(paper_records.bars, 0) AS paper_bars, paper_records.pnl AS paper_pnl, paper_records.max_drawdown AS paper_max_drawdown
        FROM strategies LEFT JOIN paper_records USING (name)
        """

    public func exists(_ name: String) throws -> Bool {
        try db.rows("SELECT EXISTS (SELECT 1 FROM strategies WHERE name = \(name))").first!.decode(Bool.self)
    }

    public func get(_ name: String) throws -> StrategyRecord {
        guard let row = try db.rows("\(unescaped: Self.select) WHERE name = \(name)").first else { throw StrategyStoreError.unknown(name) }
        return try Self.record(row)
    }

    public func list(status: StrategyRecord.Status?) throws -> [StrategyRecord] {
        try db.rows("""
            \(unescaped: Self.select) WHERE \(status?.rawValue)::TEXT IS NULL OR status = \(status?.rawValue) ORDER BY dsr IS NULL, dsr DESC, name
            """).map(Self.record)
    }

    public func setStatus(_ name: String, from expected: StrategyRecord.Status, to status: StrategyRecord.Status, timeMs: Int64, reason: String) throws {
        try db.transaction { conn in
            let changed = try await conn.query("""
                UPDATE strategies SET status = \(status.rawValue), status_ms = \(timeMs) WHERE name = \(name) AND status = \(expected.rawValue) RETURNING name
                """, logger: Self.log).collect()
            guard changed.count == 1 else { throw StrategyStoreError.unknown(name) }
            if status == .paper { _ = try await conn.query("DELETE FROM paper_records WHERE name = \(name)", logger: Self.log) }
            try await Self.log(conn, name: name, time: timeMs, from: expected.rawValue, to: status.rawValue, reason: reason)
        }
    }

    public func events(_ name: String) throws -> [StrategyEvent] {
        try db.rows("SELECT time_ms, from_status, to_status, reason FROM strategy_events WHERE name = \(name) ORDER BY id").map { row in
            let (time, from, to, reason) = try row.decode((Int64, String?, String, String).self)
            return StrategyEvent(timeMs: time, from: from, to: to, reason: reason)
        }
    }

    static func log(_ conn: PostgresConnection, name: String, time: Int64, from: String?, to: String, reason: String) async throws {
        _ = try await conn.query("""
            INSERT INTO strategy_events (name, time_ms, from_status, to_status, reason) VALUES (\(name), \(time), \(from), \(to), \(reason))
            """, logger: Self.log)
    }

    static func record(_ row: PostgresRow) throws -> StrategyRecord {
        let r = row.makeRandomAccess()
        func v<T: PostgresDecodable>(_ name: String, _: T.Type = T.self) throws -> T { try r[name].decode(T.self) }
        let status: String = try v("status"), name: String = try v("name")
        guard let s = StrategyRecord.Status(rawValue: status) else { throw StrategyStoreError.corrupt("strategy \(name): status '\(status)'") }
        return StrategyRecord(name: name, status: s, symbol: try v("symbol"), interval: try v("interval"), featureSet: try v("feature_set"),
                              featureHash: try v("feature_hash"), definition: try v("definition"), dataFromMs: try v("data_from_ms"),
                              dataToMs: try v("data_to_ms"), runId: try v("run_id"), rank: try v("rank"), trials: try v("trials"), dsr: try v("dsr"),
                              psr: try v("psr"), sharpe: try v("sharpe"), trades: try v("trades"), modelName: try v("model_name"),
                              modelVersion: try v("model_version"), createdMs: try v("created_ms"), statusMs: try v("status_ms"),
                              paperBars: try v("paper_bars"), paperPnL: try v("paper_pnl"), paperMaxDrawdown: try v("paper_max_drawdown"))
    }
}
