import Market
import Foundation
import GRDB

/// A stored strategy: its YAML definition plus the record that ranks and graduates it.
public struct StrategyRecord: Sendable, Equatable, Codable {
    /// Lifecycle: candidate (found) → paper → live, or retired from any of them.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case candidate, paper, live, retired
    }

    public var name: String
    public var status: Status
    public var symbol: String
    public var interval: String
    public var featureSet: String
    public var featureHash: String
    /// The strategy file text (`strategies export` writes it as is).
    public var definition: String
    /// The bars the recorded figures were measured on (nil: not measured yet).
    public var dataFromMs: Int64?
    public var dataToMs: Int64?
    public var runId: String?
    public var rank: Int?
    public var trials: Int?
    public var dsr: Double?
    public var psr: Double?
    /// Annualised out-of-sample Sharpe ratio.
    public var sharpe: Double?
    public var trades: Int?
    public var modelName: String?
    public var modelVersion: Int?
    public var createdMs: Int64
    public var statusMs: Int64
    /// Paper-trading record kept by the service: bars traded on paper, the P&L attributed to the
    /// strategy (quote currency) and its worst drawdown.
    public var paperBars: Int
    public var paperPnL: Double?
    public var paperMaxDrawdown: Double?

    public init(name: String, status: Status, symbol: String, interval: String, featureSet: String, featureHash: String, definition: String,
                dataFromMs: Int64? = nil, dataToMs: Int64? = nil, runId: String? = nil, rank: Int? = nil, trials: Int? = nil,
                dsr: Double? = nil, psr: Double? = nil, sharpe: Double? = nil, trades: Int? = nil, modelName: String? = nil,
                modelVersion: Int? = nil, createdMs: Int64, statusMs: Int64? = nil, paperBars: Int = 0, paperPnL: Double? = nil, paperMaxDrawdown: Double? = nil) {
        self.name = name; self.status = status; self.symbol = symbol; self.interval = interval; self.featureSet = featureSet
        self.featureHash = featureHash; self.definition = definition; self.dataFromMs = dataFromMs; self.dataToMs = dataToMs
        self.runId = runId; self.rank = rank; self.trials = trials; self.dsr = dsr; self.psr = psr; self.sharpe = sharpe
        self.trades = trades; self.modelName = modelName; self.modelVersion = modelVersion; self.createdMs = createdMs
        self.statusMs = statusMs ?? createdMs; self.paperBars = paperBars; self.paperPnL = paperPnL; self.paperMaxDrawdown = paperMaxDrawdown
    }

    init(row: Row) throws {
        let status: String = row["status"]
        guard let s = Status(rawValue: status) else { throw StrategyStoreError.corrupt("strategy \(row["name"] as String): status '\(status)'") }
        self.init(name: row["name"], status: s, symbol: row["symbol"], interval: row["interval"], featureSet: row["feature_set"],
                  featureHash: row["feature_hash"], definition: row["definition"], dataFromMs: row["data_from_ms"], dataToMs: row["data_to_ms"],
                  runId: row["run_id"], rank: row["rank"], trials: row["trials"], dsr: row["dsr"], psr: row["psr"], sharpe: row["sharpe"],
                  trades: row["trades"], modelName: row["model_name"], modelVersion: row["model_version"], createdMs: row["created_ms"],
                  statusMs: row["status_ms"], paperBars: row["paper_bars"], paperPnL: row["paper_pnl"], paperMaxDrawdown: row["paper_max_drawdown"])
    }
}

/// One status change of a strategy, with why it happened.
public struct StrategyEvent: Sendable, Equatable, Codable {
    public let timeMs: Int64
    public let from: String?
    public let to: String
    public let reason: String

    public init(timeMs: Int64, from: String?, to: String, reason: String) { self.timeMs = timeMs; self.from = from; self.to = to; self.reason = reason }
}

public enum StrategyStoreError: KindedError, Equatable {
    public var kind: ErrorKind {
        switch self {
        case .unknown: .notFound
        case .exists: .conflict
        case .corrupt: .internal
        }
    }

    case unknown(String)
    case exists(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .unknown(let n): return "no strategy named '\(n)' (see `mlbot strategies list`)"
        case .exists(let n): return "a strategy named '\(n)' already exists (use --replace, or another name)"
        case .corrupt(let what): return "the store holds an invalid \(what)"
        }
    }
}

/// Strategies and their status history.
public struct StrategyRepository: Sendable {
    let pool: DatabasePool

    /// Inserts a strategy (or replaces one of the same name when `replace`), logging the event.
    public func save(_ r: StrategyRecord, replace: Bool = false, reason: String) throws {
        try pool.write { db in
            let previous = try String.fetchOne(db, sql: "SELECT status FROM strategies WHERE name = ?", arguments: [r.name])
            if previous != nil {
                guard replace else { throw StrategyStoreError.exists(r.name) }
                try db.execute(sql: "DELETE FROM strategies WHERE name = ?", arguments: [r.name])
            }
            try db.execute(sql: """
                INSERT INTO strategies (name, status, symbol, interval, feature_set, feature_hash, definition, data_from_ms, data_to_ms,
                    run_id, rank, trials, dsr, psr, sharpe, trades, model_name, model_version, created_ms, status_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r.name, r.status.rawValue, r.symbol, r.interval, r.featureSet, r.featureHash, r.definition, r.dataFromMs,
                                 r.dataToMs, r.runId, r.rank, r.trials, r.dsr, r.psr, r.sharpe, r.trades, r.modelName, r.modelVersion,
                                 r.createdMs, r.statusMs])
            if r.paperBars > 0 || r.paperMaxDrawdown != nil || r.paperPnL != nil {
                try db.execute(sql: "INSERT INTO paper_records (name, bars, pnl, max_drawdown) VALUES (?, ?, ?, ?)",
                               arguments: [r.name, r.paperBars, r.paperPnL, r.paperMaxDrawdown])
            }
            try Self.log(db, name: r.name, time: r.statusMs, from: previous, to: r.status.rawValue, reason: reason)
        }
    }

    /// A strategy's row with its paper record.
    static let select = """
        SELECT strategies.*, COALESCE(paper_records.bars, 0) AS paper_bars, paper_records.pnl AS paper_pnl, paper_records.max_drawdown AS paper_max_drawdown
        FROM strategies LEFT JOIN paper_records USING (name)
        """

    public func exists(_ name: String) throws -> Bool {
        try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM strategies WHERE name = ?)", arguments: [name]) ?? false }
    }

    public func get(_ name: String) throws -> StrategyRecord {
        let row = try pool.read { db in try Row.fetchOne(db, sql: Self.select + " WHERE name = ?", arguments: [name]) }
        guard let row else { throw StrategyStoreError.unknown(name) }
        return try StrategyRecord(row: row)
    }

    /// Every strategy (optionally of one status), best deflated Sharpe first, then by name.
    public func list(status: StrategyRecord.Status? = nil) throws -> [StrategyRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                \(Self.select) WHERE ? IS NULL OR status = ?
                ORDER BY dsr IS NULL, dsr DESC, name
                """, arguments: [status?.rawValue, status?.rawValue]).map(StrategyRecord.init(row:))
        }
    }

    /// Moves a strategy to `status` if it is still in `expected` (a concurrent change loses).
    public func setStatus(_ name: String, from expected: StrategyRecord.Status, to status: StrategyRecord.Status, timeMs: Int64, reason: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE strategies SET status = ?, status_ms = ? WHERE name = ? AND status = ?",
                           arguments: [status.rawValue, timeMs, name, expected.rawValue])
            guard db.changesCount == 1 else { throw StrategyStoreError.unknown(name) }
            if status == .paper {
                try db.execute(sql: "DELETE FROM paper_records WHERE name = ?", arguments: [name])
            }
            try Self.log(db, name: name, time: timeMs, from: expected.rawValue, to: status.rawValue, reason: reason)
        }
    }

    /// The service's paper-trading record of a strategy: bars traded and worst drawdown so far.
    public func recordPaper(_ name: String, bars: Int, pnl: Double, maxDrawdown: Double) throws {
        try pool.write { db in try Self.recordPaper(name, bars: bars, pnl: pnl, maxDrawdown: maxDrawdown, db) }
    }

    /// The same inside the caller's transaction (the service writes it with the bar's outcome).
    public static func recordPaper(_ name: String, bars: Int, pnl: Double, maxDrawdown: Double, _ db: Database) throws {
        // Only a paper strategy keeps a record (one with another status is left as it is).
        try db.cachedStatement(sql: """
            INSERT INTO paper_records (name, bars, pnl, max_drawdown) SELECT name, ?, ?, ? FROM strategies WHERE name = ? AND status = 'paper'
            ON CONFLICT (name) DO UPDATE SET bars = excluded.bars, pnl = excluded.pnl, max_drawdown = excluded.max_drawdown
            """).execute(arguments: [bars, pnl, maxDrawdown, name])
        guard db.changesCount == 1 else { throw StrategyStoreError.unknown(name) }
    }

    public func events(_ name: String) throws -> [StrategyEvent] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM strategy_events WHERE name = ? ORDER BY id", arguments: [name]).map {
                StrategyEvent(timeMs: $0["time_ms"], from: $0["from_status"], to: $0["to_status"], reason: $0["reason"])
            }
        }
    }

    static func log(_ db: Database, name: String, time: Int64, from: String?, to: String, reason: String) throws {
        try db.execute(sql: "INSERT INTO strategy_events (name, time_ms, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?)",
                       arguments: [name, time, from, to, reason])
    }
}
