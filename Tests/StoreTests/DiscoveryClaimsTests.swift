import Dispatch
import Foundation
import GRDB
@testable import PostgresStore
@testable import Store
import Synchronization
import TestSupport
import Testing

/// Claims on a run's model keys: one holder at a time, leases that run out, results committed
/// with the claim closed — on both backends.
@Suite struct DiscoveryClaimsTests {
    static func store(_ backend: Backend) throws -> any ResearchStore {
        let store = try backend.open("claims")
        try store.discovery.create(DiscoveryRunRecord(runId: "r", spaceHash: "h", seed: UInt64.max, budget: 0, dataKey: "d", createdMs: 0, space: "s"))
        return store
    }

    static func candidate(_ key: Int, variant: Int = 0) -> CandidateRecord {
        CandidateRecord(runId: "r", rung: 0, keyIndex: key, variant: variant, definition: "k\(key)", error: nil, observations: 10, sharpe: 0.1,
                        skewness: -0.2, kurtosis: 3.5, trades: 4, inSampleSharpe: 0.2, metricsJSON: "{}", bucketTimes: [1, 2, 3], bucketReturns: [0.5, -0.25, 1e-9])
    }

    @Test(arguments: Backend.allCases) func aKeyHasOneHolderUntilItsLeaseRunsOutThenAnotherTakesIt(_ backend: Backend) throws {
        let s = try Self.store(backend), d = s.discovery
        #expect(try d.run("r")?.seed == UInt64.max)
        #expect(try d.openRung(run: "r", rung: 0, keys: [3, 5], worker: "a", nowMs: 0) == [3, 5])
        #expect(try d.openRung(run: "r", rung: 0, keys: [9], worker: "b", nowMs: 1) == [3, 5], "the first worker's keys stand")
        guard case .claimed(let a3) = try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "a", session: "a1", nowMs: 0, leaseMs: 1000) else { Issue.record("no claim"); return }
        guard case .claimed(let b5) = try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "b", session: "b1", nowMs: 10, leaseMs: 1000) else { Issue.record("no claim"); return }
        #expect(a3.keyIndex == 3 && b5.keyIndex == 5)
        #expect(try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "c", session: "c1", nowMs: 500, leaseMs: 1000) == .wait)
        // b renews; a does not: at 1000 a's lease has run out and c takes key 3.
        try d.renew([b5.id], untilMs: 2000)
        guard case .claimed(let c3) = try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "c", session: "c1", nowMs: 1000, leaseMs: 1000) else { Issue.record("no reclaim"); return }
        #expect(c3.keyIndex == 3)
        // a wakes up late and commits: its results are stored, its claim stays expired.
        try d.finish(a3, candidates: [Self.candidate(3)], nowMs: 1100)
        try d.finish(b5, candidates: [Self.candidate(5), Self.candidate(5, variant: 1)], nowMs: 1200)
        let claims = try d.claims(run: "r")
        #expect(claims.map(\.outcome) == ["expired", "done", nil])
        #expect(try d.candidates(run: "r", rung: 0).map(\.keyIndex) == [3, 5, 5])
        #expect(claims[0].finishedMs == 1000)
        // Key 3's results are stored, but the rung waits for the claim that holds it (done is read
        // from claims, not by scanning the results); c's commit completes it.
        #expect(try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "b", session: "b1", nowMs: 1300, leaseMs: 1000) == .wait)
        try d.finish(c3, candidates: [Self.candidate(3)], nowMs: 1400)
        #expect(try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "b", session: "b1", nowMs: 1500, leaseMs: 1000) == .complete)
        #expect(try d.candidates(run: "r", rung: 0) == [Self.candidate(3), Self.candidate(5), Self.candidate(5, variant: 1)],
                "the candidates, returns blob included, round-trip exactly")
        try d.completeRung(run: "r", rung: 0, worker: "b", nowMs: 1600)
        try d.completeRung(run: "r", rung: 0, worker: "c", nowMs: 1700)
        #expect(try d.rungs(run: "r") == [RungRecord(rung: 0, keys: [3, 5], openedMs: 0, openedBy: "a", completedMs: 1600, completedBy: "b")])
        #expect(try d.doneKeys(run: "r") == [0: [3, 5]])
        let ranked = try d.candidates(run: "r", rung: nil).map { c -> CandidateRecord in var c = c; c.dsr = 0.9; c.rank = c.keyIndex; c.note = "n"; return c }
        try d.complete(run: "r", trials: 3, ranking: ranked, finishedMs: 1800)
        #expect(try d.run("r")?.complete == true && d.run("r")?.trials == 3 && d.candidates(run: "r", rung: nil) == ranked)
        #expect(try d.runs().map(\.runId) == ["r"])
    }

    @Test(arguments: Backend.allCases) func aRestartedWorkerTakesBackWhatItsEarlierIncarnationHeld(_ backend: Backend) throws {
        let d = try Self.store(backend).discovery
        _ = try d.openRung(run: "r", rung: 0, keys: [1, 2], worker: "w-0", nowMs: 0)
        _ = try d.claim(run: "r", rung: 0, keys: [1, 2], worker: "w-0", session: "old", nowMs: 0, leaseMs: 60_000)
        // Same worker, new process: key 1 is free for it at once, long before the lease ends.
        #expect(try d.claim(run: "r", rung: 0, keys: [1, 2], worker: "w-0", session: "new", nowMs: 5, leaseMs: 60_000)
                == .claimed(DiscoveryClaim(id: 2, rung: 0, keyIndex: 1)))
        #expect(try d.claims(run: "r").map(\.outcome) == ["expired", nil])
        // Another thread of the same process (same session) does not close its sibling's claim.
        #expect(try d.claim(run: "r", rung: 0, keys: [1], worker: "w-0", session: "new", nowMs: 6, leaseMs: 60_000) == .wait)
        let released = DiscoveryClaim(id: 2, rung: 0, keyIndex: 1)
        try d.release(released, nowMs: 7)
        #expect(try d.claims(run: "r").map(\.outcome) == ["expired", "released"])
    }

    /// Not left to the workers: the schema itself allows one open claim per key.
    @Test(arguments: Backend.allCases) func theStoreRefusesASecondOpenClaimOnAKey(_ backend: Backend) throws {
        let s = try Self.store(backend)
        _ = try s.discovery.openRung(run: "r", rung: 0, keys: [1], worker: "a", nowMs: 0)
        _ = try s.discovery.claim(run: "r", rung: 0, keys: [1], worker: "a", session: "a", nowMs: 0, leaseMs: 1000)
        let insert = "INSERT INTO discovery_claims (run_id, rung, key_index, worker, session, claimed_ms, lease_until_ms) VALUES ('r', 0, 1, 'b', 'b', 1, 1001)"
        #expect(throws: (any Error).self) {
            if let sqlite = s as? DataStore {
                try sqlite.discovery.immediate { db in try db.execute(sql: insert) }
            } else {
                try (s as! PostgresStore).db.execute(insert)
            }
        }
    }

    @Test(arguments: Backend.allCases) func workersClaimingAtOnceNeverShareAKey(_ backend: Backend) throws {
        let d = try Self.store(backend).discovery
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
