import ConfigFormat
import Discovery
import Engine
import Features
import Foundation
import Learning
import Market
import MarketData
import Store
import TestSupport
import Testing

@Suite(.serialized) struct ModelModeTests {
    static let strategyYAML = """
        name: m1
        symbol: ETHUSDT
        interval: 1m
        feature_set: default
        horizon: 15
        model: {kind: logistic, l2: 1.0}
        cv: {folds: 3, mode: expanding, embargo: 0}
        calibration: platt
        signal: {threshold: 0.502, long_short: true}
        exit: {kind: hold}
        sizing: {kind: fixed, fraction: 0.1}
        costs: {taker_fee: 0.00055, slippage_bps: 1, range_share: 0}
        """

    /// 4 days of BTC and ETH bars; model m1 trained on the first 3 days and registered.
    static func fixture(features: String = Fixtures.repositoryRoot.appendingPathComponent("features").path) throws -> (DataStore, StrategyFile, URL) {
        let dir = try Fixtures.temporaryDirectory()
        let store = try DataStore(path: dir.appendingPathComponent("t.sqlite").path)
        var c = SyntheticMarket.Config(symbols: try ["BTCUSDT", "ETHUSDT"].map(Symbol.init), interval: .oneMinute,
                                       start: 1_704_067_200_000, bars: 4 * 1440, seed: 5)
        c.correlation = 0.6
        _ = try SyntheticData.generate(c, into: store, policy: .keepExisting)
        let file = try StrategyFile.parse(yaml: strategyYAML, file: "m1.yaml", featuresDirectory: features)
        let d = file.definition
        let job = TrainingJob(set: d.set, symbol: file.symbol, interval: file.interval, spec: d.model, cv: d.cv, calibration: d.calibration,
                              to: 1_704_067_200_000 + 3 * 86_400_000 - 60_000, name: "m1", seed: 42,
                              modelsDirectory: dir.appendingPathComponent("models").path, promote: true)
        _ = try job.run(store: store)
        return (store, file, dir)
    }

    @Test func theRegisteredModelRunsFixedAfterItsTrainingRange() throws {
        let (store, file, _) = try Self.fixture()
        let data = try StrategyData.load(store, symbol: file.symbol, interval: file.interval, set: file.definition.set, from: nil, to: nil)
        let config = MlbotConfig.builtIn()
        // A model of a market without an edge sits near 0.5: the confidence override (the
        // control center's setting) puts the threshold where this one crosses it often.
        let (_, trained) = try ModelArtifact.load(URL(fileURLWithPath: try store.models.entry("m1").path))
        let batchFrame = FeaturePipeline(file.definition.set).compute(FeatureInput(data.series, reference: data.reference))
        let lastDay = Array((data.series.count - 1440)..<data.series.count)
        let lastP = try trained.probabilities(batchFrame.matrix.gatherRows(lastDay)).sorted()
        let median = lastP[lastP.count / 2], threshold = median < 0.5 ? 1 - median : median
        let settings = EngineSettings(strategyConfidence: ["m1": threshold], risk: config.risk)
        func prepare() throws -> PreparedStrategy {
            try StrategyBacktest.model(name: "m1", file: file, modelName: "m1", store: store, series: data.series, reference: data.reference, from: nil)
        }
        let p = try prepare()
        let manifest = try ModelArtifact.load(URL(fileURLWithPath: try store.models.entry("m1").path)).0
        // The last training sample's label reads 15 bars past it: trading starts after those.
        #expect(p.tradeFromMs == manifest.data.lastMs + 16 * 60_000)
        let first = try StrategyBacktest.run([p], catalog: InstrumentCatalog(), config: config, settings: settings)
        let again = try StrategyBacktest.run([try prepare()], catalog: InstrumentCatalog(), config: config, settings: settings)
        #expect(first.orders.count > 5, "the case must trade: \(first.orders.count) orders")
        #expect(first.orders == again.orders && first.fills == again.fills, "the same orders when run twice")
        #expect(first.orders.allSatisfy { $0.decidedAtMs >= p.tradeFromMs })
        #expect(first.result.time.first == p.tradeFromMs)

        // Stepping the bar cycle by hand from the same starting state gives the same orders.
        let q = try prepare()
        let instruments = [Instrument.standard(file.symbol), Instrument.standard(try Symbol("BTCUSDT"))]
        var st = try EngineState(instruments: instruments, strategies: [q.runtime],
                                 broker: PaperBroker(execution: [file.definition.execution, file.definition.execution]),
                                 allocation: config.portfolio, initialCash: 10_000, limits: config.risk, startMs: q.tradeFromMs)
        var out = CycleOutcome()
        var orders: [Order] = [], probabilities: [Int64: Double] = [:]
        let btc = data.reference!
        var j = 0
        for i in 0..<data.series.count {
            let t = data.series.openTime[i]
            while j < btc.count && btc.openTime[j] < t { j += 1 }
            let ref: Bar? = j < btc.count && btc.openTime[j] == t ? btc[j] : nil
            BarCycle.step(&st, time: t, bars: [data.series[i], ref], settings: settings, into: &out)
            orders += out.orders
            if let s = out.signals.first { probabilities[t] = s.probability }
        }
        #expect(orders == first.orders)

        // The streaming prediction is the registered model's batch prediction on the batch features.
        let rows = (data.series.count - 200)..<data.series.count
        let batch = try trained.probabilities(batchFrame.matrix.gatherRows(Array(rows)))
        for (k, r) in rows.enumerated() {
            let streamed = probabilities[data.series.openTime[r]] ?? .nan
            #expect(abs(streamed - batch[k]) < 1e-9, "bar \(r): \(streamed) vs \(batch[k])")
        }
    }

    @Test func aChangedFeatureSetRefusesTheModelWithBothHashes() throws {
        let (store, _, dir) = try Self.fixture()
        // The same strategy read against a feature set whose definition changed since training.
        let features = dir.appendingPathComponent("features")
        try FileManager.default.createDirectory(at: features, withIntermediateDirectories: true)
        let original = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("features/default.yaml"), encoding: .utf8)
        let changed = original.replacingOccurrences(of: "period: 14", with: "period: 13")
        #expect(changed != original)
        try changed.write(to: features.appendingPathComponent("default.yaml"), atomically: true, encoding: .utf8)
        let file = try StrategyFile.parse(yaml: Self.strategyYAML, file: "m1.yaml", featuresDirectory: features.path)
        let data = try StrategyData.load(store, symbol: file.symbol, interval: file.interval, set: file.definition.set, from: nil, to: nil)
        let trained = try ModelArtifact.load(URL(fileURLWithPath: try store.models.entry("m1").path)).0.featureSet.hash
        let e = try caught(ModelLoadError.self) {
            _ = try StrategyBacktest.model(name: "m1", file: file, modelName: "m1", store: store, series: data.series, reference: data.reference, from: nil)
        }
        #expect(e?.problem.contains(String(trained.prefix(12))) == true && e?.problem.contains(String(file.definition.set.contentHash.prefix(12))) == true,
                "\(String(describing: e))")
    }
}
