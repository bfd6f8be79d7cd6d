import Backtest
import Engine
import Foundation
import Market
import NumericKit
import Risk
import Testing

@Suite struct LedgerPropertyTests {
    /// 300 seeded random runs (one to four strategies over one to three symbols, shorts, shared
    /// symbols, random probabilities): every bar the account reconciles exactly with its fills.
    @Test func theLedgerReconcilesWithTheFillsEveryBar() throws {
        var failures: [String] = []
        var totalFills = 0
        for run in 0..<300 {
            var rng = SeededRNG(seed: UInt64(1000 + run))
            let symbols = 1 + Int(rng.uniform() * 3)
            let grids = (0..<symbols).map { i in
                [grid("A\(i)USDT", tick: "0.01", step: "0.001", minQty: "0.001"), grid("A\(i)USDT", tick: "0.05", step: "0.1", minQty: "0.1", minNotional: 5)][run % 2]
            }
            let series = (0..<symbols).map { walk(grids[$0].symbol.name, bars: 120, seed: UInt64(run * 7 + $0), start: 20 + 30 * Double($0)) }
            let count = 1 + Int(rng.uniform() * 4)
            let exits: [SignalRules.Exit] = [.hold(bars: 5), .opposite, .atr(takeProfit: 1.5, stopLoss: 1, bars: 20)]
            let strategies = try (0..<count).map { k -> StrategyRuntime in
                let s = series[k % symbols]
                let p = (0..<s.count).map { _ in 0.5 + 0.25 * rng.normal() }
                let rules = SignalRules(threshold: 0.55 + 0.1 * rng.uniform(), exit: exits[k % 3], sizing: .fixed(fraction: 0.2 + 0.6 * rng.uniform()),
                                        longShort: k % 2 == 0, atrPeriod: 5, volatilityPeriod: 10)
                return try recorded("s\(k)", on: s, p: p, rules: rules, execution: ExecutionModel(takerFee: 0.0006, slippageBps: 2, allowShort: true))
            }
            var st = try state(grids, strategies, execution: ExecutionModel(takerFee: 0.0006, slippageBps: 2, allowShort: true),
                               method: run % 3 == 0 ? .inverseVolatility : .equal)
            var filledSteps = [Int64](repeating: 0, count: symbols)
            var flows: Decimal = 0, fees: Decimal = 0
            _ = BacktestDriver.run(&st, series: series, settings: EngineSettings(risk: looseLimits())) { out, s in
                totalFills += out.fills.count
                for f in out.fills {
                    let i = grids.firstIndex { $0.symbol == f.symbol }!
                    let steps = Int64(truncating: NSDecimalNumber(decimal: f.quantity / grids[i].quantityStep))
                    filledSteps[i] += f.side == .buy ? steps : -steps
                    flows += (f.side == .buy ? f.quantity : -f.quantity) * f.price
                    fees += f.fee
                    // Every price and quantity is on the grid.
                    let ticks = f.price / grids[i].tickSize
                    if ticks.rounded(scale: 0) != ticks { failures.append("run \(run): fill price \(f.price) off the tick grid") }
                }
                if s.ledger.steps != filledSteps { failures.append("run \(run) t \(out.timeMs): positions \(s.ledger.steps) ≠ Σ fills \(filledSteps)") }
                if s.ledger.cash != s.ledger.initialCash - flows - fees { failures.append("run \(run) t \(out.timeMs): cash \(s.ledger.cash) ≠ initial − flows − fees") }
                var marked = s.ledger.cash.doubleValue
                for i in 0..<symbols { marked += Double(s.ledger.steps[i]) * grids[i].step * s.lastClose[i] }
                if abs(marked - out.equity) > 1e-9 * max(1, abs(marked)) { failures.append("run \(run): equity \(out.equity) ≠ cash + Σ q × close \(marked)") }
                // Each symbol's strategies hold the account's position between them.
                for i in 0..<symbols {
                    let held = s.strategies.indices.filter { s.instrumentIndex(ofStrategy: $0) == i }.reduce(Int64(0)) { $0 + s.books[$1].steps }
                    if held != s.ledger.steps[i] { failures.append("run \(run): strategies hold \(held) of symbol \(i), the account \(s.ledger.steps[i])") }
                }
                let books = s.books.reduce(Decimal(0)) { $0 + $1.cash }
                if books != s.ledger.cash - s.ledger.initialCash { failures.append("run \(run): sub-ledger cash \(books) ≠ account flows") }
            }
            if failures.count > 5 { break }
        }
        #expect(failures.count == 0, "\(failures.prefix(5))")
        #expect(totalFills > 3_000, "the runs must trade: \(totalFills) fills")
    }
}
