import Discovery
import Features
import Foundation
import Learning
import Market
import MarketData
import Store

/// One model scored on a holdout: how well it predicts (log loss, AUC) and what the strategy
/// makes with it net of costs through the bar cycle (`--mode model` over the holdout).
public struct HoldoutScore: Sendable, Equatable, Codable {
    /// `name@version`.
    public let model: String
    public let samples: Int
    public let logLoss: Double
    public let auc: Double
    public let sharpe: Double
    public let maxDrawdown: Double
    public let totalReturn: Double
    public let trades: Int
    /// Holdout bars the model was trained on (an older champion's are 0; a newer one's would
    /// flatter it, so they are counted and shown).
    public let inSampleBars: Int

    public init(model: String, samples: Int, logLoss: Double, auc: Double, sharpe: Double, maxDrawdown: Double, totalReturn: Double,
                trades: Int, inSampleBars: Int) {
        self.model = model; self.samples = samples; self.logLoss = logLoss; self.auc = auc; self.sharpe = sharpe
        self.maxDrawdown = maxDrawdown; self.totalReturn = totalReturn; self.trades = trades; self.inSampleBars = inSampleBars
    }
}

/// Scores registered models of one strategy on one holdout, each on exactly the same bars.
public struct HoldoutScorer {
    public let store: DataStore
    public let name: String
    public let file: StrategyFile
    public let modelName: String
    public let data: LoadedSeries
    public let holdoutFromMs: Int64
    public let toMs: Int64
    public let settings: EngineSettings
    public let config: MlbotConfig
    public let catalog: InstrumentCatalog
    private let dataset: Dataset

    /// `data` runs from the symbol's history anchor to `toMs`, so that features at the holdout's
    /// first bar are the ones the service computed there.
    public init(store: DataStore, name: String, file: StrategyFile, modelName: String, data: LoadedSeries, holdoutFromMs: Int64, toMs: Int64,
                settings: EngineSettings, config: MlbotConfig, catalog: InstrumentCatalog) throws {
        self.store = store; self.name = name; self.file = file; self.modelName = modelName; self.data = data
        self.holdoutFromMs = holdoutFromMs; self.toMs = toMs; self.settings = settings; self.config = config; self.catalog = catalog
        let series = data.series
        guard let start = series.openTime.firstIndex(where: { $0 >= holdoutFromMs }) else {
            throw Failure(.notFound, "no \(file.symbol.name) bars in the holdout from \(UTCTime.iso(holdoutFromMs))")
        }
        let set = file.definition.set
        var f = FeaturePipeline(set).compute(FeatureInput(series, reference: data.reference)).rows(from: start)
        if let features = file.definition.features { f = f.selecting(features) }
        dataset = Dataset(f, closes: Array(series.close[start...]))
        guard dataset.count > 1 else {
            throw Failure(.notFound, "the holdout from \(UTCTime.iso(holdoutFromMs)) holds \(dataset.count) labelled \(file.symbol.name) bars; lengthen it")
        }
    }

    /// `version` of the model (nil: the active one) on the holdout.
    public func score(version: Int?) throws -> HoldoutScore {
        let entry = try store.models.entry(modelName, version: version)
        let (manifest, trained) = try ModelArtifact.load(URL(fileURLWithPath: entry.path), featureHash: file.definition.set.contentHash)
        let p = try trained.probabilities(dataset.x)
        let m = Metrics(p: p, y: dataset.y, forwardReturn: dataset.forwardReturn)
        let prepared = try StrategyBacktest.model(name: name, file: file, modelName: modelName, version: entry.version, store: store,
                                                  series: data.series, reference: data.reference, from: nil, startAt: holdoutFromMs)
        let run = try StrategyBacktest.run([prepared], catalog: catalog, config: config, settings: settings, to: toMs)
        let afterTraining = manifest.tradeableFromMs(intervalMs: file.interval.milliseconds)
        let inSample = max(0, Int((afterTraining - holdoutFromMs) / file.interval.milliseconds))
        let metrics = run.result.metrics
        return HoldoutScore(model: entry.reference, samples: m.samples, logLoss: m.logLoss, auc: m.auc, sharpe: metrics.sharpe,
                            maxDrawdown: metrics.maxDrawdown, totalReturn: metrics.totalReturn, trades: metrics.trades, inSampleBars: inSample)
    }
}
