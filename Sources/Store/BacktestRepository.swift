import Foundation
import GRDB

/// A stored backtest of a strategy: summary, per-bar curve and trade list.
public struct BacktestRecord: Sendable, Equatable {
    /// One closed or open trade as stored.
    public struct TradeRow: Sendable, Equatable {
        public let side: Int
        public let entryMs: Int64
        public let entryPrice: Double
        public let exitMs: Int64?
        public let exitPrice: Double?
        public let result: Double
        public let bars: Int

        public init(side: Int, entryMs: Int64, entryPrice: Double, exitMs: Int64?, exitPrice: Double?, result: Double, bars: Int) {
            self.side = side; self.entryMs = entryMs; self.entryPrice = entryPrice; self.exitMs = exitMs
            self.exitPrice = exitPrice; self.result = result; self.bars = bars
        }
    }

    public var id: Int64?
    public let strategy: String
    public let createdMs: Int64
    /// Performance metrics as JSON (their type lives in Backtest, above the store).
    public let metricsJSON: String
    public let psr: Double?
    public let time: [Int64]
    public let equity: [Double]
    public let returns: [Double]
    public let exposure: [Double]
    public let trades: [TradeRow]

    public init(id: Int64? = nil, strategy: String, createdMs: Int64, metricsJSON: String, psr: Double?, time: [Int64], equity: [Double],
                returns: [Double], exposure: [Double], trades: [TradeRow]) {
        precondition(equity.count == time.count && returns.count == time.count && exposure.count == time.count, "curve columns differ in length")
        self.id = id; self.strategy = strategy; self.createdMs = createdMs; self.metricsJSON = metricsJSON; self.psr = psr
        self.time = time; self.equity = equity; self.returns = returns; self.exposure = exposure; self.trades = trades
    }
}

/// Backtests of stored strategies. The curve is one blob per backtest (four little-endian
/// columns) rather than a row per bar: a 500,000-bar curve is read and written in one go.
public struct BacktestRepository: Sendable {
    let pool: DatabasePool

    /// Stores a backtest and its trades in one transaction; returns its id.
    @discardableResult
    public func save(_ r: BacktestRecord) throws -> Int64 {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO backtests (strategy, created_ms, first_ms, last_ms, bars, metrics, psr, curve) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r.strategy, r.createdMs, r.time.first ?? 0, r.time.last ?? 0, r.time.count, r.metricsJSON, r.psr,
                                 BinaryColumns.encode(time: r.time, [r.equity, r.returns, r.exposure])])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: """
                INSERT INTO backtest_trades (backtest_id, seq, side, entry_ms, entry_price, exit_ms, exit_price, result, bars)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (i, t) in r.trades.enumerated() {
                try insert.execute(arguments: [id, i, t.side, t.entryMs, t.entryPrice, t.exitMs, t.exitPrice, t.result, t.bars])
            }
            return id
        }
    }

    /// The newest backtest of a strategy, if any.
    public func latest(strategy: String) throws -> BacktestRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM backtests WHERE strategy = ? ORDER BY id DESC LIMIT 1", arguments: [strategy]).map { try Self.record($0, db) }
        }
    }

    /// A backtest by its id (`stored_as` of `mlbot backtest --json`), if stored.
    public func backtest(id: Int64) throws -> BacktestRecord? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM backtests WHERE id = ?", arguments: [id]).map { try Self.record($0, db) } }
    }

    static func record(_ row: Row, _ db: Database) throws -> BacktestRecord {
        let id: Int64 = row["id"]
        let trades = try Row.fetchAll(db, sql: "SELECT * FROM backtest_trades WHERE backtest_id = ? ORDER BY seq", arguments: [id]).map {
            BacktestRecord.TradeRow(side: $0["side"], entryMs: $0["entry_ms"], entryPrice: $0["entry_price"], exitMs: $0["exit_ms"],
                                    exitPrice: $0["exit_price"], result: $0["result"], bars: $0["bars"])
        }
        let bars: Int = row["bars"]
        guard let curve = BinaryColumns.decode(row["curve"], count: bars, columns: 3) else {
            throw StrategyStoreError.corrupt("backtest \(id): curve blob does not hold \(bars) bars")
        }
        let time = curve.time, columns = curve.columns
        return BacktestRecord(id: id, strategy: row["strategy"], createdMs: row["created_ms"], metricsJSON: row["metrics"], psr: row["psr"],
                              time: time, equity: columns[0], returns: columns[1], exposure: columns[2], trades: trades)
    }
}
