import Foundation
import GRDB

/// The mlbot SQLite database: WAL, foreign keys, busy timeout, migrated on open.
public final class DataStore: Sendable {
    /// When a commit is on disk. WAL with `normal` loses nothing a killed process committed (only
    /// a power loss can drop the last transactions); `full` syncs every commit, for live trading,
    /// where an order must be durable before it is sent.
    public enum Durability: String, Sendable { case normal = "NORMAL", full = "FULL" }

    public let path: String
    public let durability: Durability
    let pool: DatabasePool
    private let busyTimeoutMs: Int

    /// Opens (creating it unless `mustExist`) and migrates the database; refuses a schema newer
    /// than this binary.
    public init(path: String, mustExist: Bool = false, busyTimeout: TimeInterval = 5, durability: Durability = .normal) throws {
        self.durability = durability
        self.path = path
        busyTimeoutMs = Int(busyTimeout * 1000)
        if mustExist && !FileManager.default.fileExists(atPath: path) {
            throw StoreError.cannotOpen(path: path, reason: "no such database (create one with `mlbot data synth`, `data import` or `data download`)")
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "mlbot"
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            throw StoreError.cannotOpen(path: path, reason: "directory \(directory) does not exist")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch let e as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: e.message ?? "\(e)")
        }
        // GRDB puts the writer in WAL with synchronous NORMAL; only the writer's setting matters.
        if durability == .full { try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") } }
        let migrator = Schema.migrator
        do {
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            let unknown = applied.subtracting(migrator.migrations)
            if !unknown.isEmpty {
                throw StoreError.newerSchema(
                    path: path, unknownMigrations: unknown.sorted(), knownLatest: migrator.migrations.last ?? "none")
            }
            try migrator.migrate(pool)
        } catch let e as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: e.message ?? "\(e)")
        }
    }

    /// SQLite's `synchronous` setting on this store's connections (1 NORMAL, 2 FULL).
    public func synchronous() throws -> Int {
        try pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Throws unless a write could start now: takes SQLite's write lock without waiting and gives it
    /// back, writing nothing. It fails on a store opened read-only (file or directory not writable)
    /// and on one whose write lock another process holds, both of which would stop the next commit.
    public func probeWrite() throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = 0")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(busyTimeoutMs)") }
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "ROLLBACK")
        }
    }

    /// Identifiers of the migrations applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        let migrator = Schema.migrator
        let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        return migrator.migrations.filter { applied.contains($0) }
    }

    /// SQLite's journal mode (always `wal` for mlbot databases).
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Whether SQLite enforces foreign keys on this connection.
    public func foreignKeysEnabled() throws -> Bool {
        try pool.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false }
    }

    /// Strategies and their status history.
    public var strategies: StrategyRepository { StrategyRepository(pool: pool) }

    /// Discovery runs and their candidates.
    public var discovery: DiscoveryRepository { DiscoveryRepository(pool: pool) }

    /// Stored backtests (curves and trades) of strategies.
    public var backtests: BacktestRepository { BacktestRepository(pool: pool) }

    /// The model registry.
    public var models: ModelRepository { ModelRepository(pool: pool) }

    /// Setting versions, operator commands, control tokens and the audit trail.
    public var control: ControlRepository { ControlRepository(pool: pool) }

    /// Scheduled job runs, their outcomes, and the service's model swaps.
    public var jobs: JobRepository { JobRepository(pool: pool) }

    /// The engine's orders, fills, positions, equity, signals, risk events and cursor.
    public var ledger: LedgerRepository { LedgerRepository(pool: pool) }

    /// Bars: import, download and research reads.
    public var bars: BarRepository { BarRepository(pool: pool) }
}
