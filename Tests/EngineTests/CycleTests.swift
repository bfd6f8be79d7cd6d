import Backtest
import ConfigFormat
import Engine
import Foundation
import Market
import Risk
import Testing

@Suite struct CycleTests {
    static func bar(_ t: Int64, _ o: Double, _ h: Double, _ l: Double, _ c: Double) -> Bar {
        Bar(openTime: t * 60_000, open: o, high: h, low: l, close: c, volume: 1)
    }

    /// Worked by hand: tick 0.5, step 0.01, fee 0.1 %, slippage 10 bp.
    @Test func quantityFixedAtTheDecisionAndFilledAtTheNextOpen() throws {
        var s = BarSeries(symbol: try Symbol("XUSDT"), interval: try Interval("1m"))
        s.append(Self.bar(0, 100, 101, 99, 100))      // decide: target 0.5 → 0.5 × 10,000 / 100 = 50 units
        s.append(Self.bar(1, 110, 112, 108, 111))     // fills at 110 + 0.11 slippage = 110.11 → ceil to tick 110.5
        s.append(Self.bar(2, 111, 111, 111, 111))
        let rules = SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.5))
        let exec = ExecutionModel(takerFee: 0.001, slippageBps: 10)
        let g = grid("XUSDT", tick: "0.5", step: "0.01", minQty: "0.01")
        var st = try state([g], [try recorded("hand", on: s, p: [0.7, 0.7, 0.7], rules: rules, execution: exec)], execution: exec)
        var out = CycleOutcome()
        BarCycle.step(&st, time: 0, bars: [s[0]], settings: EngineSettings(risk: looseLimits()), into: &out)
        #expect(out.orders.count == 1 && out.fills.isEmpty)
        let order = out.orders[0]
        #expect(order.quantity == Decimal(50) && order.side == .buy && order.decidedAtMs == 0)
        #expect(order.id.value == "hand-0-0")
        BarCycle.step(&st, time: 60_000, bars: [s[1]], settings: EngineSettings(risk: looseLimits()), into: &out)
        #expect(out.orders.isEmpty && out.fills.count == 1)
        let f = out.fills[0]
        // The quantity decided at 100 is kept although the price moved 10 %.
        #expect(f.quantity == 50 && f.price == Decimal(string: "110.5")! && f.timeMs == 60_000)
        #expect(f.fee == Decimal(string: "5.525")!)                  // 50 × 110.5 × 0.001
        #expect(st.ledger.cash == Decimal(string: "4469.475")!)      // 10,000 − 5,525 − 5.525
        #expect(abs(out.equity - (4469.475 + 50 * 111)) < 1e-9)
        #expect(st.ledger.positions[0].averagePrice == Decimal(string: "110.5")!)
    }

    @Test func aSellFillRoundsDownAndStaysInsideTheBar() throws {
        var s = BarSeries(symbol: try Symbol("XUSDT"), interval: try Interval("1m"))
        s.append(Self.bar(0, 100, 101, 99, 100))
        s.append(Self.bar(1, 100.2, 100.2, 100.2, 100.2))   // slippage would go below the low: the fill is the low, on the grid
        let rules = SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.5), longShort: true)
        let exec = ExecutionModel(takerFee: 0, slippageBps: 50, allowShort: true)
        var st = try state([grid("XUSDT", tick: "0.1", step: "1", minQty: "1")], [try recorded("short", on: s, p: [0.2, 0.2], rules: rules, execution: exec)],
                           execution: exec)
        var out = CycleOutcome()
        BarCycle.step(&st, time: 0, bars: [s[0]], settings: EngineSettings(risk: looseLimits()), into: &out)
        BarCycle.step(&st, time: 60_000, bars: [s[1]], settings: EngineSettings(risk: looseLimits()), into: &out)
        #expect(out.fills.first?.side == .sell && out.fills.first?.price == Decimal(string: "100.2")! && out.fills.first?.quantity == 50)
        #expect(st.ledger.steps[0] == -50)
    }

    @Test func anOrderUnderTheMinimumsIsNotSentAndIsRecorded() throws {
        var s = BarSeries(symbol: try Symbol("XUSDT"), interval: try Interval("1m"))
        s.append(Self.bar(0, 100, 101, 99, 100))
        s.append(Self.bar(1, 100, 101, 99, 100))
        // 0.0004 × 10,000 / 100 = 0.04 units: under the minimum quantity 0.05.
        let tiny = SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.0004))
        var st = try state([grid("XUSDT", step: "0.01", minQty: "0.05")], [try recorded("tiny", on: s, p: [0.7, 0.7], rules: tiny)])
        var out = CycleOutcome()
        BarCycle.step(&st, time: 0, bars: [s[0]], settings: EngineSettings(risk: looseLimits()), into: &out)
        #expect(out.orders.isEmpty && out.skipped.count == 1 && out.intents.first?.decision == .belowMinimum)
        #expect(out.skipped[0].reason.contains("under the minimum 0.05"), "\(out.skipped[0].reason)")
        // Under the minimum notional (0.1 × 10,000 = 1,000 < 5,000).
        let small = SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.1))
        var st2 = try state([grid("XUSDT", step: "0.01", minQty: "0.01", minNotional: 5_000)], [try recorded("small", on: s, p: [0.7, 0.7], rules: small)])
        BarCycle.step(&st2, time: 0, bars: [s[0]], settings: EngineSettings(risk: looseLimits()), into: &out)
        #expect(out.orders.isEmpty && out.skipped.first?.reason.contains("notional") == true)
        BarCycle.step(&st2, time: 60_000, bars: [s[1]], settings: EngineSettings(risk: looseLimits()), into: &out)
        #expect(out.fills.isEmpty && st2.ledger.steps[0] == 0, "a refused entry is not retried every bar")
    }

    @Test func oppositeStrategiesOnOneSymbolSendOnlyTheNetOrder() throws {
        let s = walk("XUSDT", bars: 400, seed: 3)
        let n = s.count
        let long = SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.6), longShort: true)
        let short = SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.2), longShort: true)
        var pa = [Double](repeating: 0.7, count: n), pb = [Double](repeating: 0.3, count: n)
        for t in 200..<n { pa[t] = .nan; pb[t] = .nan }   // no signal from bar 200: both close
        var st = try state([grid("XUSDT")], [try recorded("a", on: s, p: pa, rules: long), try recorded("b", on: s, p: pb, rules: short)])
        let b = BacktestDriver.run(&st, series: [s], settings: EngineSettings(risk: looseLimits()))
        // a wants +0.5 × 0.6 × equity, b −0.5 × 0.2 × equity: one buy of the difference, one sell to close.
        #expect(b.orders.count == 2 && b.orders[0].side == .buy && b.orders[0].id.value.hasPrefix("net_XUSDT-"))
        let g = grid("XUSDT"), units = 10_000.0 / s.close[0]
        let net = g.steps(towardZero: 0.5 * 0.6 * units) + g.steps(towardZero: -0.5 * 0.2 * units)
        #expect(b.orders[0].quantity == g.quantity(steps: net), "\(b.orders[0].quantity)")
        #expect(b.orders[1].side == .sell && b.orders[1].quantity == g.quantity(steps: net))
        #expect(st.ledger.steps[0] == 0)
        let account = st.ledger.cash - st.ledger.initialCash
        let parts = st.books.reduce(Decimal(0)) { $0 + $1.cash }
        #expect(parts == account, "the sub-ledgers' P&L add up to the account's exactly")
        #expect(st.books.allSatisfy { $0.steps == 0 })
    }
}
