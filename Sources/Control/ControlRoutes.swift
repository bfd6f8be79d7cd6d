import Engine
import Foundation
import Hummingbird
import Market
import NIOCore
import Store

/// The control endpoints (`/control/…`): settings, commands, history and tokens. `AccessGuard`
/// has checked the token and the route's least role before a handler runs.
enum ControlRoutes {
    static func add(to router: Router<ControlRequestContext>, _ c: ControlContext) {
        router.get("/control/settings") { request, _ in
            let changes = try ControlActions.changes(c.store)
            var list = EffectiveSetting.list(base: c.baseSettings, changes: changes)
            if let key = request.uri.queryParameters.get("key") {
                guard SettingKey(rawValue: key) != nil else { throw Failure(.badInput, "key: unknown setting '\(key)'") }
                list = list.filter { $0.key == key }
            }
            return try API.json(Settings(settingsVersion: changes.last?.version ?? 1, settings: list))
        }
        router.post("/control/settings") { request, context in
            let body = try await Body(request, context)
            let r = ControlActions.SetRequest(key: try body.string("key"), value: try body.text("value"), strategy: try body.optionalString("strategy"),
                                              reason: try body.optionalString("reason"), dryRun: try body.optionalBool("dry_run") ?? false)
            let rules = Set(c.status.snapshot.strategies.filter { $0.model == nil }.map(\.name))
            let result = try ControlActions.set(r, by: actor(context), base: c.baseSettings, strategies: strategyNames(c), rules: rules, nowMs: c.clock(), store: c.store)
            if result.applied { c.inbox.notify() }
            return try API.json(result)
        }
        router.post("/control/commands") { request, context in
            let body = try await Body(request, context)
            let name = try body.string("command")
            let args = try body.optionalObject("args")
            let strategy = try args.map { try Body(object: $0, path: "args").optionalString("strategy") } ?? nil
            let s = c.status.snapshot
            let reason = try body.optionalString("reason")
            if name == "model-rollback" {
                let models = Dictionary(uniqueKeysWithValues: s.strategies.map { ($0.name, $0.model) })
                let result = try ControlActions.modelRollback(strategy: strategy, reason: reason, by: actor(context), models: models, nowMs: c.clock(), store: c.store)
                c.inbox.notify()
                return try API.json(result)
            }
            if name == "jobs-run" {
                let job = try args.map { try Body(object: $0, path: "args").optionalString("name") } ?? nil
                return try API.json(try ControlActions.jobsRun(name: job, reason: reason, by: actor(context), jobs: c.jobs, nowMs: c.clock(), store: c.store))
            }
            let holding = try c.store.ledger.positions(account: "").contains { Decimal(string: $0.quantity) != 0 }
            let result = try ControlActions.command(name, strategy: strategy, reason: reason, by: actor(context),
                                                    trading: s.trading, cause: s.tradingCause, holdingPositions: holding, base: c.baseSettings,
                                                    strategies: strategyNames(c), nowMs: c.clock(), store: c.store)
            if result.changed { c.inbox.notify() }
            return try API.json(result)
        }
        router.get("/control/history") { request, _ in
            try API.json(History(entries: try c.store.control.audit(limit: try Page(request).limit).map(HistoryEntry.init)))
        }
        router.get("/control/tokens") { _, _ in
            try API.json(try c.store.control.tokens().map(TokenInfo.init))
        }
        router.post("/control/tokens") { request, context in
            let body = try await Body(request, context)
            let name = try body.string("name")
            let roleText = try body.string("role")
            guard let role = ControlRole(rawValue: roleText) else { throw Failure(.badInput, "role: expected read, control or admin, got '\(roleText)'") }
            let days = try body.optionalNumber("expires_in_days")
            if let days, !(days > 0 && days <= 3650) { throw Failure(.badInput, "expires_in_days: expected a number of days in (0, 3650]") }
            let now = c.clock()
            let expires = days.map { now + Int64($0 * 86_400_000) }
            let secret = try ControlTokens.create(name: name, role: role, expiresMs: expires, nowMs: now, store: c.store)
            try ControlActions.audit(c.store, now, actor(context), action: "tokens create", key: nil, strategy: nil, old: nil, new: "\(name) (\(role.rawValue))",
                                     reason: "", outcome: "applied", status: 201)
            return try API.json(NewToken(name: name, role: role.rawValue, token: secret, expires: expires.map(UTCTime.iso)), status: .created)
        }
        router.delete("/control/tokens/:name") { _, context in
            let name = try context.parameters.require("name")
            try ControlTokens.revoke(name: name, nowMs: c.clock(), store: c.store)
            try ControlActions.audit(c.store, c.clock(), actor(context), action: "tokens revoke", key: nil, strategy: nil, old: name, new: nil,
                                     reason: "", outcome: "applied", status: 200)
            return try API.json(["revoked": name])
        }
    }

    static func actor(_ context: ControlRequestContext) throws -> ControlActions.Actor {
        guard let caller = context.caller else { throw Failure(.unauthorized, "no verified token") }
        return ControlActions.Actor(token: caller.name, role: caller.role, source: context.source)
    }

    static func strategyNames(_ c: ControlContext) -> [String] { c.status.snapshot.strategies.map(\.name) }

    struct Settings: Encodable { let settingsVersion: Int; let settings: [EffectiveSetting] }
    struct History: Encodable { let entries: [HistoryEntry] }
    struct HistoryEntry: Encodable {
        let time: String
        @NullWhenAbsent var token: String?
        @NullWhenAbsent var role: String?
        let source: String, action: String
        @NullWhenAbsent var key: String?
        @NullWhenAbsent var strategy: String?
        @NullWhenAbsent var oldValue: String?
        @NullWhenAbsent var newValue: String?
        let reason: String, outcome: String, status: Int
        init(_ r: AuditRow) {
            time = UTCTime.iso(r.timeMs); token = r.token; role = r.role; source = r.source; action = r.action; key = r.key; strategy = r.strategy
            oldValue = r.oldValue; newValue = r.newValue; reason = r.reason; outcome = r.outcome; status = r.status
        }
    }
    struct TokenInfo: Encodable {
        let name: String, role: String, created: String
        @NullWhenAbsent var expires: String?
        @NullWhenAbsent var lastUsed: String?
        @NullWhenAbsent var revoked: String?
        init(_ r: ControlTokenRow) {
            name = r.name; role = r.role; created = UTCTime.iso(r.createdMs); expires = r.expiresMs.map(UTCTime.iso)
            lastUsed = r.lastUsedMs.map(UTCTime.iso); revoked = r.revokedMs.map(UTCTime.iso)
        }
    }
    struct NewToken: Encodable {
        let name: String, role: String, token: String
        @NullWhenAbsent var expires: String?
    }
}

/// A JSON object body, read field by field with errors that name the field and what it expected.
struct Body {
    let object: [String: Any]
    let path: String

    init(object: [String: Any], path: String = "") { self.object = object; self.path = path }

    init(_ request: Request, _ context: ControlRequestContext) async throws {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)), let object = parsed as? [String: Any] else {
            throw Failure(.badInput, "body: expected a JSON object")
        }
        self.init(object: object)
    }

    private func name(_ field: String) -> String { path.isEmpty ? field : "\(path).\(field)" }

    func string(_ field: String) throws -> String {
        guard let v = try optionalString(field) else { throw Failure(.badInput, "\(name(field)): required (a string)") }
        return v
    }
    func optionalString(_ field: String) throws -> String? {
        guard let v = object[field], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw Failure(.badInput, "\(name(field)): expected a string") }
        return s
    }
    /// A value given as a string, a number or a boolean, as text.
    func text(_ field: String) throws -> String {
        switch object[field] {
        case let s as String: return s
        case let n as NSNumber where n.isJSONBoolean: return n.boolValue ? "true" : "false"
        case let n as NSNumber: return n.stringValue
        default: throw Failure(.badInput, "\(name(field)): required (a string, number or boolean)")
        }
    }
    func optionalBool(_ field: String) throws -> Bool? {
        guard let v = object[field], !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, n.isJSONBoolean else { throw Failure(.badInput, "\(name(field)): expected true or false") }
        return n.boolValue
    }
    func optionalNumber(_ field: String) throws -> Double? {
        guard let v = object[field], !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, !n.isJSONBoolean else { throw Failure(.badInput, "\(name(field)): expected a number") }
        return n.doubleValue
    }
    func optionalObject(_ field: String) throws -> [String: Any]? {
        guard let v = object[field], !(v is NSNull) else { return nil }
        guard let o = v as? [String: Any] else { throw Failure(.badInput, "\(name(field)): expected an object") }
        return o
    }
}

extension NSNumber {
    /// JSON `true`/`false` arrive from JSONSerialization as NSNumbers of type char (`c`); numbers never do.
    public var isJSONBoolean: Bool { String(cString: objCType) == "c" }
}
