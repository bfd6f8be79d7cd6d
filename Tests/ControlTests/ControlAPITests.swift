import Control
import Engine
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Market
import NIOCore
import Store
import Synchronization
import Testing

/// The control endpoints through the router: who may do what, what a refusal looks like, and that
/// a refusal changes nothing but the audit trail.
@Suite struct ControlAPITests {
    /// Setting versions, commands and tokens: what a refused call must leave as it was.
    static func state(_ store: DataStore) throws -> String {
        "\(try store.control.changes()) \(try store.control.commands()) \(try store.control.tokens().map { "\($0.name) \($0.revokedMs ?? 0)" })"
    }

    static func headers(_ token: String?) -> HTTPFields {
        var h = HTTPFields()
        h[.contentType] = "application/json"
        if let token { h[.authorization] = "Bearer \(token)" }
        return h
    }

    @Test func tokensAndRolesDecideWhoMayChangeWhatAndARefusalChangesNothing() async throws {
        let f = try ServiceFixture("control-auth", seed: 3, maxDrawdown: 0.2)
        let now: Int64 = 1_800_000_000_000
        let admin = try ControlTokens.create(name: "ops-admin", role: .admin, nowMs: now, store: f.store)
        let control = try ControlTokens.create(name: "ops", role: .control, nowMs: now, store: f.store)
        let read = try ControlTokens.create(name: "viewer", role: .read, nowMs: now, store: f.store)
        let expired = try ControlTokens.create(name: "old", role: .admin, expiresMs: now - 1, nowMs: now - 10, store: f.store)
        let revoked = try ControlTokens.create(name: "gone", role: .admin, nowMs: now, store: f.store)
        try ControlTokens.revoke(name: "gone", nowMs: now, store: f.store)
        #expect(try f.store.control.tokens().allSatisfy { $0.sha256.count == 64 && $0.sha256 != admin })
        let app = Application(router: buildRouter(f.context(ServiceMetrics(version: "test"), clock: { now }, limiter: FailureLimiter(limit: 1000))))
        let store = f.store
        let before = try Self.state(store)
        let setConfidence = ByteBuffer(string: #"{"key": "confidence", "value": 0.7, "reason": "test"}"#)
        try await app.test(.router) { client in
            // 401: none, wrong, expired, revoked.
            for (token, says) in [(nil, "needs a bearer token"), ("mlbot_" + String(repeating: "0", count: 64), "not one this service knows"),
                                  (expired, "old has expired"), (revoked, "gone was revoked")] as [(String?, String)] {
                try await client.execute(uri: "/control/settings", method: .post, headers: Self.headers(token), body: setConfidence) { r in
                    #expect(r.status == .unauthorized && String(buffer: r.body).contains(says), "\(String(buffer: r.body))")
                }
            }
            // 403: the read token on set; a control token loosening a limit.
            try await client.execute(uri: "/control/settings", method: .post, headers: Self.headers(read), body: setConfidence) { r in
                #expect(r.status == .forbidden && String(buffer: r.body).contains("needs control"), "\(String(buffer: r.body))")
            }
            try await client.execute(uri: "/control/settings", method: .post, headers: Self.headers(control),
                                     body: ByteBuffer(string: #"{"key": "max-drawdown", "value": "0.3"}"#)) { r in
                #expect(r.status == .forbidden && String(buffer: r.body).contains("loosens a risk limit"), "\(String(buffer: r.body))")
            }
            try await client.execute(uri: "/control/tokens", method: .get, headers: Self.headers(control)) { #expect($0.status == .forbidden) }
            // 400: out of range, malformed, unknown key, wrong scope, unknown command.
            for (body, says) in [(#"{"key": "confidence", "value": 1.5}"#, "confidence: 1.5 is out of range; allowed 0.5–0.99"),
                                 (#"{"key": "confidence", "#, "body: expected a JSON object"),
                                 (#"{"key": "leverage", "value": 3}"#, "key: unknown setting 'leverage'"),
                                 (#"{"key": "max-drawdown", "value": 0.1, "strategy": "e"}"#, "max-drawdown is global"),
                                 (#"{"key": "confidence", "value": 0.7, "strategy": "nope"}"#, "'nope' is not one this service trades"),
                                 (#"{"key": "confidence", "value": 0.7, "strategy": "e"}"#, "e is a rule strategy"),
                                 (#"{"key": "portfolio-method", "value": "magic"}"#, "expected one of equal | inverse-vol")] {
                try await client.execute(uri: "/control/settings", method: .post, headers: Self.headers(admin), body: ByteBuffer(string: body)) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains(says), "\(body) → \(String(buffer: r.body))")
                }
            }
            try await client.execute(uri: "/control/commands", method: .post, headers: Self.headers(control), body: ByteBuffer(string: #"{"command": "sell-everything"}"#)) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("unknown 'sell-everything'"))
            }
            #expect(try Self.state(store) == before, "a refused call changed something")

            // Allowed: a read token reads; control tightens; admin loosens; a dry run applies nothing.
            try await client.execute(uri: "/control/settings?key=confidence", method: .get, headers: Self.headers(read)) { r in
                #expect(r.status == .ok && String(buffer: r.body).contains(#""source":"default""#), "\(String(buffer: r.body))")
            }
            try await client.execute(uri: "/control/settings", method: .post, headers: Self.headers(control),
                                     body: ByteBuffer(string: #"{"key": "max-drawdown", "value": 0.1, "dry_run": true}"#)) { r in
                #expect(r.status == .ok && String(buffer: r.body).contains(#""old":"0.2""#) && String(buffer: r.body).contains(#""dry_run":true"#))
            }
            #expect(try store.control.changes().isEmpty)
            try await client.execute(uri: "/control/settings", method: .post, headers: Self.headers(control), body: setConfidence) { r in
                #expect(r.status == .ok && String(buffer: r.body).contains(#""version":2"#), "\(String(buffer: r.body))")
            }
            try await client.execute(uri: "/control/settings", method: .post, headers: Self.headers(control),
                                     body: ByteBuffer(string: #"{"key": "max-drawdown", "value": 0.1}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/control/settings", method: .post, headers: Self.headers(admin),
                                     body: ByteBuffer(string: #"{"key": "max-drawdown", "value": 0.25}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/control/settings?key=max-drawdown", method: .get, headers: Self.headers(read)) { r in
                let body = String(buffer: r.body)
                #expect(body.contains(#""value":"0.25""#) && body.contains(#""source":"stored""#) && body.contains(#""version":4"#), "\(body)")
            }
            try await client.execute(uri: "/control/history?limit=50", method: .get, headers: Self.headers(read)) { r in
                let body = String(buffer: r.body)
                #expect(body.contains(#""outcome":"unauthorized""#) && body.contains(#""outcome":"forbidden""#) && body.contains(#""outcome":"invalid""#))
                #expect(body.contains(#""key":"confidence","new_value":"0.7""#) && body.contains(#""token":"ops""#), "\(body.prefix(600))")
                #expect(!body.contains(admin) && !body.contains(control))
            }
        }
        let changes = try f.store.control.changes()
        #expect(changes.map(\.version) == [2, 3, 4] && changes.map(\.actor) == ["ops", "ops", "ops-admin"])
    }

    @Test func moreThanTenFailuresAMinuteFromOneAddressAre429ForAMinute() async throws {
        let f = try ServiceFixture("control-429", seed: 3, maxDrawdown: 0.2)
        let clock = Atomic<Int64>(1_800_000_000_000)
        let good = try ControlTokens.create(name: "ops", role: .control, nowMs: clock.load(ordering: .relaxed), store: f.store)
        let app = Application(router: buildRouter(f.context(ServiceMetrics(version: "test"), clock: { clock.load(ordering: .relaxed) })))
        try await app.test(.router) { client in
            for _ in 0..<11 {
                try await client.execute(uri: "/control/history", method: .get, headers: Self.headers("wrong-token-0123456789")) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/control/history", method: .get, headers: Self.headers(good)) { r in
                #expect(r.status == .tooManyRequests && String(buffer: r.body).contains("too many failed attempts"))
            }
            clock.add(61_000, ordering: .relaxed)
            try await client.execute(uri: "/control/history", method: .get, headers: Self.headers(good)) { #expect($0.status == .ok) }
        }
        #expect(try f.store.control.audit(limit: 100).contains { $0.outcome == "rate_limited" && $0.status == 429 })
    }

    @Test func aSettingAppliesFromTheNextBarAndSurvivesARestart() async throws {
        let f = try ServiceFixture("control-next-bar", seed: 5, maxDrawdown: 0.5)
        let service = f.service
        while let out = try service.step(), out.timeMs < service.session.startMs + 600_000 {}
        let lastBefore = service.state.lastTimeMs
        let now: Int64 = 1_800_000_000_000
        let r = try ControlActions.set(.init(key: "confidence", value: "0.7", reason: "test"), by: .init(token: "t", role: .control, source: "test"),
                                       base: EngineSettings(config: f.config), strategies: ["e"], nowMs: now, store: f.store)
        f.inbox.notify()
        #expect(r.applied && r.version == 2)
        #expect(try f.store.ledger.signals().filter { $0.timeMs <= lastBefore }.allSatisfy { $0.settingsVersion == 1 })
        for _ in 0..<30 { _ = try service.step() }
        let after = try f.store.ledger.signals().filter { $0.timeMs > lastBefore }
        // In force from the next bar (the lineage says so); "e" is a rule strategy, whose 0/½/1 keeps its own threshold.
        let own = try #require(try f.store.ledger.signals().first?.threshold)
        #expect(!after.isEmpty && after.allSatisfy { $0.threshold == own && $0.settingsVersion == 2 } && service.settings.confidence == 0.7)
        #expect(try f.store.control.changes()[0].appliedMs == lastBefore + 60_000)
        // A restart rebuilds through the same bars with the setting from the bar it applied at, and keeps it.
        let again = try f.restarted()
        #expect(again.settings.confidence == 0.7 && again.settings.version == 2 && again.state.risk == service.state.risk)
    }

    @Test func riskShowsTheLimitsInForceNotTheConfigFiles() async throws {
        let f = try ServiceFixture("control-risk-limits", seed: 5, maxDrawdown: 0.5)
        for _ in 0..<5 { _ = try f.service.step() }
        _ = try ControlActions.set(.init(key: "max-drawdown", value: "0.3"), by: .init(token: "t", role: .control, source: "test"),
                                   base: EngineSettings(config: f.config), strategies: ["e"], nowMs: 1_800_000_000_000, store: f.store)
        f.inbox.notify()
        let app = Application(router: buildRouter(f.context(ServiceMetrics(version: "test"))))
        func maxDrawdown() async throws -> Double? {
            let value = Mutex<Double?>(nil)
            try await app.test(.router) { client in
                try await client.execute(uri: "/risk", method: .get) { r in
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                    value.withLock { $0 = (body?["limits"] as? [String: Any])?["max_drawdown"] as? Double }
                }
            }
            return value.withLock { $0 }
        }
        #expect(try await maxDrawdown() == 0.5, "stored but not yet applied: the config's limit is still in force")
        while try f.service.step() != nil, try f.store.control.changes().first?.appliedMs == nil {}
        #expect(try await maxDrawdown() == 0.3)
    }
}
