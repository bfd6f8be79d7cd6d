import Features
import Foundation
import Market
import MarketData
import NumericKit
import Store

/// `mlbot train` as a library call: bars from the store → features → look-ahead check → purged
/// walk-forward training → artifact under models/<name>/<version>/ → registry.
public struct TrainingJob: Sendable {
    public var set: FeatureSet
    public var symbol: Symbol
    public var interval: Interval
    public var spec: ModelSpec
    public var cv: WalkForward
    public var calibration: Calibration.Method
    public var from: Int64?
    public var to: Int64?
    /// The set's outputs the model reads, in order (nil: all of them).
    public var features: [String]?
    public var name: String
    public var seed: UInt64
    public var modelsDirectory: String
    /// Make the new version the active one even when the name already has one.
    public var promote: Bool

    public init(set: FeatureSet, symbol: Symbol, interval: Interval, spec: ModelSpec, cv: WalkForward, calibration: Calibration.Method,
                from: Int64? = nil, to: Int64? = nil, features: [String]? = nil, name: String, seed: UInt64, modelsDirectory: String = "models",
                promote: Bool = false) {
        self.set = set; self.symbol = symbol; self.interval = interval; self.spec = spec; self.cv = cv
        self.calibration = calibration; self.from = from; self.to = to; self.features = features; self.name = name; self.seed = seed
        self.modelsDirectory = modelsDirectory; self.promote = promote
    }

    /// Refusals before any work: a set that looks ahead, data that is missing.

    public struct Outcome: Sendable {
        public let manifest: ModelManifest
        public let report: TrainReport
        public let directory: URL
        public let entry: ModelEntry
    }

    public func run(store: any ResearchStore, progress: (FoldReport) -> Void = { _ in }) throws -> Outcome {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
            throw Failure(.badInput, "model name '\(name)': use letters, digits, '_', '-' or '.'")
        }
        try set.requireNoLookAhead()
        let loaded = try SeriesLoader.load(store, symbol: symbol, interval: interval, reference: try set.referenceSymbol(), from: from, to: to)
        guard loaded.series.count > set.warmUp + set.label.horizon, loaded.usedCount > set.label.horizon else {
            throw Failure(.notFound, "\(loaded.usedCount) \(symbol.name) \(interval.name) bars in the store for this range; need more than "
                                   + "\(set.label.horizon) after a warm-up of \(set.warmUp)")
        }
        // Features from the history anchor; samples from the requested start.
        var frame = FeaturePipeline(set).compute(FeatureInput(loaded.series, reference: loaded.reference)).rows(from: loaded.fromIndex)
        if let features { frame = frame.selecting(features) }
        let series = loaded.series.slice(loaded.fromIndex..<loaded.series.count)
        let data = Dataset(frame, closes: series.close)
        let report = try Trainer.train(data, spec: spec, cv: cv, calibration: calibration, progress: progress)
        return try save(report, firstMs: series.openTime[data.rows.first!], lastMs: series.openTime[data.rows.last!], samples: data.count, store: store)
    }

    /// Writes a trained model as the next version of `name` (artifact under models/, registry
    /// entry): the second half of `run`, also used by discovery for the strategies it saves.
    public func save(_ report: TrainReport, firstMs: Int64, lastMs: Int64, samples: Int, store: any ResearchStore) throws -> Outcome {
        let version = try store.models.nextVersion(name)
        let directory = URL(fileURLWithPath: modelsDirectory).appendingPathComponent(name).appendingPathComponent(String(version))
        var hyper = spec.hyperparameters
        if case .ridge(let r) = report.model.model { hyper["solver"] = r.solver }
        let manifest = ModelManifest(
            formatVersion: ModelManifest.formatVersion, name: name, version: version, kind: spec.kind, hyperparameters: hyper,
            featureSet: .init(name: set.name, hash: set.contentHash, outputs: features ?? set.outputs), symbol: symbol.name, interval: interval.name,
            data: .init(firstMs: firstMs, lastMs: lastMs, samples: samples),
            label: set.label.canonical, horizon: set.label.horizon,
            cv: .init(folds: cv.folds, mode: cv.mode.rawValue, embargo: cv.embargo, calibration: calibration.rawValue),
            scaler: report.model.scaler, calibration: report.model.calibration,
            metrics: .init(overall: report.overall, ece: report.ece, eceUncalibrated: report.eceUncalibrated, folds: report.folds),
            codeVersion: ModelManifest.codeVersion, seed: seed, weights: .init(file: "", sha256: "", count: 0, shapes: []))
        try FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        let saved = try ModelArtifact.save(report.model, manifest: manifest, to: directory)
        let o = report.overall
        let entry = ModelEntry(
            name: name, version: version, kind: spec.kind, path: directory.path, featureSet: set.name, featureHash: set.contentHash,
            symbol: symbol.name, interval: interval.name, createdMs: UTCTime.nowMs(), active: false,
            summary: String(format: "AUC %.4f  log loss %.4f  Brier %.4f  IC %.4f  ECE %.4f  (%d OOF samples)", o.auc, o.logLoss, o.brier, o.ic, report.ece, o.samples))
        try store.models.register(entry, activate: promote)
        return Outcome(manifest: saved, report: report, directory: directory, entry: try store.models.entry(name, version: version))
    }
}
