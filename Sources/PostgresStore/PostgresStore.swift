import Foundation
import Market

/// The shared research store on PostgreSQL: connected, migrated and checked on open. So far it
/// holds discovery runs, candidates, rungs and claims (`discovery`); the other research tables
/// are created by the migrations but have no repository yet, and nothing in `mlbot` opens it.
public final class PostgresStore: Sendable {
    public let address: PostgresAddress
    let db: PostgresDatabase

    /// Connects and migrates; refuses a database migrated by a newer binary.
    public init(_ address: PostgresAddress, connectTimeout: Duration = .seconds(5)) throws {
        self.address = address
        db = try PostgresDatabase(address, connectTimeout: connectTimeout)
        _ = try PostgresSchema.migrate(db)
    }

    /// The migrations applied, in the order this binary knows them.
    public func appliedMigrations() throws -> [String] {
        let applied = Set(try db.rows("SELECT identifier FROM mlbot_migrations").map { try $0.decode(String.self) })
        return PostgresSchema.migrations.map(\.id).filter(applied.contains)
    }

    public var discovery: PostgresDiscoveryRepository { PostgresDiscoveryRepository(db: db) }
}
