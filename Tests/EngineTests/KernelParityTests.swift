import Backtest
import Discovery
import Engine
import Foundation
import Market
import MarketData
import Store
import TestSupport
import Testing

/// Discovery ranks candidates with its fast kernel (`StrategyEvaluator.trade` → `Backtester`)
/// and stores the figures of the top K from `BarCycle`. The kernel is only fit for that if it
/// trades like the cycle: with no risk rule binding, the same positions open and close on the
/// same bars, on the same side, at the same fill prices (to the tick the broker rounds to). The
/// probabilities here are a rule's over the batch features (as discovery's kernel sees them);
/// the kernel's trade stage does not care whether a model or a rule produced them.
@Suite struct KernelParityTests {
    static func file(exit: String) -> String {
        """
        name: parity
        symbol: ETHUSDT
        interval: 1m
        feature_set: default
        horizon: 15
        signal: {rule: above, feature: rsi_14, level: 50, long_short: true}
        exit: \(exit)
        sizing: {kind: fixed, fraction: 0.1}
        costs: {taker_fee: 0.00055, slippage_bps: 1, range_share: 0}
        """
    }

    @Test(arguments: ["{kind: hold}", "{kind: opposite}", "{kind: atr, take_profit: 2, stop_loss: 1}"])
    func theSearchKernelOpensAndClosesWhereTheCycleDoes(exit: String) throws {
        let dir = try Fixtures.temporaryDirectory()
        let store = try DataStore(path: dir.appendingPathComponent("t.sqlite").path)
        var c = SyntheticMarket.Config(symbols: try ["BTCUSDT", "ETHUSDT"].map(Symbol.init), interval: .oneMinute, start: 1_704_067_200_000, bars: 2 * 1440, seed: 21)
        c.correlation = 0.6
        _ = try SyntheticData.generate(c, into: store, policy: .keepExisting)
        let f = try StrategyFile.parse(yaml: Self.file(exit: exit), file: "parity.yaml",
                                       featuresDirectory: Fixtures.repositoryRoot.appendingPathComponent("features").path)
        let data = try StrategyData.load(store, symbol: f.symbol, interval: f.interval, set: f.definition.set, from: nil, to: nil)
        let p = try StrategyBacktest.walkForward(name: "parity", definition: f.definition, data: data)
        let kernel = try #require(p.evaluation).backtest.trades
        let cycle = try StrategyBacktest.run([p], catalog: try InstrumentCatalog.load(path: nil), config: MlbotConfig.builtIn(),
                                             settings: EngineSettings(risk: looseLimits())).result.trades
        #expect(kernel.count > 20, "\(kernel.count) trades")
        #expect(kernel.count == cycle.count, "kernel \(kernel.count) trades, cycle \(cycle.count)")
        for (k, e) in zip(kernel, cycle) {
            #expect(k.side == e.side && k.entryTime == e.entryTime && k.exitTime == e.exitTime,
                    "kernel \(k.side) \(UTCTime.iso(k.entryTime))…\(k.exitTime.map(UTCTime.iso) ?? "open"), cycle \(e.side) \(UTCTime.iso(e.entryTime))…\(e.exitTime.map(UTCTime.iso) ?? "open")")
            #expect(abs(k.entryPrice - e.entryPrice) <= 0.01 && abs((k.exitPrice ?? 0) - (e.exitPrice ?? 0)) <= 0.01)
        }
    }
}
