import GRDB

/// One run of a scheduled job.
public struct JobRunRow: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "job_runs"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: Int64?
    public var job: String
    /// schedule, catch_up or manual.
    public var trigger: String
    /// The cron time the run is for (nil: started by hand).
    public var scheduledMs: Int64?
    public var startedMs: Int64
    public var endedMs: Int64?
    /// running, succeeded, failed, timed_out or skipped.
    public var status: String
    public var pid: Int64?
    public var detail: String

    public init(id: Int64? = nil, job: String, trigger: String, scheduledMs: Int64?, startedMs: Int64, endedMs: Int64? = nil, status: String,
                pid: Int64? = nil, detail: String = "") {
        self.id = id; self.job = job; self.trigger = trigger; self.scheduledMs = scheduledMs; self.startedMs = startedMs
        self.endedMs = endedMs; self.status = status; self.pid = pid; self.detail = detail
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What a run did for one strategy, with the figures behind the decision (JSON).
public struct JobOutcomeRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job_outcomes"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var runId: Int64
    public var strategy: String
    /// promoted, kept_champion or failed.
    public var outcome: String
    public var champion: String?
    public var challenger: String?
    public var figures: String
    public var reason: String

    public init(runId: Int64, strategy: String, outcome: String, champion: String?, challenger: String?, figures: String, reason: String) {
        self.runId = runId; self.strategy = strategy; self.outcome = outcome; self.champion = champion; self.challenger = challenger
        self.figures = figures; self.reason = reason
    }
}

/// A model the service put in (or refused to put in) a strategy at a bar boundary.
public struct ModelSwapRow: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "model_swaps"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: Int64?
    public var engine: String
    public var strategy: String
    public var fromModel: String?
    public var toModel: String
    public var weightsSha256: String?
    /// The first bar the new model decided (swapped) or the bar at which it was refused.
    public var barMs: Int64
    public var wallMs: Int64
    /// swapped or refused.
    public var status: String
    public var reason: String

    public init(id: Int64? = nil, engine: String, strategy: String, fromModel: String?, toModel: String, weightsSha256: String?, barMs: Int64,
                wallMs: Int64, status: String, reason: String) {
        self.id = id; self.engine = engine; self.strategy = strategy; self.fromModel = fromModel; self.toModel = toModel
        self.weightsSha256 = weightsSha256; self.barMs = barMs; self.wallMs = wallMs; self.status = status; self.reason = reason
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A challenger that passed its holdout, scored by the service beside its champion on the next
/// `bars` bars before it may be promoted.
public struct ModelShadowRow: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "model_shadows"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: Int64?
    public var runId: Int64?
    public var strategy: String
    public var model: String
    public var championVersion: Int
    public var challengerVersion: Int
    public var bars: Int
    /// log_loss or auc.
    public var metric: String
    public var margin: Double
    /// waiting, promoted or refused.
    public var status: String
    public var createdMs: Int64
    public var decidedBarMs: Int64?
    public var figures: String?
    public var reason: String

    public init(id: Int64? = nil, runId: Int64?, strategy: String, model: String, championVersion: Int, challengerVersion: Int, bars: Int, metric: String,
                margin: Double, status: String = "waiting", createdMs: Int64, decidedBarMs: Int64? = nil, figures: String? = nil, reason: String) {
        self.id = id; self.runId = runId; self.strategy = strategy; self.model = model; self.championVersion = championVersion
        self.challengerVersion = challengerVersion; self.bars = bars; self.metric = metric; self.margin = margin; self.status = status
        self.createdMs = createdMs; self.decidedBarMs = decidedBarMs; self.figures = figures; self.reason = reason
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One bar of a shadow: both models' P(up) on the same features.
public struct ShadowSignalRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "shadow_signals"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var shadowId: Int64
    public var timeMs: Int64
    public var championP: Double?
    public var challengerP: Double?

    public init(shadowId: Int64, timeMs: Int64, championP: Double?, challengerP: Double?) {
        self.shadowId = shadowId; self.timeMs = timeMs; self.championP = championP; self.challengerP = challengerP
    }
}

/// Job runs and their outcomes; the service's model swaps and shadows.
public struct JobRepository: Sendable {
    let pool: DatabasePool

    /// Opens a run as `running` (or records it `skipped` at once).
    public func start(_ run: JobRunRow) throws -> JobRunRow {
        var r = run
        try pool.write { db in try r.insert(db) }
        return r
    }

    /// Closes a run with its status and each strategy's outcome, in one transaction.
    public func finish(_ id: Int64, status: String, endedMs: Int64, detail: String, outcomes: [JobOutcomeRow]) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE job_runs SET status = ?, ended_ms = ?, detail = ? WHERE id = ? AND status = 'running'",
                           arguments: [status, endedMs, detail, id])
            for o in outcomes { try o.insert(db) }
        }
    }

    /// Adds one strategy's outcome to a running run (kept even if the process dies later).
    public func record(_ outcome: JobOutcomeRow) throws {
        try pool.write { db in try outcome.insert(db) }
    }

    public func runs(job: String? = nil, limit: Int = 50) throws -> [JobRunRow] {
        try pool.read { db in
            var q = JobRunRow.order(Column("id").desc).limit(limit)
            if let job { q = q.filter(Column("job") == job) }
            return try q.fetchAll(db)
        }
    }

    public func run(_ id: Int64) throws -> JobRunRow? { try pool.read { db in try JobRunRow.fetchOne(db, key: id) } }

    /// The runs still marked running (of `job`, or of any).
    public func running(job: String? = nil) throws -> [JobRunRow] {
        try pool.read { db in
            var q = JobRunRow.filter(Column("status") == "running")
            if let job { q = q.filter(Column("job") == job) }
            return try q.order(Column("id")).fetchAll(db)
        }
    }

    /// The newest cron time a run (of any status but skipped) was for.
    public func lastScheduled(job: String) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(scheduled_ms) FROM job_runs WHERE job = ? AND status != 'skipped'", arguments: [job])
        }
    }

    public func outcomes(run: Int64) throws -> [JobOutcomeRow] {
        try pool.read { db in try JobOutcomeRow.filter(Column("run_id") == run).order(Column("strategy")).fetchAll(db) }
    }

    public static func recordSwap(_ swap: ModelSwapRow, _ db: Database) throws {
        var s = swap
        try s.insert(db)
    }

    /// Opens a shadow for `strategy`, closing an earlier one still waiting (superseded).
    public func startShadow(_ row: ModelShadowRow) throws -> ModelShadowRow {
        var r = row
        try pool.write { db in
            try db.execute(sql: "UPDATE model_shadows SET status = 'refused', reason = ? WHERE strategy = ? AND status = 'waiting'",
                           arguments: ["superseded by the challenger \(row.model)@\(row.challengerVersion)", row.strategy])
            try r.insert(db)
        }
        return r
    }

    public func shadows(status: String? = nil) throws -> [ModelShadowRow] {
        try pool.read { db in
            var q = ModelShadowRow.order(Column("id"))
            if let status { q = q.filter(Column("status") == status) }
            return try q.fetchAll(db)
        }
    }

    public func shadowSignals(_ id: Int64) throws -> [ShadowSignalRow] {
        try pool.read { db in try ShadowSignalRow.filter(Column("shadow_id") == id).order(Column("time_ms")).fetchAll(db) }
    }

    public static func record(_ s: ShadowSignalRow, _ db: Database) throws { try s.insert(db) }

    public static func decide(_ id: Int64, status: String, barMs: Int64, figures: String, reason: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE model_shadows SET status = ?, decided_bar_ms = ?, figures = ?, reason = ? WHERE id = ? AND status = 'waiting'",
                       arguments: [status, barMs, figures, reason, id])
    }

    public func swaps(engine: String) throws -> [ModelSwapRow] {
        try pool.read { db in try ModelSwapRow.filter(Column("engine") == engine).order(Column("id")).fetchAll(db) }
    }
}
