import Foundation
import GRDB

/// A discovery run: what was searched (space, seed, budget, data) and whether ranking is done.
public struct DiscoveryRunRecord: Sendable, Equatable {
    public let runId: String
    public let spaceHash: String
    public let seed: UInt64
    public let budget: Int
    /// Identifies the bars searched (symbols, ranges, counts): a resumed run must see the same.
    public let dataKey: String
    public var complete: Bool
    public var trials: Int?
    public let createdMs: Int64
    public var finishedMs: Int64?
    /// The search space file text.
    public let space: String

    public init(runId: String, spaceHash: String, seed: UInt64, budget: Int, dataKey: String, complete: Bool = false, trials: Int? = nil,
                createdMs: Int64, finishedMs: Int64? = nil, space: String) {
        self.runId = runId; self.spaceHash = spaceHash; self.seed = seed; self.budget = budget; self.dataKey = dataKey
        self.complete = complete; self.trials = trials; self.createdMs = createdMs; self.finishedMs = finishedMs; self.space = space
    }

    init(row: Row) {
        self.init(runId: row["run_id"], spaceHash: row["space_hash"], seed: UInt64(bitPattern: row["seed"]), budget: row["budget"],
                  dataKey: row["data_key"], complete: (row["status"] as String) == "complete", trials: row["trials"], createdMs: row["created_ms"],
                  finishedMs: row["finished_ms"], space: row["space"])
    }
}

/// One evaluated candidate of a run at one rung of successive halving.
public struct CandidateRecord: Sendable, Equatable {
    public let runId: String
    public let rung: Int
    public let keyIndex: Int
    public let variant: Int
    /// The candidate as a strategy file.
    public let definition: String
    /// Why it could not be evaluated (too few rows, one class…), nil when it was.
    public let error: String?
    public let observations: Int
    /// Per-bar Sharpe ratio, skewness and raw kurtosis of the out-of-sample bar returns.
    public let sharpe: Double?
    public let skewness: Double?
    public let kurtosis: Double?
    public let trades: Int
    /// Per-bar Sharpe ratio of the same rules on the final model's in-sample predictions.
    public let inSampleSharpe: Double?
    public let metricsJSON: String?
    /// Out-of-sample returns summed per time bucket (for the diversity filter).
    public let bucketTimes: [Int64]
    public let bucketReturns: [Double]
    public var dsr: Double?
    public var psr: Double?
    public var rank: Int?
    public var note: String?

    public init(runId: String, rung: Int, keyIndex: Int, variant: Int, definition: String, error: String?, observations: Int, sharpe: Double?,
                skewness: Double?, kurtosis: Double?, trades: Int, inSampleSharpe: Double?, metricsJSON: String?, bucketTimes: [Int64],
                bucketReturns: [Double], dsr: Double? = nil, psr: Double? = nil, rank: Int? = nil, note: String? = nil) {
        self.runId = runId; self.rung = rung; self.keyIndex = keyIndex; self.variant = variant; self.definition = definition; self.error = error
        self.observations = observations; self.sharpe = sharpe; self.skewness = skewness; self.kurtosis = kurtosis; self.trades = trades
        self.inSampleSharpe = inSampleSharpe; self.metricsJSON = metricsJSON; self.bucketTimes = bucketTimes; self.bucketReturns = bucketReturns
        self.dsr = dsr; self.psr = psr; self.rank = rank; self.note = note
    }

    init(row: Row) throws {
        let blob: Data? = row["returns"]
        var times: [Int64] = [], returns: [Double] = []
        if let blob {
            guard let decoded = BinaryColumns.decode(blob, count: blob.count / 16, columns: 1) else {
                throw StrategyStoreError.corrupt("discovery candidate returns blob of \(blob.count) bytes")
            }
            times = decoded.time; returns = decoded.columns[0]
        }
        self.init(runId: row["run_id"], rung: row["rung"], keyIndex: row["key_index"], variant: row["variant"], definition: row["definition"],
                  error: row["error"], observations: row["observations"], sharpe: row["sharpe"], skewness: row["skewness"], kurtosis: row["kurtosis"],
                  trades: row["trades"], inSampleSharpe: row["is_sharpe"], metricsJSON: row["metrics"], bucketTimes: times, bucketReturns: returns,
                  dsr: row["dsr"], psr: row["psr"], rank: row["rank"], note: row["note"])
    }
}

/// Discovery runs and every candidate they evaluated. Each model's candidates commit together,
/// so an interrupted run resumes from the last finished model.
public struct DiscoveryRepository: Sendable {
    let pool: DatabasePool

    public func run(_ id: String) throws -> DiscoveryRunRecord? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM discovery_runs WHERE run_id = ?", arguments: [id]).map(DiscoveryRunRecord.init(row:)) }
    }

    public func runs() throws -> [DiscoveryRunRecord] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM discovery_runs ORDER BY created_ms, run_id").map(DiscoveryRunRecord.init(row:)) }
    }

    public func create(_ r: DiscoveryRunRecord) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO discovery_runs (run_id, space_hash, seed, budget, data_key, status, trials, created_ms, finished_ms, space)
                VALUES (?, ?, ?, ?, ?, 'running', NULL, ?, NULL, ?)
                """, arguments: [r.runId, r.spaceHash, Int64(bitPattern: r.seed), r.budget, r.dataKey, r.createdMs, r.space])
        }
    }

    /// Stores one model's candidates at one rung (replacing an earlier attempt at the same slots).
    public func save(_ candidates: [CandidateRecord]) throws {
        try pool.write { db in try Self.insert(candidates, db) }
    }

    static func insert(_ candidates: [CandidateRecord], _ db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO discovery_candidates (run_id, rung, key_index, variant, definition, error, observations, sharpe, skewness,
                kurtosis, trades, is_sharpe, metrics, returns, dsr, psr, rank, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for c in candidates {
            let blob: Data? = c.bucketTimes.isEmpty ? nil : BinaryColumns.encode(time: c.bucketTimes, [c.bucketReturns])
            try insert.execute(arguments: [c.runId, c.rung, c.keyIndex, c.variant, c.definition, c.error, c.observations, c.sharpe,
                                           c.skewness, c.kurtosis, c.trades, c.inSampleSharpe, c.metricsJSON, blob, c.dsr, c.psr, c.rank, c.note])
        }
    }

    /// A run's candidates (of one rung, or all), in rung, model, variant order.
    public func candidates(run: String, rung: Int? = nil) throws -> [CandidateRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM discovery_candidates WHERE run_id = ? AND (? IS NULL OR rung = ?) ORDER BY rung, key_index, variant
                """, arguments: [run, rung, rung]).map(CandidateRecord.init(row:))
        }
    }

    /// Writes the ranking (DSR, PSR, rank, note per candidate) and marks the run complete, atomically.
    public func complete(run: String, trials: Int, ranking: [CandidateRecord], finishedMs: Int64) throws {
        try pool.write { db in
            for c in ranking {
                try db.execute(sql: """
                    UPDATE discovery_candidates SET dsr = ?, psr = ?, rank = ?, note = ? WHERE run_id = ? AND rung = ? AND key_index = ? AND variant = ?
                    """, arguments: [c.dsr, c.psr, c.rank, c.note, run, c.rung, c.keyIndex, c.variant])
            }
            try db.execute(sql: "UPDATE discovery_runs SET status = 'complete', trials = ?, finished_ms = ? WHERE run_id = ?",
                           arguments: [trials, finishedMs, run])
        }
    }
}
