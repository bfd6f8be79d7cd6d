import Control
import Engine
import Foundation
import Market
import Risk
import Store
import Testing

/// pause, resume, halt, flatten and strategy disable through the store, applied by the service at
/// the next bar, and rebuilt exactly by a restart.
@Suite struct OperatorCommandTests {
    static let operatorActor = ControlActions.Actor(token: "ops", role: .control, source: "test")

    static func send(_ f: ServiceFixture, _ name: String, strategy: String? = nil) throws -> ControlActions.CommandResult {
        let s = f.service.state
        let holding = s.ledger.positions.contains { $0.quantity != 0 }
        let r = try ControlActions.command(name, strategy: strategy, reason: "test", by: operatorActor, trading: s.risk.trading, cause: s.risk.cause?.rawValue,
                                           holdingPositions: holding, base: EngineSettings(config: f.config), strategies: ["e"], nowMs: 1, store: f.store)
        f.inbox.notify()
        return r
    }

    /// Steps until a bar-time sends an order (which then waits for the next open).
    static func stepUntilAnOrder(_ service: PaperService) throws -> CycleOutcome {
        while let out = try service.step() { if out.timeMs >= service.session.startMs && !out.orders.isEmpty { return out } }
        Issue.record("no order in the fixture's bars")
        throw Failure(.internal, "no order")
    }

    @Test func haltCancelsTheOpenOrdersAndStopsNewOnesUntilResumed() throws {
        let f = try ServiceFixture("cmd-halt", seed: 5, maxDrawdown: 0.5)
        let decided = try Self.stepUntilAnOrder(f.service)
        #expect(try Self.send(f, "halt").changed)
        #expect(try !Self.send(f, "halt").changed, "a second halt while one waits changes nothing")
        let next = try #require(try f.service.step())
        #expect(next.cancelled.map(\.id) == decided.orders.map(\.id) && next.fills.isEmpty && next.trading == .halted)
        #expect(next.riskEvents.contains { $0.kind == .stateChange && $0.finding.rule == .operatorHalt })
        let ids = decided.orders.map(\.id.value)
        let stored = try f.store.ledger.orders().filter { ids.contains($0.clientOrderId) }
        #expect(!stored.isEmpty && stored.allSatisfy { $0.status == "cancelled" })
        #expect(try !Self.send(f, "halt").changed, "halted already")
        for _ in 0..<200 { let out = try #require(try f.service.step()); #expect(out.orders.isEmpty && out.fills.isEmpty) }
        #expect(try Self.send(f, "resume").changed)
        _ = try f.service.step()
        #expect(f.service.state.risk.trading == .active)
        let restarted = try f.restarted()
        #expect(restarted.state.risk == f.service.state.risk && restarted.state.ledger.positions == f.service.state.ledger.positions)
    }

    @Test func flattenClosesEveryPositionThroughTheRiskManagerThenOnlyExits() throws {
        let f = try ServiceFixture("cmd-flatten", seed: 5, maxDrawdown: 0.5)
        _ = try Self.stepUntilAnOrder(f.service)
        _ = try f.service.step()   // the order fills: a position is open
        #expect(f.service.state.ledger.positions.contains { $0.quantity != 0 })
        #expect(try Self.send(f, "flatten").changed)
        let closing = try #require(try f.service.step())
        #expect(!closing.orders.isEmpty && closing.orders.allSatisfy { $0.reduceOnly } && closing.trading == .reducing)
        // The closing orders have lineage like any other.
        let rows = try f.store.ledger.orders().filter { closing.orders.map(\.id.value).contains($0.clientOrderId) }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.barsHash != nil && $0.settingsVersion != nil })
        _ = try f.service.step()
        #expect(f.service.state.ledger.positions.allSatisfy { $0.quantity == 0 })
        for _ in 0..<200 { _ = try f.service.step() }
        #expect(f.service.state.ledger.positions.allSatisfy { $0.quantity == 0 }, "REDUCING after a flatten: nothing reopens")
        #expect(try !Self.send(f, "flatten").changed, "already flat")
        _ = try f.restarted()
    }

    @Test func pauseLetsExitsThroughAndADisabledStrategyOpensNothing() throws {
        let f = try ServiceFixture("cmd-pause", seed: 5, maxDrawdown: 0.5)
        #expect(try Self.send(f, "pause").changed)
        var entries = 0
        for _ in 0..<400 {
            guard let out = try f.service.step() else { break }
            entries += out.orders.filter { !$0.reduceOnly }.count
        }
        #expect(entries == 0 && f.service.state.risk.trading == .reducing && f.service.state.risk.cause == .operatorPause)
        let events = try f.store.ledger.riskEvents()
        #expect(events.contains { $0.rule == "reducing_only" })
        #expect(try Self.send(f, "resume").changed)
        #expect(try Self.send(f, "strategy-disable", strategy: "e").changed)
        for _ in 0..<400 {
            guard let out = try f.service.step() else { break }
            #expect(out.orders.allSatisfy { $0.reduceOnly }, "a disabled strategy opened a position")
        }
        #expect(f.service.state.risk.trading == .active && f.service.settings.disabled == ["e"])
        let again = try f.restarted()
        #expect(again.settings.disabled == ["e"] && again.state.risk == f.service.state.risk)
    }
}
