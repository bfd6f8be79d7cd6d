import Backtest
import Engine
import Foundation
import GRDB
import Market
import Store
import TestSupport
import Testing

@Suite struct OutcomeStoreTests {
    /// Each bar's outcome in one transaction: the stored fills reconcile with the stored cash and
    /// positions exactly, and a client order id can be stored once only.
    @Test func aBacktestStoredBarByBarReconciles() throws {
        let dir = try Fixtures.temporaryDirectory()
        let store = try DataStore(path: dir.appendingPathComponent("l.sqlite").path)
        let s = walk("XUSDT", bars: 600, seed: 4)
        let p = (0..<s.count).map { t in (t / 25) % 2 == 0 ? 0.8 : 0.2 }
        let rules = SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.3), longShort: true)
        var st = try state([grid("XUSDT")], [try recorded("a", on: s, p: p, rules: rules), try recorded("b", on: s, p: p.map { 1 - $0 }, rules: SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.1), longShort: true))])
        var writeError: Error?
        let b = BacktestDriver.run(&st, series: [s], settings: EngineSettings(risk: looseLimits())) { out, state in
            do { try store.ledger.write { db in try OutcomeRecorder.record(out, state: state, settingsVersion: 1, db) } } catch { writeError = error }
        }
        #expect(writeError == nil, "\(String(describing: writeError))")
        let orders = try store.ledger.orders(), fills = try store.ledger.fills()
        #expect(orders.count == b.orders.count && fills.count == b.fills.count && !fills.isEmpty)
        #expect(orders.allSatisfy { $0.status == "filled" } || orders.last?.status == "open")
        var cash = Decimal(10_000), position = Decimal(0)
        for f in fills {
            let q = Decimal(string: f.quantity)!, price = Decimal(string: f.price)!, fee = Decimal(string: f.fee)!
            cash -= (f.side == "Buy" ? q : -q) * price + fee
            position += f.side == "Buy" ? q : -q
        }
        let account = try store.ledger.positions(account: "")
        #expect(Decimal(string: account[0].cash) == cash && Decimal(string: account[0].quantity) == position)
        #expect(try store.ledger.equity().count == s.count && store.ledger.cursor("paper")?.lastBarMs == s.openTime.last)
        #expect(try store.ledger.signals().count == 2 * s.count)

        // The same order again (a retried bar) is refused, and the refused transaction leaves nothing behind.
        let before = try store.ledger.equity().count
        #expect(throws: DatabaseError.self) {
            try store.ledger.write { db in
                try LedgerRepository.insert(EquityRow(timeMs: 1, equity: 1, cash: "1", trading: "ACTIVE"), db)
                try LedgerRepository.insert(orders[0], db)
            }
        }
        #expect(try store.ledger.equity().count == before)
    }
}
