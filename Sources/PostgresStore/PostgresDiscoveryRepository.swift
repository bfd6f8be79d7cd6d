import Foundation
import Market
import PostgresNIO
import Store

/// Discovery runs, candidates, rungs and claims on PostgreSQL: the same records and rules as the
/// SQLite repository, with a key claimed by locking its row with `FOR UPDATE SKIP LOCKED` (a
/// worker never waits on a key another is claiming; it takes the next).
public struct PostgresDiscoveryRepository: Sendable {
    let db: PostgresDatabase
    static let log = PostgresDatabase.quiet

    public func create(_ r: DiscoveryRunRecord) throws {
        try db.transaction { conn in
            _ = try await conn.query("""
                INSERT INTO discovery_runs (run_id, space_hash, seed, budget, data_key, status, trials, created_ms, finished_ms, space)
                VALUES (\(r.runId), \(r.spaceHash), \(Int64(bitPattern: r.seed)), \(r.budget), \(r.dataKey), 'running', NULL, \(r.createdMs), NULL, \(r.space))
                """, logger: Self.log)
        }
    }

    public func run(_ id: String) throws -> DiscoveryRunRecord? {
        try db.rows("SELECT run_id, space_hash, seed, budget, data_key, status, trials, created_ms, finished_ms, space FROM discovery_runs WHERE run_id = \(id)").first.map { row in
            let (runId, hash, seed, budget, key, status, trials, created, finished, space) =
                try row.decode((String, String, Int64, Int, String, String, Int?, Int64, Int64?, String).self)
            return DiscoveryRunRecord(runId: runId, spaceHash: hash, seed: UInt64(bitPattern: seed), budget: budget, dataKey: key, complete: status == "complete",
                                      trials: trials, createdMs: created, finishedMs: finished, space: space)
        }
    }

    public func candidates(run: String, rung: Int? = nil) throws -> [CandidateRecord] {
        try db.rows("""
            SELECT run_id, rung, key_index, variant, definition, error, observations, sharpe, skewness, kurtosis, trades, is_sharpe, metrics, returns, dsr, psr, rank, note
            FROM discovery_candidates WHERE run_id = \(run) AND (\(rung)::BIGINT IS NULL OR rung = \(rung)) ORDER BY rung, key_index, variant
            """).map { row in
            let r = row.makeRandomAccess()
            let blob = try r["returns"].decode(Data?.self)
            var times: [Int64] = [], returns: [Double] = []
            if let blob {
                guard let decoded = BinaryColumns.decode(blob, count: blob.count / 16, columns: 1) else {
                    throw Failure(.internal, "discovery candidate returns blob of \(blob.count) bytes in \(db.address)")
                }
                times = decoded.time; returns = decoded.columns[0]
            }
            return CandidateRecord(runId: try r["run_id"].decode(String.self), rung: try r["rung"].decode(Int.self), keyIndex: try r["key_index"].decode(Int.self),
                                   variant: try r["variant"].decode(Int.self), definition: try r["definition"].decode(String.self),
                                   error: try r["error"].decode(String?.self), observations: try r["observations"].decode(Int.self),
                                   sharpe: try r["sharpe"].decode(Double?.self), skewness: try r["skewness"].decode(Double?.self),
                                   kurtosis: try r["kurtosis"].decode(Double?.self), trades: try r["trades"].decode(Int.self),
                                   inSampleSharpe: try r["is_sharpe"].decode(Double?.self), metricsJSON: try r["metrics"].decode(String?.self),
                                   bucketTimes: times, bucketReturns: returns, dsr: try r["dsr"].decode(Double?.self), psr: try r["psr"].decode(Double?.self),
                                   rank: try r["rank"].decode(Int?.self), note: try r["note"].decode(String?.self))
        }
    }

    /// A model's candidates in one statement (a round trip per candidate cost more than the rows).
    static func insert(_ candidates: [CandidateRecord], _ conn: PostgresConnection) async throws {
        _ = try await PostgresDatabase.insertMany(conn, table: "discovery_candidates", columns: [
            "run_id", "rung", "key_index", "variant", "definition", "error", "observations", "sharpe", "skewness", "kurtosis", "trades", "is_sharpe",
            "metrics", "returns", "dsr", "psr", "rank", "note",
        ], rows: candidates.map { c in
            [.text(c.runId), .integer(Int64(c.rung)), .integer(Int64(c.keyIndex)), .integer(Int64(c.variant)), .text(c.definition), c.error.store,
             .integer(Int64(c.observations)), c.sharpe.store, c.skewness.store, c.kurtosis.store, .integer(Int64(c.trades)), c.inSampleSharpe.store,
             c.metricsJSON.store, c.bucketTimes.isEmpty ? .null : .blob(BinaryColumns.encode(time: c.bucketTimes, [c.bucketReturns])),
             c.dsr.store, c.psr.store, c.rank.store, c.note.store]
        }, suffix: """
            ON CONFLICT (run_id, rung, key_index, variant) DO UPDATE SET definition = EXCLUDED.definition, error = EXCLUDED.error,
                observations = EXCLUDED.observations, sharpe = EXCLUDED.sharpe, skewness = EXCLUDED.skewness, kurtosis = EXCLUDED.kurtosis,
                trades = EXCLUDED.trades, is_sharpe = EXCLUDED.is_sharpe, metrics = EXCLUDED.metrics, returns = EXCLUDED.returns,
                dsr = EXCLUDED.dsr, psr = EXCLUDED.psr, rank = EXCLUDED.rank, note = EXCLUDED.note
            """)
    }

    /// Writes a rung's keys unless a worker already did; returns the stored ones.
    public func openRung(run: String, rung: Int, keys: [Int], worker: String, nowMs: Int64) throws -> [Int] {
        try db.transaction { conn in
            let inserted = try await conn.query("""
                INSERT INTO discovery_rungs (run_id, rung, opened_ms, opened_by) VALUES (\(run), \(rung), \(nowMs), \(worker))
                ON CONFLICT DO NOTHING RETURNING rung
                """, logger: Self.log).collect()
            if !inserted.isEmpty {
                for k in Set(keys) { _ = try await conn.query("INSERT INTO discovery_rung_keys (run_id, rung, key_index) VALUES (\(run), \(rung), \(k))", logger: Self.log) }
            }
            var out: [Int] = []
            for try await k in try await conn.query("SELECT key_index FROM discovery_rung_keys WHERE run_id = \(run) AND rung = \(rung) ORDER BY key_index",
                                                    logger: Self.log).decode(Int.self) { out.append(k) }
            return out
        }
    }

    /// As SQLite's `claim`: stale claims closed, then the first free key's row locked (skipping
    /// rows another worker has locked this instant) and a claim inserted for it.
    public func claim(run: String, rung: Int, keys: [Int], worker: String, session: String, nowMs: Int64, leaseMs: Int64) throws -> ClaimAnswer {
        try db.transaction { conn in
            _ = try await conn.query("""
                UPDATE discovery_claims SET outcome = 'expired', finished_ms = \(nowMs)
                WHERE run_id = \(run) AND rung = \(rung) AND outcome IS NULL AND (lease_until_ms <= \(nowMs) OR (worker = \(worker) AND session <> \(session)))
                """, logger: Self.log)
            // Lock the first key free as this statement sees it, then check it again in a
            // statement of its own: under READ COMMITTED a new statement sees the claims of
            // whoever held the lock before, where the filter in the locking statement used a
            // snapshot from before that holder committed (a key found taken then is passed over).
            var passed: [Int] = []
            var found: Int?
            while found == nil {
                var locked: Int?
                for try await k in try await conn.query("""
                    SELECT key_index FROM discovery_rung_keys
                    WHERE run_id = \(run) AND rung = \(rung) AND key_index = ANY(\(keys)) AND NOT (key_index = ANY(\(passed)))
                      AND key_index NOT IN (SELECT key_index FROM discovery_claims
                                            WHERE run_id = \(run) AND rung = \(rung) AND (outcome IS NULL OR outcome = 'done'))
                    ORDER BY key_index LIMIT 1 FOR UPDATE SKIP LOCKED
                    """, logger: Self.log).decode(Int.self) { locked = k }
                guard let k = locked else { break }
                var taken = false
                for try await t in try await conn.query("""
                    SELECT EXISTS (SELECT 1 FROM discovery_claims WHERE run_id = \(run) AND rung = \(rung) AND key_index = \(k) AND (outcome IS NULL OR outcome = 'done'))
                    """, logger: Self.log).decode(Bool.self) { taken = t }
                if taken { passed.append(k) } else { found = k }
            }
            guard let key = found else {
                var done = 0
                for try await n in try await conn.query("""
                    SELECT count(DISTINCT key_index) FROM discovery_claims WHERE run_id = \(run) AND rung = \(rung) AND outcome = 'done' AND key_index = ANY(\(keys))
                    """, logger: Self.log).decode(Int.self) { done = n }
                return done == Set(keys).count ? .complete : .wait
            }
            var id: Int64 = 0
            for try await i in try await conn.query("""
                INSERT INTO discovery_claims (run_id, rung, key_index, worker, session, claimed_ms, lease_until_ms)
                VALUES (\(run), \(rung), \(key), \(worker), \(session), \(nowMs), \(nowMs + leaseMs)) RETURNING id
                """, logger: Self.log).decode(Int64.self) { id = i }
            return .claimed(DiscoveryClaim(id: id, rung: rung, keyIndex: key))
        }
    }

    public func renew(_ claims: [Int64], untilMs: Int64) throws {
        guard !claims.isEmpty else { return }
        _ = try db.rows("UPDATE discovery_claims SET lease_until_ms = \(untilMs) WHERE outcome IS NULL AND id = ANY(\(claims))")
    }

    public func finish(_ claim: DiscoveryClaim, candidates: [CandidateRecord], nowMs: Int64) throws {
        try db.transaction { conn in
            try await Self.insert(candidates, conn)
            _ = try await conn.query("UPDATE discovery_claims SET outcome = 'done', finished_ms = \(nowMs) WHERE id = \(claim.id) AND outcome IS NULL", logger: Self.log)
        }
    }

    public func release(_ claim: DiscoveryClaim, nowMs: Int64) throws {
        _ = try db.rows("UPDATE discovery_claims SET outcome = 'released', finished_ms = \(nowMs) WHERE id = \(claim.id) AND outcome IS NULL")
    }

    public func claims(run: String) throws -> [ClaimRecord] {
        try db.rows("""
            SELECT id, rung, key_index, worker, session, claimed_ms, lease_until_ms, finished_ms, outcome FROM discovery_claims WHERE run_id = \(run) ORDER BY id
            """).map { row in
            let (id, rung, key, worker, session, claimed, lease, finished, outcome) = try row.decode((Int64, Int, Int, String, String, Int64, Int64, Int64?, String?).self)
            return ClaimRecord(id: id, rung: rung, keyIndex: key, worker: worker, session: session, claimedMs: claimed, leaseUntilMs: lease, finishedMs: finished, outcome: outcome)
        }
    }
}

extension PostgresDiscoveryRepository: ResearchDiscovery {
    public func runs() throws -> [DiscoveryRunRecord] {
        try db.rows("SELECT run_id FROM discovery_runs ORDER BY created_ms, run_id").compactMap { try run($0.decode(String.self)) }
    }

    public func complete(run: String, trials: Int, ranking: [CandidateRecord], finishedMs: Int64) throws {
        try db.transaction { conn in
            for c in ranking {
                _ = try await conn.query("""
                    UPDATE discovery_candidates SET dsr = \(c.dsr), psr = \(c.psr), rank = \(c.rank), note = \(c.note)
                    WHERE run_id = \(run) AND rung = \(c.rung) AND key_index = \(c.keyIndex) AND variant = \(c.variant)
                    """, logger: Self.log)
            }
            _ = try await conn.query("UPDATE discovery_runs SET status = 'complete', trials = \(trials), finished_ms = \(finishedMs) WHERE run_id = \(run)",
                                     logger: Self.log)
        }
    }

    public func completeRung(run: String, rung: Int, worker: String, nowMs: Int64) throws {
        _ = try db.rows("""
            UPDATE discovery_rungs SET completed_ms = \(nowMs), completed_by = \(worker) WHERE run_id = \(run) AND rung = \(rung) AND completed_ms IS NULL
            """)
    }

    public func rungs(run: String) throws -> [RungRecord] {
        let keys = Dictionary(grouping: try db.rows("SELECT rung, key_index FROM discovery_rung_keys WHERE run_id = \(run) ORDER BY rung, key_index").map {
            try $0.decode((Int, Int).self)
        }, by: \.0)
        return try db.rows("SELECT rung, opened_ms, opened_by, completed_ms, completed_by FROM discovery_rungs WHERE run_id = \(run) ORDER BY rung").map { row in
            let (rung, opened, by, completed, completedBy) = try row.decode((Int, Int64, String, Int64?, String?).self)
            return RungRecord(rung: rung, keys: (keys[rung] ?? []).map(\.1), openedMs: opened, openedBy: by, completedMs: completed, completedBy: completedBy)
        }
    }

    public func doneKeys(run: String) throws -> [Int: Set<Int>] {
        var out: [Int: Set<Int>] = [:]
        for row in try db.rows("SELECT DISTINCT rung, key_index FROM discovery_candidates WHERE run_id = \(run)") {
            let (rung, key) = try row.decode((Int, Int).self)
            out[rung, default: []].insert(key)
        }
        return out
    }
}
