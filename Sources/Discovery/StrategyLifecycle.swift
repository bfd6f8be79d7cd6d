import Foundation
import Market
import Store

/// Moves stored strategies through their lifecycle under the graduation rules: the CLI and the
/// control API both call these, so a refusal reads the same from either.
public enum StrategyLifecycle {
    /// One status change that was made.
    public struct Change: Sendable, Equatable {
        public let name: String
        public let from: StrategyRecord.Status
        public let to: StrategyRecord.Status
        public let reason: String
    }

    /// Promotes `name` to `target` (nil: the next step, never live) if `Graduation` allows it.
    @discardableResult
    public static func promote(_ store: DataStore, name: String, to target: StrategyRecord.Status?, rules: GraduationRules, nowMs: Int64) throws -> Change {
        let r = try store.strategies.get(name)
        switch Graduation.promote(r, to: target, rules: rules, nowMs: nowMs) {
        case let .allowed(status, reason):
            try store.strategies.setStatus(name, from: r.status, to: status, timeMs: nowMs, reason: reason)
            return Change(name: name, from: r.status, to: status, reason: reason)
        case let .refused(why):
            throw Failure(.refused, why)
        }
    }

    /// Retires `name` from any status but retired, keeping `reason` in its history.
    @discardableResult
    public static func retire(_ store: DataStore, name: String, reason: String, nowMs: Int64) throws -> Change {
        let r = try store.strategies.get(name)
        guard r.status != .retired else { throw Failure(.conflict, "\(name) is already retired") }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw Failure(.badInput, "a reason for retiring \(name)") }
        try store.strategies.setStatus(name, from: r.status, to: .retired, timeMs: nowMs, reason: why)
        return Change(name: name, from: r.status, to: .retired, reason: why)
    }
}
