import Foundation
import Market
import PostgresNIO
import Store

/// Backtests on PostgreSQL: the curve as SQLite's blob, the trades as rows.
public struct PostgresBacktestRepository: ResearchBacktests {
    let db: PostgresDatabase
    static let log = PostgresDatabase.quiet

    @discardableResult
    public func save(_ r: BacktestRecord) throws -> Int64 {
        try db.transaction { conn in
            let curve = ByteBuffer(bytes: BinaryColumns.encode(time: r.time, [r.equity, r.returns, r.exposure]))
            var id: Int64 = 0
            for try await i in try await conn.query("""
                INSERT INTO backtests (strategy, created_ms, first_ms, last_ms, bars, metrics, psr, curve)
                VALUES (\(r.strategy), \(r.createdMs), \(r.time.first ?? 0), \(r.time.last ?? 0), \(r.time.count), \(r.metricsJSON), \(r.psr), \(curve)) RETURNING id
                """, logger: Self.log).decode(Int64.self) { id = i }
            _ = try await PostgresDatabase.insertMany(
                conn, table: "backtest_trades", columns: ["backtest_id", "seq", "side", "entry_ms", "entry_price", "exit_ms", "exit_price", "result", "bars"],
                rows: r.trades.enumerated().map { i, t in
                    [.integer(id), .integer(Int64(i)), .integer(Int64(t.side)), .integer(t.entryMs), .real(t.entryPrice), t.exitMs.store, t.exitPrice.store,
                     .real(t.result), .integer(Int64(t.bars))]
                })
            return id
        }
    }

    public func latest(strategy: String) throws -> BacktestRecord? {
        try db.rows("SELECT * FROM backtests WHERE strategy = \(strategy) ORDER BY id DESC LIMIT 1").first.map(record)
    }

    public func backtest(id: Int64) throws -> BacktestRecord? {
        try db.rows("SELECT * FROM backtests WHERE id = \(id)").first.map(record)
    }

    func record(_ row: PostgresRow) throws -> BacktestRecord {
        let r = row.makeRandomAccess()
        let id = try r["id"].decode(Int64.self), bars = try r["bars"].decode(Int.self)
        let trades = try db.rows("""
            SELECT side, entry_ms, entry_price, exit_ms, exit_price, result, bars FROM backtest_trades WHERE backtest_id = \(id) ORDER BY seq
            """).map { t in
            let (side, entryMs, entryPrice, exitMs, exitPrice, result, n) = try t.decode((Int, Int64, Double, Int64?, Double?, Double, Int).self)
            return BacktestRecord.TradeRow(side: side, entryMs: entryMs, entryPrice: entryPrice, exitMs: exitMs, exitPrice: exitPrice, result: result, bars: n)
        }
        guard let curve = BinaryColumns.decode(Data(buffer: try r["curve"].decode(ByteBuffer.self)), count: bars, columns: 3) else {
            throw StrategyStoreError.corrupt("backtest \(id): curve blob does not hold \(bars) bars")
        }
        return BacktestRecord(id: id, strategy: try r["strategy"].decode(String.self), createdMs: try r["created_ms"].decode(Int64.self),
                              metricsJSON: try r["metrics"].decode(String.self), psr: try r["psr"].decode(Double?.self),
                              time: curve.time, equity: curve.columns[0], returns: curve.columns[1], exposure: curve.columns[2], trades: trades)
    }
}
