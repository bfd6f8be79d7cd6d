import ArgumentParser
import Features
import Foundation
import Learning
import Market

/// `mlbot train`: a calibrated, registered model from a feature set and a symbol's history.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a calibrated model (ridge, logistic or MLP) with purged walk-forward CV and register it.",
        discussion: """
            The feature set is first checked for look-ahead (a failing set is refused). Each fold fits \
            its scaler and model on its own training rows only; rows whose label window reaches the test \
            block are purged, plus --embargo rows. Out-of-fold scores fit the calibration (Platt or \
            isotonic); the final model is fitted on all rows and written to models/<name>/<version>/. \
            The first version of a name becomes active; later ones with --promote or `mlbot models promote`.

            Example:
              mlbot train --set default --symbol ETHUSDT --interval 1m --model logistic --horizon 15 --l2 1.0 --folds 5
              mlbot train --set default --symbol ETHUSDT --interval 1m --model mlp --hidden 64,32 --name eth-mlp
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sets: FeatureSetOptions
    @Option(help: "Feature set name (features/<name>.yaml).") var set = "default"
    @Option(help: "Symbol, e.g. BTCUSDT.") var symbol: String
    @Option(help: "Bar interval, e.g. 1m.") var interval: String
    @Option(help: "The model kind.") var model: ModelKind = .logistic
    @Option(help: "Label horizon in bars (default: the set's).") var horizon: Int?
    @Option(help: "L2 penalty (ridge λ; logistic λ as 1/C; MLP weight decay).") var l2: Double?
    @Option(help: "MLP hidden layer sizes, e.g. 64,32.") var hidden = "64,32"
    @Option(help: "MLP maximum epochs.") var epochs = 30
    @Option(help: "Class weights (logistic).") var classWeights: LogisticRegression.ClassWeights = .none
    @Option(help: "First bar (ISO-8601 or epoch).") var from: String?
    @Option(help: "Last bar (ISO-8601 or epoch).") var to: String?
    @Option(help: "Walk-forward folds.") var folds = 5
    @Option(help: "Training windows of the walk-forward folds.") var cv: WalkForward.Mode = .expanding
    @Option(help: "Extra rows dropped before each test block, beyond the label horizon.") var embargo = 0
    @Option(help: "How out-of-fold scores become probabilities.") var calibration: Calibration.Method = .platt
    @Option(help: "Seed for everything random (MLP initialisation and batches).") var seed: UInt64 = 42
    @Option(help: "Model name (default: <set>-<symbol>-<interval>-<model>).") var name: String?
    @Option(help: "Folder for model artifacts.") var modelsDir = "models"
    @Flag(help: "Make this version the active one.") var promote = false

    func run() throws {
        let cfg = try global.loadConfig()
        var featureSet = try FeatureSet.named(set, in: sets.featuresDir)
        if let horizon {
            guard (1...100_000).contains(horizon) else { throw ValidationError("--horizon must be in 1...100000") }
            featureSet = featureSet.withHorizon(horizon)
        }
        let spec: ModelSpec
        switch model {
        case .ridge: spec = .ridge(lambda: l2 ?? 1.0)
        case .logistic:
            spec = .logistic(lambda: l2 ?? 1.0, classWeights: classWeights)
        case .mlp:
            var o = MLPClassifier.Options()
            let sizes = hidden.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(sizes.count), sizes.count == hidden.split(separator: ",").count, sizes.allSatisfy({ (1...4096).contains($0) }) else {
                throw ValidationError("--hidden must be 1 or 2 layer sizes in 1...4096, e.g. 64,32")
            }
            o.hidden = sizes; o.maxEpochs = epochs; o.seed = seed
            if let l2 { o.l2 = l2 }
            spec = .mlp(o)
        }
        let mode = cv, method = calibration
        guard (1...50).contains(folds) else { throw ValidationError("--folds must be in 1...50") }
        guard embargo >= 0 else { throw ValidationError("--embargo must be >= 0") }
        let sym = try Symbol(symbol), iv = try Interval(interval)
        let job = TrainingJob(
            set: featureSet, symbol: sym, interval: iv, spec: spec, cv: WalkForward(folds: folds, mode: mode, window: 2, embargo: embargo),
            calibration: method, from: try from.map(UTCTime.parse), to: try to.map(UTCTime.parse),
            name: name ?? "\(featureSet.name)-\(sym.name)-\(iv.name)-\(model.rawValue)", seed: seed, modelsDirectory: modelsDir, promote: promote)
        let store = try global.openResearchStore(cfg, modelsDirectory: modelsDir)
        print("training \(model.rawValue) on set '\(featureSet.name)' (\(featureSet.outputs.count) features, \(featureSet.label.canonical)) for \(sym.name) \(iv.name)")
        let outcome = try job.run(store: store) { f in
            let m = f.metrics
            print(String(format: "  fold %d/%d  train %7d  test %7d  AUC %.4f  log loss %.4f  Brier %.4f  acc %.4f  IC %+.4f  hit %.4f",
                         f.fold, folds, f.trainSamples, f.testSamples, m.auc, m.logLoss, m.brier, m.accuracy, m.ic, m.hitRate))
        }
        let r = outcome.report, o = r.overall
        print(String(format: "  out-of-fold (%@-calibrated, %d samples): AUC %.4f  log loss %.4f  Brier %.4f  acc %.4f  IC %+.4f  hit %.4f",
                     method.rawValue, o.samples, o.auc, o.logLoss, o.brier, o.accuracy, o.ic, o.hitRate))
        print(String(format: "  expected calibration error: %.4f calibrated (%.4f raw)", r.ece, r.eceUncalibrated))
        print("  saved \(outcome.entry.name)@\(outcome.entry.version) → \(outcome.directory.path)\(outcome.entry.active ? " (active)" : " (inactive; promote with `mlbot models promote \(outcome.entry.name)@\(outcome.entry.version)`)")")
    }
}

/// The model kinds `mlbot train` fits.
enum ModelKind: String, CaseIterable, ExpressibleByArgument { case ridge, logistic, mlp }

extension WalkForward.Mode: ExpressibleByArgument {}
extension Calibration.Method: ExpressibleByArgument {}
extension LogisticRegression.ClassWeights: ExpressibleByArgument {}
