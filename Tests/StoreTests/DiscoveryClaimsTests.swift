import Foundation
import GRDB
@testable import Store
import TestSupport
import Testing

/// Claims on a run's model keys: one holder at a time, leases that run out, results committed
/// with the claim closed.
@Suite struct DiscoveryClaimsTests {
    static func store() throws -> DataStore {
        let store = try DataStore(path: try Fixtures.temporaryDirectory("claims").appendingPathComponent("c.sqlite").path)
        try store.discovery.create(DiscoveryRunRecord(runId: "r", spaceHash: "h", seed: 1, budget: 0, dataKey: "d", createdMs: 0, space: ""))
        return store
    }

    static func candidate(_ key: Int) -> CandidateRecord {
        CandidateRecord(runId: "r", rung: 0, keyIndex: key, variant: 0, definition: "k\(key)", error: nil, observations: 10, sharpe: 0.1,
                        skewness: 0, kurtosis: 3, trades: 4, inSampleSharpe: 0.2, metricsJSON: nil, bucketTimes: [], bucketReturns: [])
    }

    @Test func aKeyHasOneHolderUntilItsLeaseRunsOutThenAnotherTakesIt() throws {
        let s = try Self.store(), d = s.discovery
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
        try d.finish(b5, candidates: [Self.candidate(5)], nowMs: 1200)
        let claims = try d.claims(run: "r")
        #expect(claims.map(\.outcome) == ["expired", "done", nil])
        #expect(try d.candidates(run: "r", rung: 0).map(\.keyIndex) == [3, 5])
        #expect(claims[0].finishedMs == 1000)
        // Key 3's results are stored, but the rung waits for the claim that holds it (done is read
        // from claims, not by scanning the results); c's commit completes it.
        #expect(try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "b", session: "b1", nowMs: 1300, leaseMs: 1000) == .wait)
        try d.finish(c3, candidates: [Self.candidate(3)], nowMs: 1400)
        #expect(try d.claim(run: "r", rung: 0, keys: [3, 5], worker: "b", session: "b1", nowMs: 1500, leaseMs: 1000) == .complete)
        #expect(try d.candidates(run: "r", rung: 0).map(\.keyIndex) == [3, 5])
    }

    @Test func aRestartedWorkerTakesBackWhatItsEarlierIncarnationHeld() throws {
        let d = try Self.store().discovery
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

    @Test func theStoreRefusesASecondOpenClaimOnAKey() throws {
        let s = try Self.store()
        _ = try s.discovery.claim(run: "r", rung: 0, keys: [1], worker: "a", session: "a", nowMs: 0, leaseMs: 1000)
        #expect(throws: DatabaseError.self) {
            try s.discovery.immediate { db in
                try db.execute(sql: "INSERT INTO discovery_claims (run_id, rung, key_index, worker, session, claimed_ms, lease_until_ms) VALUES ('r', 0, 1, 'b', 'b', 1, 1001)")
            }
        }
    }
}
