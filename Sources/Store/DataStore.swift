import Foundation
import GRDB

/// The mlbot SQLite database: WAL, foreign keys, busy timeout, migrated on open.
public final class DataStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating it unless `mustExist`) and migrates the database; refuses a schema newer
    /// than this binary.
    public init(path: String, mustExist: Bool = false, busyTimeout: TimeInterval = 5) throws {
        self.path = path
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

    /// The engine's orders, fills, positions, equity, signals, risk events, settings, audit and cursor.
    public var ledger: LedgerRepository { LedgerRepository(pool: pool) }

    /// Bars: import, download and research reads.
    public var bars: BarRepository { BarRepository(pool: pool) }
}
