import Foundation

/// Who a `discover` process is among the processes working on one run, and how long a claim on a
/// model key lasts without renewal. One process alone is a shard too: the same claims keep two
/// accidental runs of one id from training the same key.
public struct DiscoveryShard: Sendable, Equatable {
    /// Stable across restarts of the same worker (a pod of the same index), so a restarted worker
    /// takes back what its previous incarnation held at once instead of waiting for the lease.
    public var worker: String
    public var leaseMs: Int64
    /// How often a worker with nothing to claim looks again.
    public var pollMs: Int

    public init(worker: String, leaseMs: Int64 = 60_000, pollMs: Int = 250) {
        self.worker = worker; self.leaseMs = leaseMs; self.pollMs = pollMs
    }

    /// The only worker of a run.
    public static let single = DiscoveryShard(worker: "local")

    /// Worker `index` of `total` (Kubernetes' `JOB_COMPLETION_INDEX` of an Indexed Job).
    public static func index(_ index: Int, of total: Int, leaseMs: Int64 = 60_000) -> DiscoveryShard {
        DiscoveryShard(worker: "worker-\(index)-of-\(total)", leaseMs: leaseMs)
    }
}
