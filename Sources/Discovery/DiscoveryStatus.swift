import Foundation
import Market
import Store

/// A run's progress per rung and per worker, read from the stored rungs, results and claims
/// (what `mlbot discover --status` prints; an operator watches a sharded run with it).
public struct DiscoveryStatus: Sendable, Encodable {
    public struct Rung: Sendable, Encodable {
        public let rung: Int
        public let keys: Int
        public let done: Int
        /// Keys held under a lease now.
        public let held: Int
        public let expired: Int
        public let opened_by: String
        public let completed_by: String?
    }

    public struct Worker: Sendable, Encodable {
        public let worker: String
        public let claimed: Int
        public let done: Int
        public let held: Int
        public let expired: Int
        public let released: Int
        /// Distinct process incarnations seen under this name (a restart adds one).
        public let sessions: Int
    }

    public let run_id: String
    public let complete: Bool
    public let trials: Int?
    public let rungs: [Rung]
    public let workers: [Worker]

    public static func of(run id: String, store: any ResearchStore, nowMs: Int64) throws -> DiscoveryStatus {
        guard let run = try store.discovery.run(id) else { throw Failure(.notFound, "no discovery run '\(id)' in \(store.location) (see `mlbot discover --help`)") }
        let claims = try store.discovery.claims(run: id), done = try store.discovery.doneKeys(run: id)
        func open(_ c: ClaimRecord) -> Bool { c.outcome == nil && c.leaseUntilMs > nowMs }
        // A lease that ran out is expired even before another worker closes it.
        func expired(_ c: ClaimRecord) -> Bool { c.outcome == "expired" || (c.outcome == nil && c.leaseUntilMs <= nowMs) }
        // The run's finishing claim (the top K saved once) has a rung of its own, not one of the search.
        let rungs = try store.discovery.rungs(run: id).filter { $0.keys != [DiscoveryRun.finishKey] }.map { r in
            let here = claims.filter { $0.rung == r.rung }
            return Rung(rung: r.rung, keys: r.keys.count, done: r.keys.filter { (done[r.rung] ?? []).contains($0) }.count,
                        held: here.filter(open).count, expired: here.filter(expired).count, opened_by: r.openedBy, completed_by: r.completedBy)
        }
        let workers = Dictionary(grouping: claims, by: \.worker).sorted { $0.key < $1.key }.map { name, cs in
            Worker(worker: name, claimed: cs.count, done: cs.filter { $0.outcome == "done" }.count, held: cs.filter(open).count,
                   expired: cs.filter(expired).count, released: cs.filter { $0.outcome == "released" }.count, sessions: Set(cs.map(\.session)).count)
        }
        return DiscoveryStatus(run_id: id, complete: run.complete, trials: run.trials, rungs: rungs, workers: workers)
    }
}
