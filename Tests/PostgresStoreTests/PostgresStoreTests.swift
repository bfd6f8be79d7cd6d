import Foundation
import Market
@testable import PostgresStore
import Store
import TestSupport
import Testing

/// The PostgreSQL store against a real server the suite starts itself (`LocalPostgres`): its
/// addresses, connection errors and migrations (the repositories are tested on both backends in StoreTests).
@Suite struct PostgresStoreTests {
    static func open() throws -> PostgresStore {
        try PostgresStore(try PostgresAddress(try LocalPostgres.shared().database(), environment: [:]))
    }

    @Test func addressesAreParsedAndBadOnesSayWhatWasExpected() throws {
        let a = try PostgresAddress("postgres://research@db.internal:6432/mlbot", environment: ["MLBOT_DATABASE_PASSWORD": "s3cret"])
        #expect(a.user == "research" && a.host == "db.internal" && a.port == 6432 && a.database == "mlbot" && a.password == "s3cret")
        #expect(a.description == "postgres://research@db.internal:6432/mlbot" && !a.description.contains("s3cret"))
        let b = try PostgresAddress("postgresql://u@h/d", environment: [:], dotEnv: "# keys\nexport MLBOT_DATABASE_PASSWORD=\"from env file\"\n")
        #expect(b.port == 5432 && b.password == "from env file")
        for (text, message) in [("postgres://u:pw@h/d", "password in the URL is refused"), ("postgres://h/d", "no user"),
                                ("postgres://u@h", "no database name"), ("postgres://u@h:99999/d", "port 99999 is out of range"),
                                ("mysql://u@h/d", "not a postgres:// URL"), ("postgres://u@h/d?sslmode=require", "options after '?'")] {
            #expect { try PostgresAddress(text, environment: [:]) } throws: { e in
                let d = "\(e)"
                return d.contains(message) && d.contains("expected postgres://user@host:port/database") && !d.contains("pw@")
            }
        }
    }

    @Test func aRefusedConnectionIsOneClearLine() throws {
        let port = try LocalPostgres.freePort()
        let start = Date()
        #expect { try PostgresStore(try PostgresAddress("postgres://mlbot@127.0.0.1:\(port)/none", environment: [:]), connectTimeout: .seconds(2)) } throws: { e in
            let d = "\(e)"
            return d.contains("cannot use postgres://mlbot@127.0.0.1:\(port)/none") && !d.contains("\n")
        }
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test func migrationsApplyOnceAndANewerSchemaIsRefused() throws {
        let url = try LocalPostgres.shared().database("mig")
        let first = try PostgresStore(try PostgresAddress(url, environment: [:]))
        #expect(try first.appliedMigrations() == ["v1-bars", "v2-models", "v3-strategies", "v10-discovery-shards"])
        let again = try PostgresStore(try PostgresAddress(url, environment: [:]))
        #expect(try again.appliedMigrations() == ["v1-bars", "v2-models", "v3-strategies", "v10-discovery-shards"])
        _ = try again.db.rows("INSERT INTO mlbot_migrations (identifier, applied_ms) VALUES ('v99-future', 0)")
        #expect { try PostgresStore(try PostgresAddress(url, environment: [:])) } throws: { e in "\(e)".contains("newer mlbot") && "\(e)".contains("v99-future") }
    }
}
