import Engine
import Foundation
import GRDB
import Learning
import Market
import Risk
import Store

/// The control center's rules, shared by the HTTP routes and `control set --offline`: validate a
/// change or command, check the caller's role, store it with its audit row in one transaction.
public enum ControlActions {
    /// A setting change asked for.
    public struct SetRequest: Sendable, Equatable {
        public var key: String
        public var value: String
        public var strategy: String?
        public var reason: String?
        public var dryRun = false
        public init(key: String, value: String, strategy: String? = nil, reason: String? = nil, dryRun: Bool = false) {
            self.key = key; self.value = value; self.strategy = strategy; self.reason = reason; self.dryRun = dryRun
        }
    }

    /// What a set did (or, on a dry run, would do).
    public struct SetResult: Sendable, Equatable, Codable {
        public let key: String
        @NullWhenAbsent public var strategy: String?
        @NullWhenAbsent public var old: String?
        public let new: String
        /// The new settings version (nil: a dry run, or the value was already in force).
        @NullWhenAbsent public var version: Int?
        public let applied: Bool
        public let dryRun: Bool
        public let message: String
    }

    /// Who asks, from where.
    public struct Actor: Sendable {
        public let token: String
        public let role: ControlRole
        public let source: String
        public init(token: String, role: ControlRole, source: String) { self.token = token; self.role = role; self.source = source }
    }

    /// The stored changes, parsed, in version order.
    public static func changes(_ store: DataStore) throws -> [SettingChange] {
        try store.control.changes().map(SettingChange.init)
    }

    /// Validates, checks the role, and (unless a dry run or unchanged) stores the change and its
    /// audit row together. A refusal throws a kinded error and stores nothing but its audit row.
    /// `rules` names the rule strategies, which take no confidence of their own.
    public static func set(_ r: SetRequest, by actor: Actor, base: EngineSettings, strategies: [String], rules: Set<String> = [], nowMs: Int64,
                           store: DataStore) throws -> SetResult {
        func refuse(_ kind: ErrorKind, _ message: String) -> Failure {
            try? audit(store, nowMs, actor, action: "set", key: r.key, strategy: r.strategy, old: nil, new: r.value, reason: message,
                       outcome: kind == .forbidden ? "forbidden" : "invalid", status: kind.httpStatus)
            return Failure(kind, message)
        }
        guard let key = SettingKey(rawValue: r.key) else {
            throw refuse(.badInput, "key: unknown setting '\(r.key)'; expected one of \(SettingKey.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let s = r.strategy {
            guard key.perStrategy else { throw refuse(.badInput, "strategy: \(key.rawValue) is global; only \(SettingKey.allCases.filter(\.perStrategy).map(\.rawValue).joined(separator: ", ")) may be set per strategy") }
            guard strategies.contains(s) else { throw refuse(.badInput, "strategy: '\(s)' is not one this service trades (\(strategies.joined(separator: ", ")))") }
            if key == .confidence && rules.contains(s) {
                throw refuse(.badInput, "strategy: \(s) is a rule strategy (its p is 0, ½ or 1); confidence applies to model strategies")
            }
        } else if key.onlyPerStrategy {
            throw refuse(.badInput, "strategy: \(key.rawValue) is set per strategy; name one")
        }
        let value: SettingValue
        do { value = try key.parse(r.value) } catch let e as Failure { throw refuse(.badInput, e.description) }
        let now = EngineSettings.applying(try changes(store), to: base)
        let old = key.value(in: now, strategy: r.strategy) ?? (key == .enabled ? .flag(true) : nil)
        if let old, key.loosens(from: old, to: value), actor.role < .admin {
            throw refuse(.forbidden, "\(key.rawValue) \(old) → \(value) loosens a risk limit: that needs the admin role (token \(actor.token) has \(actor.role.rawValue))")
        }
        if old == value {
            return SetResult(key: key.rawValue, strategy: r.strategy, old: old?.description, new: value.description, version: nil, applied: false,
                             dryRun: r.dryRun, message: "\(key.rawValue) is already \(value): nothing changed")
        }
        if r.dryRun {
            return SetResult(key: key.rawValue, strategy: r.strategy, old: old?.description, new: value.description, version: nil, applied: false,
                             dryRun: true, message: "dry run: \(key.rawValue) would go \(old?.description ?? "unset") → \(value); nothing applied")
        }
        let reason = r.reason ?? ""
        let version = try store.control.write { db -> Int in
            let v = try ControlRepository.nextVersion(db)
            try ControlRepository.insert(SettingChangeRow(version: v, key: key.rawValue, strategy: r.strategy, value: value.description, createdMs: nowMs,
                                                          actor: actor.token, reason: reason), db)
            try ControlRepository.insert(AuditRow(timeMs: nowMs, token: actor.token, role: actor.role.rawValue, source: actor.source, action: "set",
                                                  key: key.rawValue, strategy: r.strategy, oldValue: old?.description, newValue: value.description,
                                                  reason: reason, outcome: "applied", status: 200), db)
            return v
        }
        return SetResult(key: key.rawValue, strategy: r.strategy, old: old?.description, new: value.description, version: version, applied: true,
                         dryRun: false, message: "\(key.rawValue) \(old?.description ?? "unset") → \(value) as settings version \(version), in force from the next bar")
    }

    /// What a command did.
    public struct CommandResult: Sendable, Equatable, Codable {
        public let command: String
        public let changed: Bool
        public let message: String
    }

    /// The commands `POST /control/commands` takes (`strategy-enable`/`-disable` need `args.strategy`).
    public static let commandNames = OperatorCommand.allCases.map(\.rawValue) + ["strategy-enable", "strategy-disable", "model-rollback", "jobs-run"]

    /// Makes the model before the active one of `strategy`'s model active again (after checking
    /// it loads); the service swaps it in at the next bar. `models` maps each strategy to the
    /// model it trades (`name@version`; nil for a rule strategy).
    public static func modelRollback(strategy: String?, reason: String?, by actor: Actor, models: [String: String?], nowMs: Int64,
                                     store: DataStore) throws -> CommandResult {
        guard let strategy else { throw Failure(.badInput, "args.strategy: model-rollback needs the strategy's name") }
        guard let model = models[strategy] else {
            throw Failure(.notFound, "args.strategy: no strategy '\(strategy)' in this service (strategies: \(models.keys.sorted().joined(separator: ", ")))")
        }
        guard let current = model, let ref = try? ModelReference(parsing: current, requireVersion: true) else {
            throw Failure(.badInput, "args.strategy: '\(strategy)' is a rule strategy: it has no model to roll back")
        }
        let entry: ModelEntry
        do { entry = try ModelRegistryRules.rollback(store, name: ref.name) } catch {
            try? audit(store, nowMs, actor, action: "model-rollback", key: nil, strategy: strategy, old: current, new: nil, reason: "\(error)",
                       outcome: "refused", status: ErrorKind.of(error).httpStatus)
            throw error
        }
        let now = entry.reference
        try audit(store, nowMs, actor, action: "model-rollback", key: nil, strategy: strategy, old: current, new: now, reason: reason ?? "", outcome: "applied", status: 200)
        return CommandResult(command: "model-rollback", changed: true, message: "\(now) is the active model of \(strategy) (was \(current)); the service swaps it in at the next bar")
    }

    /// Starts a run of job `name` now through the service's job supervisor.
    public static func jobsRun(name: String?, reason: String?, by actor: Actor, jobs: JobSupervisor?, nowMs: Int64, store: DataStore) throws -> CommandResult {
        guard let name else { throw Failure(.badInput, "args.name: jobs-run needs the job's name") }
        guard let jobs else { throw Failure(.conflict, "this service runs no jobs (started with --no-jobs, or its --jobs-dir holds none)") }
        let started: JobSupervisor.Started
        do { started = try jobs.runNow(name) } catch {
            try? audit(store, nowMs, actor, action: "jobs-run", key: nil, strategy: nil, old: nil, new: name, reason: "\(error)", outcome: "refused",
                       status: ErrorKind.of(error).httpStatus)
            throw error
        }
        try audit(store, nowMs, actor, action: "jobs-run", key: nil, strategy: nil, old: nil, new: name, reason: reason ?? "", outcome: "applied", status: 200)
        return CommandResult(command: "jobs-run", changed: true, message: "job \(name) started (pid \(started.pid)); see `mlbot jobs history \(name)`")
    }

    /// Stores an operator command for the next bar, unless it would change nothing (then says so).
    /// `trading` and `cause` are the state now; `holdingPositions` whether any position is open.
    public static func command(_ name: String, strategy: String?, reason: String?, by actor: Actor, trading: TradingState, cause: String?,
                               holdingPositions: Bool, base: EngineSettings, strategies: [String], nowMs: Int64, store: DataStore) throws -> CommandResult {
        if name == "strategy-enable" || name == "strategy-disable" {
            guard let strategy else { throw Failure(.badInput, "args.strategy: \(name) needs the strategy's name") }
            let r = try set(SetRequest(key: SettingKey.enabled.rawValue, value: name == "strategy-enable" ? "true" : "false", strategy: strategy, reason: reason),
                            by: actor, base: base, strategies: strategies, nowMs: nowMs, store: store)
            return CommandResult(command: name, changed: r.applied, message: r.applied ? "\(strategy) \(name == "strategy-enable" ? "enabled" : "disabled") from the next bar" : r.message)
        }
        guard let command = OperatorCommand(rawValue: name) else {
            try? audit(store, nowMs, actor, action: name, key: nil, strategy: nil, old: nil, new: nil, reason: "unknown command", outcome: "invalid", status: 400)
            throw Failure(.badInput, "command: unknown '\(name)'; expected one of \(commandNames.joined(separator: ", "))")
        }
        let pending = try store.control.pendingCommands().compactMap { OperatorCommand(rawValue: $0.command) }
        // What the state will be once the pending commands are applied, by the rule the bar cycle applies.
        var state = RiskState(equity: 0, timeMs: nowMs)
        state.trading = trading
        state.cause = cause.flatMap(RiskRule.init(rawValue:))
        for p in pending { state = p.apply(to: state, equity: 0, timeMs: nowMs).0 }
        let unchanged: String?
        switch command {
        case .pause: unchanged = state.trading == .reducing && state.cause == .operatorPause ? "already paused (REDUCING, operator_pause)" : nil
        case .halt: unchanged = state.trading == .halted && state.cause == .operatorHalt ? "already halted (HALTED, operator_halt)" : nil
        case .resume: unchanged = state.trading == .active ? "already ACTIVE" : nil
        case .flatten:
            unchanged = pending.last == .flatten ? "a flatten is already waiting for the next bar"
                : !holdingPositions && state.trading == .reducing && state.cause == .operatorFlatten ? "already flat (REDUCING, operator_flatten)" : nil
        }
        if let unchanged {
            try audit(store, nowMs, actor, action: name, key: nil, strategy: nil, old: nil, new: nil, reason: reason ?? "", outcome: "unchanged", status: 200)
            return CommandResult(command: name, changed: false, message: unchanged + ": nothing changed")
        }
        try store.control.write { db in
            try ControlRepository.insert(OperatorCommandRow(command: name, createdMs: nowMs, actor: actor.token, reason: reason ?? ""), db)
            try ControlRepository.insert(AuditRow(timeMs: nowMs, token: actor.token, role: actor.role.rawValue, source: actor.source, action: name,
                                                  oldValue: trading.rawValue, reason: reason ?? "", outcome: "applied", status: 200), db)
        }
        return CommandResult(command: name, changed: true, message: "\(name) stored; it applies at the next bar")
    }

    static func audit(_ store: DataStore, _ nowMs: Int64, _ actor: Actor, action: String, key: String?, strategy: String?, old: String?, new: String?,
                      reason: String, outcome: String, status: Int) throws {
        try store.control.write { db in
            try ControlRepository.insert(AuditRow(timeMs: nowMs, token: actor.token, role: actor.role.rawValue, source: actor.source, action: action,
                                                  key: key, strategy: strategy, oldValue: old, newValue: new, reason: reason, outcome: outcome, status: status), db)
        }
    }
}
