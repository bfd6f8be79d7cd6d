import Backtest
import Discovery
import Engine
import Features
import Foundation
import Market
import MarketData
import Store
import TestSupport
import Testing

@Suite struct RuleStrategyTests {
    static let yaml = """
        name: ema-cross
        symbol: ETHUSDT
        interval: 1m
        feature_set: default
        signal: {rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}
        exit: {kind: opposite}
        sizing: {kind: fixed, fraction: 0.1}
        costs: {taker_fee: 0.00055, slippage_bps: 1, range_share: 0}
        """

    /// An EMA(10)/EMA(50) cross from a file, in both modes, against the same cycle fed the rule
    /// applied to the batch features: the streaming runtime must give the batch's orders exactly.
    @Test func anEMACrossTradesEveryCrossThroughTheCycle() throws {
        let dir = try Fixtures.temporaryDirectory()
        let store = try DataStore(path: dir.appendingPathComponent("t.sqlite").path)
        let c = SyntheticMarket.Config(symbols: try ["BTCUSDT", "ETHUSDT"].map(Symbol.init), interval: .oneMinute, start: 1_704_067_200_000, bars: 2 * 1440, seed: 9)
        _ = try SyntheticData.generate(c, into: store, policy: .keepExisting)
        let path = try Fixtures.write(Self.yaml, named: "ema.yaml", in: dir)
        let features = Fixtures.repositoryRoot.appendingPathComponent("features").path
        let config = MlbotConfig.builtIn()
        let catalog = try InstrumentCatalog.load(path: nil)
        let walk = try BacktestJob(target: .file(path), mode: .walkForward, featuresDirectory: features).run(store: store, config: config, catalog: catalog)
        let model = try BacktestJob(target: .file(path), mode: .model, featuresDirectory: features).run(store: store, config: config, catalog: catalog)
        #expect(walk.backtest.orders == model.backtest.orders && walk.strategies[0].model == nil)

        // The same rule over the batch features, as recorded probabilities.
        let file = try StrategyFile.load(path: path, featuresDirectory: features)
        let data = try StrategyData.load(store, symbol: file.symbol, interval: file.interval, set: file.definition.set, from: nil, to: nil)
        let frame = FeaturePipeline(file.definition.set).compute(FeatureInput(data.series, reference: data.reference))
        let ratio = try #require(frame.column("ema_ratio_10_50"))
        let rule = try #require(file.definition.rule)
        let runtime = try StrategyRuntime(name: "ema-cross", symbol: file.symbol, interval: file.interval, set: nil, inputs: [], rules: file.definition.rules,
                                          execution: file.definition.execution,
                                          source: .recorded(times: data.series.openTime, probabilities: ratio.map(rule.probability)),
                                          tradeFromMs: data.series.openTime[0])
        let batch = PreparedStrategy(name: "ema-cross", symbol: file.symbol, interval: file.interval, definition: file.definition, runtime: runtime,
                                     series: data.series, reference: data.reference, tradeFromMs: data.series.openTime[0], evaluation: nil, model: nil)
        let reference = try StrategyBacktest.run([batch], catalog: catalog, config: config, settings: EngineSettings(risk: config.risk))
        #expect(walk.backtest.orders == reference.orders && walk.backtest.fills == reference.fills)

        // Every order after the first flips the position at a cross: the sign of the ratio changed at its decision bar.
        let orders = walk.backtest.orders
        #expect(orders.count > 20, "\(orders.count) orders")
        let index = Dictionary(uniqueKeysWithValues: data.series.openTime.enumerated().map { ($1, $0) })
        for o in orders.dropFirst() {
            let t = try #require(index[o.decidedAtMs])
            #expect((ratio[t] > 0) != (ratio[t - 1] > 0), "order at \(UTCTime.iso(o.decidedAtMs)) without a cross")
        }
    }
}
