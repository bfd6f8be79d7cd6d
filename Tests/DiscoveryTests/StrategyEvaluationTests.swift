import Backtest
import Discovery
import Features
import Foundation
import Learning
import Market
import NumericKit
import Testing

/// Bars whose log returns follow r[t] = φ·r[t−1] + noise: an edge computable from the past.
func autoregressive(_ n: Int, phi: Double, seed: UInt64) -> BarSeries {
    var rng = SeededRNG(seed: seed)
    var bars: [Bar] = [], price = 100.0, r = 0.0
    for i in 0..<n {
        r = phi * r + 0.002 * rng.normal()
        let open = price
        price *= exp(r)
        bars.append(Bar(openTime: 1_704_067_200_000 + Int64(i) * 3_600_000, open: open, high: max(open, price) * 1.0005,
                        low: min(open, price) * 0.9995, close: price, volume: 1))
    }
    return BarSeries(symbol: try! Symbol("AR"), interval: .oneHour, bars: bars)
}

func definition() -> StrategyDefinition {
    let set = FeatureSet(name: "ret", reference: nil, indicators: [LogReturn(period: 1), LogReturn(period: 2)],
                         label: .direction(horizon: 1, deadZone: 0, dropFlat: false))
    return StrategyDefinition(set: set, model: .logistic(lambda: 1, classWeights: .none), cv: WalkForward(folds: 4),
                              calibration: .platt, rules: SignalRules(threshold: 0.55, exit: .hold(bars: 1), longShort: true),
                              execution: ExecutionModel(takerFee: 0, slippageBps: 0, allowShort: true))
}

@Suite struct StrategyEvaluationTests {
    @Test func aRealPastComputableEdgeIsFoundOutOfSample() throws {
        let e = try StrategyEvaluator.evaluate(definition(), series: autoregressive(6000, phi: 0.3, seed: 1))
        #expect(e.firstRow > 1000)                     // the first walk-forward block is never traded
        #expect(e.backtest.metrics.sharpe > 3 && e.psr > 0.99, "Sharpe \(e.backtest.metrics.sharpe), PSR \(e.psr)")
        #expect(e.training!.overall.auc > 0.55)
    }

    @Test func noEdgeMeansNothingSignificant() throws {
        var psrs: [Double] = []
        for seed: UInt64 in 1...4 {
            let e = try StrategyEvaluator.evaluate(definition(), series: autoregressive(6000, phi: 0, seed: seed))
            psrs.append(e.psr)
        }
        #expect(psrs.filter { $0 > 0.95 }.count <= 1, "\(psrs)")
        // Costs never help, and hurt whenever there is a trade.
        var costly = definition()
        costly.execution = ExecutionModel(takerFee: 0.00055, slippageBps: 1, allowShort: true)
        for seed: UInt64 in [9, 10] {
            let bars = autoregressive(6000, phi: seed == 9 ? 0 : 0.3, seed: seed)
            let free = try StrategyEvaluator.evaluate(definition(), series: bars).backtest
            let paid = try StrategyEvaluator.evaluate(costly, series: bars).backtest
            #expect(paid.metrics.totalReturn <= free.metrics.totalReturn)
            if free.metrics.trades > 0 { #expect(paid.metrics.totalReturn < free.metrics.totalReturn && paid.metrics.fees > 0) }
        }
    }
}
