import Dispatch
import Foundation
import Store
import Synchronization

/// The model keys of one rung evaluated by claiming them from the store: this process's threads
/// and every other worker's take keys one at a time under a lease, and each key's candidates
/// commit with its claim closed, in one transaction. Returns when every key of the rung is stored
/// (by anyone), or when stopped on request.
struct ClaimedEvaluation {
    let store: any ResearchStore
    let runId: String
    let rung: Int
    let keys: [Int]
    let shard: DiscoveryShard
    let session: String
    let clock: @Sendable () -> Int64

    /// `evaluate` computes one key's candidates; `finished` hears the count this process stored.
    func run(threads: Int, shouldStop: @Sendable () -> Bool, evaluate: @Sendable (Int) throws -> [CandidateRecord],
             finished: @Sendable (Int) -> Void) throws -> Bool {
        let leases = LeaseKeeper(store: store, leaseMs: shard.leaseMs, clock: clock)
        defer { leases.stop() }
        let state = Mutex<(finished: Int, failure: (any Error)?, stopped: Bool, complete: Bool)>((0, nil, false, false))
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, keys.count))) { _ in
            while true {
                if state.withLock({ $0.failure != nil || $0.complete }) { return }
                if shouldStop() { state.withLock { $0.stopped = true }; return }
                do {
                    switch try store.discovery.claim(run: runId, rung: rung, keys: keys, worker: shard.worker, session: session,
                                                     nowMs: clock(), leaseMs: shard.leaseMs) {
                    case .complete:
                        state.withLock { $0.complete = true }
                        return
                    case .wait:
                        usleep(useconds_t(shard.pollMs * 1000))
                    case .claimed(let claim):
                        leases.hold(claim.id)
                        do {
                            let candidates = try evaluate(claim.keyIndex)
                            try store.discovery.finish(claim, candidates: candidates, nowMs: clock())
                            leases.drop(claim.id)
                        } catch {
                            leases.drop(claim.id)
                            try? store.discovery.release(claim, nowMs: clock())
                            throw error
                        }
                        finished(state.withLock { s -> Int in s.finished += 1; return s.finished })
                    }
                } catch {
                    state.withLock { if $0.failure == nil { $0.failure = error } }
                    return
                }
            }
        }
        let outcome = state.withLock { $0 }
        if let failure = outcome.failure { throw failure }
        return outcome.stopped && !outcome.complete
    }
}

/// Renews the leases this process holds, a third of a lease apart, on a thread of its own (a
/// model can train for longer than a lease; its worker is alive as long as this thread runs).
final class LeaseKeeper: Sendable {
    private let held = Mutex<(ids: Set<Int64>, stopped: Bool)>(([], false))
    private let done = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)

    init(store: any ResearchStore, leaseMs: Int64, clock: @escaping @Sendable () -> Int64) {
        let every = max(0.05, Double(leaseMs) / 3000)
        Thread.detachNewThread { [self] in renewals(store: store, leaseMs: leaseMs, every: every, clock: clock) }
    }

    private func renewals(store: any ResearchStore, leaseMs: Int64, every: Double, clock: @Sendable () -> Int64) {
        while true {
            _ = wake.wait(timeout: .now() + every)
            let (ids, stopped) = held.withLock { ($0.ids, $0.stopped) }
            if stopped { break }
            // A failed renewal is retried at the next tick; the lease still has two thirds to run.
            try? store.discovery.renew(Array(ids), untilMs: clock() + leaseMs)
        }
        done.signal()
    }

    func hold(_ id: Int64) { held.withLock { _ = $0.ids.insert(id) } }
    func drop(_ id: Int64) { held.withLock { _ = $0.ids.remove(id) } }
    func stop() {
        held.withLock { $0.stopped = true }
        wake.signal()
        done.wait()
    }
}
