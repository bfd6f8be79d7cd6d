import Foundation
import GRDB

/// A worker's hold on one model key of one rung, until its lease runs out.
public struct DiscoveryClaim: Sendable, Equatable {
    public let id: Int64
    public let rung: Int
    public let keyIndex: Int

    public init(id: Int64, rung: Int, keyIndex: Int) { self.id = id; self.rung = rung; self.keyIndex = keyIndex }
}

/// What asking for work at a rung gives.
public enum ClaimAnswer: Sendable, Equatable {
    case claimed(DiscoveryClaim)
    /// Every key left is held by another worker whose lease is still running.
    case wait
    /// Every key of the rung has its results stored.
    case complete
}

/// Who took part in a run, as `discover --status` shows it.
public struct ClaimRecord: Sendable, Equatable {
    public let id: Int64
    public let rung: Int
    public let keyIndex: Int
    public let worker: String
    public let session: String
    public let claimedMs: Int64
    public let leaseUntilMs: Int64
    public let finishedMs: Int64?
    /// nil while held; then `done`, `expired` (its worker stopped renewing) or `released` (stopped on request).
    public let outcome: String?

    public init(id: Int64, rung: Int, keyIndex: Int, worker: String, session: String, claimedMs: Int64, leaseUntilMs: Int64, finishedMs: Int64?, outcome: String?) {
        self.id = id; self.rung = rung; self.keyIndex = keyIndex; self.worker = worker; self.session = session
        self.claimedMs = claimedMs; self.leaseUntilMs = leaseUntilMs; self.finishedMs = finishedMs; self.outcome = outcome
    }
}

/// One rung's model keys and who opened and completed it.
public struct RungRecord: Sendable, Equatable {
    public let rung: Int
    public let keys: [Int]
    public let openedMs: Int64
    public let openedBy: String
    public let completedMs: Int64?
    public let completedBy: String?

    public init(rung: Int, keys: [Int], openedMs: Int64, openedBy: String, completedMs: Int64?, completedBy: String?) {
        self.rung = rung; self.keys = keys; self.openedMs = openedMs; self.openedBy = openedBy
        self.completedMs = completedMs; self.completedBy = completedBy
    }
}

/// Sharding a run over processes: keys are claimed with a lease in one write transaction each, so
/// two workers never hold the same key, and a worker that dies loses only what it held.
extension DiscoveryRepository {
    /// Writes a rung's keys unless a worker already did, and returns the stored ones (so every
    /// worker trains the same keys whoever did the halving).
    public func openRung(run: String, rung: Int, keys: [Int], worker: String, nowMs: Int64) throws -> [Int] {
        try immediate { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM discovery_rungs WHERE run_id = ? AND rung = ?", arguments: [run, rung]) == nil {
                try db.execute(sql: "INSERT INTO discovery_rungs (run_id, rung, opened_ms, opened_by) VALUES (?, ?, ?, ?)", arguments: [run, rung, nowMs, worker])
                let insert = try db.cachedStatement(sql: "INSERT INTO discovery_rung_keys (run_id, rung, key_index) VALUES (?, ?, ?)")
                for k in Set(keys) { try insert.execute(arguments: [run, rung, k]) }
            }
            return try Self.rungKeys(db, run: run, rung: rung)
        }
    }

    /// Marks a rung complete (first caller wins; later ones change nothing).
    public func completeRung(run: String, rung: Int, worker: String, nowMs: Int64) throws {
        try immediate { db in
            try db.execute(sql: "UPDATE discovery_rungs SET completed_ms = ?, completed_by = ? WHERE run_id = ? AND rung = ? AND completed_ms IS NULL",
                           arguments: [nowMs, worker, run, rung])
        }
    }

    /// Claims the first of `keys` that is neither done nor held. `keys` are those without stored
    /// results when the worker reached the rung (results stored since were stored with their
    /// claim closed as done, which is what this reads). Open claims whose lease ran out,
    /// and those of an earlier incarnation of the same worker (a restarted pod of the same index),
    /// are closed as expired first.
    public func claim(run: String, rung: Int, keys: [Int], worker: String, session: String, nowMs: Int64, leaseMs: Int64) throws -> ClaimAnswer {
        try immediate { db in
            try db.execute(sql: """
                UPDATE discovery_claims SET outcome = 'expired', finished_ms = ?
                WHERE run_id = ? AND rung = ? AND outcome IS NULL AND (lease_until_ms <= ? OR (worker = ? AND session <> ?))
                """, arguments: [nowMs, run, rung, nowMs, worker, session])
            // Claims only: the candidates table holds every return series, too much to scan per claim.
            let done = Set(try Int.fetchAll(db, sql: "SELECT key_index FROM discovery_claims WHERE run_id = ? AND rung = ? AND outcome = 'done'", arguments: [run, rung]))
            let held = Set(try Int.fetchAll(db, sql: "SELECT key_index FROM discovery_claims WHERE run_id = ? AND rung = ? AND outcome IS NULL", arguments: [run, rung]))
            guard let key = keys.first(where: { !done.contains($0) && !held.contains($0) }) else {
                return keys.allSatisfy(done.contains) ? .complete : .wait
            }
            try db.execute(sql: """
                INSERT INTO discovery_claims (run_id, rung, key_index, worker, session, claimed_ms, lease_until_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run, rung, key, worker, session, nowMs, nowMs + leaseMs])
            return .claimed(DiscoveryClaim(id: db.lastInsertedRowID, rung: rung, keyIndex: key))
        }
    }

    /// Extends the leases of claims still held (the worker is alive and still training).
    public func renew(_ claims: [Int64], untilMs: Int64) throws {
        guard !claims.isEmpty else { return }
        try immediate { db in
            try db.execute(sql: "UPDATE discovery_claims SET lease_until_ms = ? WHERE outcome IS NULL AND id IN (\(claims.map { _ in "?" }.joined(separator: ",")))",
                           arguments: StatementArguments([untilMs] + claims))
        }
    }

    /// Stores a key's candidates and closes its claim as done, in one transaction. A claim that
    /// expired meanwhile stays expired (its results are the same whoever computes them).
    public func finish(_ claim: DiscoveryClaim, candidates: [CandidateRecord], nowMs: Int64) throws {
        try immediate { db in
            try Self.insert(candidates, db)
            try db.execute(sql: "UPDATE discovery_claims SET outcome = 'done', finished_ms = ? WHERE id = ? AND outcome IS NULL", arguments: [nowMs, claim.id])
        }
    }

    /// Gives a claim back unfinished (the worker stops on request).
    public func release(_ claim: DiscoveryClaim, nowMs: Int64) throws {
        try immediate { db in
            try db.execute(sql: "UPDATE discovery_claims SET outcome = 'released', finished_ms = ? WHERE id = ? AND outcome IS NULL", arguments: [nowMs, claim.id])
        }
    }

    public func claims(run: String) throws -> [ClaimRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM discovery_claims WHERE run_id = ? ORDER BY id", arguments: [run]).map {
                ClaimRecord(id: $0["id"], rung: $0["rung"], keyIndex: $0["key_index"], worker: $0["worker"], session: $0["session"],
                            claimedMs: $0["claimed_ms"], leaseUntilMs: $0["lease_until_ms"], finishedMs: $0["finished_ms"], outcome: $0["outcome"])
            }
        }
    }

    public func rungs(run: String) throws -> [RungRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM discovery_rungs WHERE run_id = ? ORDER BY rung", arguments: [run]).map {
                RungRecord(rung: $0["rung"], keys: try Self.rungKeys(db, run: run, rung: $0["rung"]), openedMs: $0["opened_ms"], openedBy: $0["opened_by"],
                           completedMs: $0["completed_ms"], completedBy: $0["completed_by"])
            }
        }
    }

    /// The key indices of each rung that have stored results.
    public func doneKeys(run: String) throws -> [Int: Set<Int>] {
        try pool.read { db in
            var out: [Int: Set<Int>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT DISTINCT rung, key_index FROM discovery_candidates WHERE run_id = ?", arguments: [run]) {
                out[row[0], default: []].insert(row[1])
            }
            return out
        }
    }

    static func rungKeys(_ db: Database, run: String, rung: Int) throws -> [Int] {
        try Int.fetchAll(db, sql: "SELECT key_index FROM discovery_rung_keys WHERE run_id = ? AND rung = ? ORDER BY key_index", arguments: [run, rung])
    }

    /// A write transaction that takes SQLite's write lock at its start: a claim reads then writes,
    /// and a deferred transaction would fail instead of waiting when another process wrote between.
    func immediate<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var out: T?
            try db.inTransaction(.immediate) { out = try body(db); return .commit }
            return out!
        }
    }
}
