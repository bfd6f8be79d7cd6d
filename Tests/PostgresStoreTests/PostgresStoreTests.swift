import Dispatch
import Foundation
import Market
@testable import PostgresStore
import Store
import Synchronization
import TestSupport
import Testing

/// The PostgreSQL store against a real server the suite starts itself (`LocalPostgres`).
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

    static func candidate(_ key: Int, variant: Int = 0) -> CandidateRecord {
        CandidateRecord(runId: "r", rung: 0, keyIndex: key, variant: variant, definition: "k\(key)", error: nil, observations: 10, sharpe: 0.1,
                        skewness: -0.2, kurtosis: 3.5, trades: 4, inSampleSharpe: nil, metricsJSON: "{}", bucketTimes: [1, 2, 3], bucketReturns: [0.5, -0.25, 1e-9])
    }

    @Test func claimsOnPostgresKeepOneHolderAndLeasesRunOut() throws {
        let d = try Self.open().discovery
        try d.create(DiscoveryRunRecord(runId: "r", spaceHash: "h", seed: UInt64.max, budget: 0, dataKey: "d", createdMs: 0, space: "s"))
        #expect(try d.run("r")?.seed == UInt64.max)
        #expect(try d.openRung(run: "r", rung: 0, keys: [5, 3], worker: "a", nowMs: 0) == [3, 5])
        #expect(try d.openRung(run: "r", rung: 0, keys: [9], worker: "b", nowMs: 1) == [3, 5])
        guard case .claimed(let a3) = try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "a", session: "a1", nowMs: 0, leaseMs: 1000),
              case .claimed(let b5) = try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "b", session: "b1", nowMs: 10, leaseMs: 1000) else {
            Issue.record("no claims"); return
        }
        #expect(a3.keyIndex == 3 && b5.keyIndex == 5)
        #expect(try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "c", session: "c1", nowMs: 500, leaseMs: 1000) == .wait)
        try d.renew([b5.id], untilMs: 2000)
        guard case .claimed(let c3) = try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "c", session: "c1", nowMs: 1000, leaseMs: 1000) else { Issue.record("no reclaim"); return }
        #expect(c3.keyIndex == 3)
        try d.finish(b5, candidates: [Self.candidate(5), Self.candidate(5, variant: 1)], nowMs: 1200)
        try d.finish(c3, candidates: [Self.candidate(3)], nowMs: 1300)
        #expect(try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "a", session: "a1", nowMs: 1400, leaseMs: 1000) == .complete)
        #expect(try d.claims(run: "r").map(\.outcome) == ["expired", "done", "done"])
        let stored = try d.candidates(run: "r", rung: 0)
        #expect(stored == [Self.candidate(3), Self.candidate(5), Self.candidate(5, variant: 1)], "the candidates, returns blob included, round-trip exactly")
    }

    @Test func workersClaimingAtOnceNeverShareAKey() throws {
        let d = try Self.open().discovery
        try d.create(DiscoveryRunRecord(runId: "r", spaceHash: "h", seed: 1, budget: 0, dataKey: "d", createdMs: 0, space: "s"))
        let keys = Array(0..<60)
        _ = try d.openRung(run: "r", rung: 0, keys: keys, worker: "w", nowMs: 0)
        let taken = Mutex<[Int]>([])
        let failure = Mutex<String?>(nil)
        DispatchQueue.concurrentPerform(iterations: 6) { w in
            while true {
                do {
                    guard case .claimed(let c) = try d.claim(run: "r", rung: 0, keys: keys, worker: "w\(w)", session: "s\(w)", nowMs: 1, leaseMs: 60_000) else { return }
                    taken.withLock { $0.append(c.keyIndex) }
                    try d.finish(c, candidates: [], nowMs: 2)
                } catch { failure.withLock { $0 = "\(error)" }; return }
            }
        }
        #expect(failure.withLock { $0 } == nil)
        #expect(taken.withLock { $0 }.sorted() == keys, "every key claimed exactly once")
        #expect(try d.claim(run: "r", rung: 0, keys: keys, worker: "x", session: "x", nowMs: 3, leaseMs: 1) == .complete)
    }
}
