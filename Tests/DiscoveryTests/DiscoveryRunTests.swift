import Discovery
import Features
import Foundation
import Learning
import Market
import NumericKit
import Store
import Synchronization
import TestSupport
import Testing

/// Hourly bars of `symbol`: log returns r[t] = φ·r[t−1] + noise. With `plantHorizon`, the volume
/// of bar t says whether the close rose over the h bars up to t — information about the label of
/// bar t − h that only arrives h bars later: useless to an honest pipeline, a perfect predictor
/// to one that lets a feature see the future.
func bars(_ symbol: String, _ n: Int, phi: Double, seed: UInt64, plantHorizon: Int? = nil) -> BarSeries {
    var rng = SeededRNG(seed: seed)
    var out: [Bar] = [], closes: [Double] = [], price = 100.0, r = 0.0
    for i in 0..<n {
        r = phi * r + 0.002 * rng.normal()
        let open = price
        price *= exp(r)
        closes.append(price)
        var volume = 1000 * (1 + 0.1 * rng.uniform())
        if let h = plantHorizon, i >= h, closes[i] > closes[i - h] { volume *= 5 }
        out.append(Bar(openTime: 1_704_067_200_000 + Int64(i) * 3_600_000, open: open, high: max(open, price) * 1.0005,
                       low: min(open, price) * 0.9995, close: price, volume: volume))
    }
    return BarSeries(symbol: try! Symbol(symbol), interval: .oneHour, bars: out)
}

/// A temporary workspace: a store holding `series`, a small feature set and a search space.
struct Workspace {
    let dir: URL
    let store: DataStore
    let features: String
    let models: String

    static let featureSet = """
        name: small
        label: {kind: direction, horizon: 3, dead_zone: 0, drop_flat: false}
        features:
          - {indicator: log_return, period: 1}
          - {indicator: log_return, period: 2}
          - {indicator: rsi, period: 14}
          - {indicator: volume_zscore, period: 20}
        """

    init(_ series: [BarSeries], label: String = "discovery") throws {
        dir = try Fixtures.temporaryDirectory(label)
        store = try DataStore(path: dir.appendingPathComponent("m.sqlite").path)
        _ = try store.bars.write(series)
        let f = dir.appendingPathComponent("features")
        try FileManager.default.createDirectory(at: f, withIntermediateDirectories: true)
        _ = try Fixtures.write(Self.featureSet, named: "small.yaml", in: f)
        features = f.path
        models = dir.appendingPathComponent("models").path
    }

    static func space(symbols: [String], horizons: [Int] = [1, 3], extra: String = "", trailer: String = "") throws -> SearchSpace {
        try SearchSpace.parse(yaml: """
            symbols: [\(symbols.joined(separator: ", "))]
            interval: 1h
            feature_set: small
            feature_subsets: {all: all, returns: [log_return_1, log_return_2]}
            models: [{kind: logistic, l2: 1.0}]
            horizons: [\(horizons.map(String.init).joined(separator: ", "))]
            thresholds: [0.55, 0.6]
            exits: [{kind: hold}, {kind: opposite}]
            long_short: true
            cv: {folds: 4}
            costs: {taker_fee: 0.0002, slippage_bps: 0}
            search: {min_trades: 30, top_k: 2, eta: 2, rungs: 2\(extra)}
            \(trailer)
            """, file: "space.yaml")
    }

    func request(_ space: SearchSpace, run: String, seed: UInt64 = 1, budget: Int? = nil) -> DiscoveryRequest {
        DiscoveryRequest(space: space, runId: run, seed: seed, budget: budget, workers: 2, featuresDirectory: features, modelsDirectory: models)
    }
}

extension DiscoveryOutcome {
    var report: DiscoveryReport? { if case .complete(let r) = self { return r }; return nil }
}

@Suite struct DiscoveryRunTests {
    @Test func findsARealEdgeSavesItAndBacktestReproducesIt() throws {
        let w = try Workspace([bars("EDGE", 3000, phi: 0.3, seed: 1), bars("NOISE", 3000, phi: 0, seed: 2)])
        let space = try Workspace.space(symbols: ["EDGE", "NOISE"])
        let report = try #require(try DiscoveryRun.run(w.request(space, run: "r1"), store: w.store).report)
        #expect(report.trials == 32)                                  // 2 symbols × 2 subsets × 2 horizons × 4 rule variants
        #expect(report.evaluatedPerRung == [32, 16])                  // half the models reach the full bars
        let best = try #require(report.entries.first)
        #expect(best.spec.symbol.name == "EDGE" && best.dsr > 0.95, "best: \(best.spec.symbol.name) DSR \(best.dsr)")
        #expect(report.entries.allSatisfy { $0.metrics.trades >= 30 })
        #expect(report.entries.map(\.rank) == Array(1...report.entries.count))
        #expect(report.saved.map(\.name) == ["r1-01", "r1-02"])

        // The saved strategy carries its record and model; re-running it from the store gives its figures exactly.
        let (record, file) = try StoredStrategy.load("r1-01", store: w.store, featuresDirectory: w.features)
        #expect(record.status == .candidate && record.runId == "r1" && record.rank == 1 && record.trials == 32 && record.dsr == best.dsr)
        #expect(try w.store.models.entry("r1-01").version == record.modelVersion)
        let data = try StrategyData.load(w.store, symbol: file.symbol, interval: file.interval, set: file.definition.set,
                                         from: record.dataFromMs, to: record.dataToMs)
        let again = try StrategyEvaluator.evaluate(file.definition, series: data.series, reference: data.reference)
        #expect(again.backtest.metrics == best.metrics)
        #expect(again.backtest.metrics.sharpe == record.sharpe)
        let stored = try #require(try w.store.backtests.latest(strategy: "r1-01"))
        #expect(stored.equity == again.backtest.equity && stored.trades.count == again.backtest.trades.count)
    }

    @Test func aPlantedFutureOnlySignalCannotBeTraded() throws {
        let h = 3
        let series = [bars("PLANTA", 3000, phi: 0, seed: 11, plantHorizon: h), bars("PLANTB", 3000, phi: 0, seed: 12, plantHorizon: h)]
        let w = try Workspace(series)
        // The plant is real: the volume z-score h bars later tells the label of bar t almost perfectly.
        let set = try FeatureSet.named("small", in: w.features)
        let frame = FeaturePipeline(set).compute(FeatureInput(series[0]))
        let z = try #require(frame.column("volume_z_20"))
        let rows = (30..<(series[0].count - h)).filter { frame.labels[$0] != 0 && frame.labels[$0].isFinite }
        let leaked = Metrics(p: rows.map { 1 / (1 + exp(-z[$0 + h])) }, y: rows.map { frame.labels[$0] > 0 ? 1 : 0 },
                             forwardReturn: rows.map { _ in 0 })
        #expect(leaked.auc > 0.9, "leaked AUC \(leaked.auc)")

        let report = try #require(try DiscoveryRun.run(w.request(try Workspace.space(symbols: ["PLANTA", "PLANTB"], horizons: [h]), run: "p"),
                                                       store: w.store).report)
        let bestDSR = report.entries.map(\.dsr).max() ?? 0
        #expect(bestDSR < 0.95, "a future-only signal was traded: DSR \(bestDSR)")
    }

    @Test func anInterruptedRunResumesToTheSameResult() throws {
        let series = [bars("AAA", 2000, phi: 0.2, seed: 5), bars("BBB", 2000, phi: 0, seed: 6)]
        let space = try Workspace.space(symbols: ["AAA", "BBB"])
        let straight = try Workspace(series, label: "straight")
        let whole = try #require(try DiscoveryRun.run(straight.request(space, run: "x"), store: straight.store).report)

        let resumed = try Workspace(series, label: "resumed")
        let asked = Atomic<Int>(0)
        let first = try DiscoveryRun.run(resumed.request(space, run: "x"), store: resumed.store,
                                         shouldStop: { asked.wrappingAdd(1, ordering: .relaxed).newValue > 3 })
        guard case .interrupted(let done) = first else { Issue.record("the run was not interrupted"); return }
        #expect(done < 8)
        // Another seed or space would not be the same run.
        #expect { try DiscoveryRun.run(resumed.request(space, run: "x", seed: 2), store: resumed.store) } throws: { ErrorKind.of($0) == .conflict }
        let rest = try #require(try DiscoveryRun.run(resumed.request(space, run: "x"), store: resumed.store).report)
        #expect(rest.resumed)
        #expect(try resumed.store.discovery.candidates(run: "x") == straight.store.discovery.candidates(run: "x"))
        #expect(rest.entries.map(\.dsr) == whole.entries.map(\.dsr) && rest.entries.map(\.spec) == whole.entries.map(\.spec))
        let a = try straight.store.strategies.list(), b = try resumed.store.strategies.list()
        #expect(a.map(\.definition) == b.map(\.definition) && a.map(\.sharpe) == b.map(\.sharpe) && a.map(\.dsr) == b.map(\.dsr))
    }

    @Test func aBudgetSamplesWholeModelsDeterministically() throws {
        let space = try Workspace.space(symbols: ["AAA", "BBB"])
        #expect(space.modelKeys.count == 8 && space.ruleVariants.count == 4)
        let picked = space.sampledKeys(seed: 3, budget: 12)
        #expect(picked.count == 3 && picked == space.sampledKeys(seed: 3, budget: 12) && picked == picked.sorted())
        #expect(space.sampledKeys(seed: 3, budget: 1000) == Array(0..<8))
        #expect(space.sampledKeys(seed: 3, budget: 1).count == 1)    // at least one model, with all its variants
    }
}

@Suite struct DiscoveryBaselineTests {
    @Test func baselinesRankBesideTheModelsAndSaveWithoutAModel() throws {
        let w = try Workspace([bars("EDGE", 3000, phi: 0.3, seed: 1)], label: "baselines")
        let space = try SearchSpace.parse(yaml: """
            symbols: [EDGE]
            interval: 1h
            feature_set: small
            models: [{kind: logistic, l2: 1.0}]
            horizons: [1, 3]
            thresholds: [0.55]
            exits: [{kind: hold}, {kind: opposite}]
            long_short: true
            cv: {folds: 4}
            costs: {taker_fee: 0.0002, slippage_bps: 0}
            baselines:
              - {name: momentum, rule: above, feature: log_return_1, level: 0, long_short: true}
              - {name: rsi-bands, rule: band, feature: rsi_14, lower: 30, upper: 70}
            search: {min_trades: 10, top_k: 8, max_correlation: 1, eta: 2, rungs: 2}
            """, file: "space.yaml")
        #expect(space.baselineIndices == [2, 3] && space.baselineVariants.count == 2)
        let report = try #require(try DiscoveryRun.run(w.request(space, run: "b"), store: w.store).report)
        // 2 model keys × 2 variants, plus 2 baselines × 2 exits: baselines are trials too, evaluated once on all the bars.
        #expect(report.trials == 8 && report.evaluatedPerRung == [4, 1 * 2 + 4])
        let baselines = report.entries.filter { $0.subset.hasPrefix("baseline:") }
        #expect(!baselines.isEmpty && baselines.allSatisfy { $0.spec.rule != nil })
        // On AR(0.3) returns, following the last bar's sign is a real edge: the momentum rule must rank.
        let momentum = try #require(baselines.first { $0.subset == "baseline:momentum" && $0.spec.exit == .opposite })
        #expect(momentum.metrics.sharpe > 0 && momentum.dsr > 0.5, "momentum baseline: Sharpe \(momentum.metrics.sharpe), DSR \(momentum.dsr)")
        // Saved like any candidate, but with no model; its stored figures are reproduced from its file.
        let name = try #require(momentum.savedAs)
        let (record, file) = try StoredStrategy.load(name, store: w.store, featuresDirectory: w.features)
        #expect(record.modelName == nil && record.modelVersion == nil && file.definition.rule == momentum.spec.rule)
        #expect(try w.store.models.list().allSatisfy { $0.name != name })
        let data = try StrategyData.load(w.store, symbol: file.symbol, interval: file.interval, set: file.definition.set, from: record.dataFromMs, to: record.dataToMs)
        let again = try StrategyEvaluator.evaluate(file.definition, series: data.series, reference: data.reference)
        #expect(again.backtest.metrics == momentum.metrics && again.training == nil)
    }

    @Test func aBaselineOnAnUnknownFeatureIsRefusedBeforeAnythingRuns() throws {
        let w = try Workspace([bars("EDGE", 500, phi: 0.3, seed: 1)], label: "baselines-bad")
        let space = try Workspace.space(symbols: ["EDGE"], trailer: "baselines: [{name: x, rule: above, feature: ema_ratio_10_50, level: 0}]")
        #expect { try DiscoveryRun.run(w.request(space, run: "bad"), store: w.store) } throws: {
            "\($0)".contains("baselines.x.feature") && "\($0)".contains("small")
        }
        #expect(try w.store.discovery.run("bad") == nil)
    }
}
