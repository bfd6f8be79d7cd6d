import Foundation
import Market
import Store

/// The shared research store on PostgreSQL (bars, models with their artifacts, strategies,
/// backtests, discovery): connected, migrated and checked on open. The service's ledger,
/// settings and jobs are SQLite-only.
public final class PostgresStore: ResearchStore {
    public let address: PostgresAddress
    let db: PostgresDatabase
    /// Where model artifacts are written locally when read (see `PostgresModelRepository`).
    public let modelsCache: URL

    /// Connects and migrates; refuses a database migrated by a newer binary.
    public init(_ address: PostgresAddress, modelsCache: String = "models", connectTimeout: Duration = .seconds(5)) throws {
        self.address = address
        self.modelsCache = URL(fileURLWithPath: modelsCache)
        db = try PostgresDatabase(address, connectTimeout: connectTimeout)
        _ = try PostgresSchema.migrate(db)
    }

    public var location: String { address.description }

    /// The migrations applied, in the order this binary knows them.
    public func appliedMigrations() throws -> [String] {
        let applied = Set(try db.rows("SELECT identifier FROM mlbot_migrations").map { try $0.decode(String.self) })
        return PostgresSchema.migrations.map(\.id).filter(applied.contains)
    }

    public var bars: PostgresBarRepository { PostgresBarRepository(db: db) }
    public var models: PostgresModelRepository { PostgresModelRepository(db: db, cache: modelsCache) }
    public var strategies: PostgresStrategyRepository { PostgresStrategyRepository(db: db) }
    public var backtests: PostgresBacktestRepository { PostgresBacktestRepository(db: db) }
    public var discovery: PostgresDiscoveryRepository { PostgresDiscoveryRepository(db: db) }
}
