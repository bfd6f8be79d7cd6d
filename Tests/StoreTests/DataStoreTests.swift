import Foundation
import GRDB
import Market
import Store
import TestSupport
import Testing

@Suite struct DataStoreTests {
    func freshStore() throws -> DataStore {
        try DataStore(path: try Fixtures.temporaryDirectory().appendingPathComponent("mlbot.sqlite").path)
    }

    @Test func opensInWALWithForeignKeysAndMigrations() throws {
        let store = try freshStore()
        #expect(try store.journalMode() == "wal")
        #expect(try store.foreignKeysEnabled())
        #expect(try store.synchronous() == 1)   // NORMAL by default
        #expect(try DataStore(path: store.path, durability: .full).synchronous() == 2)
        #expect(try store.appliedMigrations() == ["v1-bars", "v2-models", "v3-strategies", "v4-ledger", "v5-lineage", "v6-service-events", "v7-per-bar-layout", "v8-control", "v9-jobs", "v10-discovery-shards"])
        // Reopening applies nothing new.
        let again = try DataStore(path: store.path)
        #expect(try again.appliedMigrations() == ["v1-bars", "v2-models", "v3-strategies", "v4-ledger", "v5-lineage", "v6-service-events", "v7-per-bar-layout", "v8-control", "v9-jobs", "v10-discovery-shards"])
    }

    @Test func refusesASchemaFromANewerBinary() throws {
        let store = try freshStore()
        let sym = try Symbol("BTCUSDT")
        try store.bars.write([Bar(openTime: 0, open: 1, high: 1, low: 1, close: 1, volume: 0)], symbol: sym, interval: .oneMinute)
        // Simulate a newer mlbot having migrated this file.
        try DatabaseQueue(path: store.path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-future')")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: store.path))
        do {
            _ = try DataStore(path: store.path)
            Issue.record("opening a newer schema must fail")
        } catch let e as StoreError {
            #expect(e.description.contains("newer than this mlbot"))
            #expect(e.description.contains("v9-future"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.path)) == before)
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let dir = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write(String(repeating: "not sqlite ", count: 200), named: "junk.sqlite", in: dir)
        #expect(throws: StoreError.self) { try DataStore(path: path) }
        #expect(throws: StoreError.self) { try DataStore(path: dir.appendingPathComponent("missing/dir/x.sqlite").path) }
    }
}
