import Foundation
import GRDB
import Market
import Risk
import Store

/// Writes one bar-time's outcome into the engine's tables inside the caller's transaction:
/// orders, fills, the positions they changed (account and strategies), intents, signals, risk
/// events, equity and the cursor. The service calls it once per bar in one `ledger.write`.
public enum OutcomeRecorder {
    /// `cursorState` is what the cursor row keeps for a restart (default: the risk state).
    /// `barsHash` (per instrument, the service's bar chains) puts lineage on the signal and order rows.
    public static func record(_ out: CycleOutcome, state s: EngineState, settingsVersion: Int, engine: String = "paper", cursorState: String? = nil,
                              barsHash: [String]? = nil, _ db: Database) throws {
        for o in out.orders {
            let parts = (s.contributions[o.id] ?? []).map { Contribution(strategy: s.strategies[$0.strategy].name, steps: $0.steps) }
            try LedgerRepository.insert(OrderRow(clientOrderId: o.id.value, symbol: o.symbol.name, side: o.side == .buy ? "Buy" : "Sell",
                                                 quantity: o.quantity.exact, decidedMs: o.decidedAtMs, reduceOnly: o.reduceOnly, status: "open",
                                                 contributions: try StoredJSON.encode(parts),
                                                 barsHash: barsHash.flatMap { h in s.names.firstIndex(of: o.symbol.name).map { h[$0] } },
                                                 settingsVersion: barsHash == nil ? nil : settingsVersion), db)
        }
        for o in out.cancelled { try LedgerRepository.markCancelled(o.id.value, db) }
        var touched = Set<Int>()
        for f in out.fills {
            try LedgerRepository.insert(FillRow(clientOrderId: f.orderID.value, seq: 0, symbol: f.symbol.name, side: f.side == .buy ? "Buy" : "Sell",
                                                quantity: f.quantity.exact, price: f.price.exact, fee: f.feeAmount.exact, timeMs: f.timeMs), db)
            if let i = s.names.firstIndex(of: f.symbol.name) { touched.insert(i) }
        }
        for i in touched.sorted() {
            let p = s.ledger.positions[i]
            try LedgerRepository.save(PositionRow(account: "", symbol: p.symbol.name, quantity: p.quantity.exact, averagePrice: p.averagePrice.exact,
                                                  realizedPnl: p.realized.exact, cash: s.ledger.money.exact, fees: s.ledger.feesPaid.exact), db)
            for k in s.strategies.indices where s.instrumentIndex(ofStrategy: k) == i {
                let b = s.books[k]
                try LedgerRepository.save(PositionRow(account: s.strategies[k].name, symbol: p.symbol.name,
                                                      quantity: s.instruments[i].quantity(steps: b.steps).exact, averagePrice: "",
                                                      realizedPnl: "", cash: b.cash.exact, fees: b.fees.exact), db)
            }
        }
        for i in out.intents {
            let grid = s.instruments[i.instrument]
            try LedgerRepository.insert(IntentRow(timeMs: out.timeMs, symbol: grid.symbol.name, requestedQuantity: grid.quantity(steps: i.requestedSteps).exact,
                                                  approvedQuantity: grid.quantity(steps: i.approvedSteps).exact, decision: i.decision.rawValue), db)
        }
        for sig in out.signals {
            try LedgerRepository.insert(SignalRow(strategy: s.strategies[sig.strategy].name, timeMs: out.timeMs,
                                                  probability: sig.probability.isNaN ? nil : sig.probability, threshold: sig.threshold, target: sig.target,
                                                  barsHash: barsHash.map { $0[s.instrumentIndex(ofStrategy: sig.strategy)] },
                                                  settingsVersion: barsHash == nil ? nil : settingsVersion), db)
        }
        for e in out.riskEvents {
            try LedgerRepository.insert(RiskEventRow(timeMs: e.timeMs, kind: e.kind.rawValue, rule: e.finding.rule.rawValue, fromState: e.from?.rawValue,
                                                     toState: e.to?.rawValue, figures: try StoredJSON.encode(e.finding.figures), message: e.finding.message), db)
        }
        try LedgerRepository.insert(EquityRow(timeMs: out.timeMs, equity: out.equity, cash: s.ledger.money.exact, trading: out.trading.rawValue), db)
        let state = try cursorState ?? StoredJSON.encode(s.risk)
        try LedgerRepository.save(CursorRow(engine: engine, lastBarMs: out.timeMs, settingsVersion: settingsVersion, state: state, updatedMs: out.timeMs), db)
    }

    /// A strategy's share of an order, as stored with it.
    struct Contribution: Encodable {
        let strategy: String
        let steps: Int64
    }
}
