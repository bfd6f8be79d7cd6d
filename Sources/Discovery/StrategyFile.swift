import Backtest
import Config
import Features
import Foundation
import Learning
import Market

/// A strategy as a YAML file (`mlbot backtest --config FILE.yaml`), validated with file:line errors.
///
///     name: eth-momentum
///     symbol: ETHUSDT
///     interval: 1m
///     feature_set: default          # features/<name>.yaml
///     horizon: 15                   # optional: overrides the set's label horizon
///     model: {kind: logistic, l2: 1.0}          # ridge | logistic | mlp (hidden: [64, 32], epochs: 10)
///     cv: {folds: 5, mode: expanding, embargo: 0}
///     calibration: platt                        # platt | isotonic
///     signal: {threshold: 0.6, long_short: false}
///     exit: {kind: hold}                        # hold | opposite | atr (take_profit, stop_loss)
///     sizing: {kind: fixed, fraction: 1.0}      # fixed | vol_target (annual)
///     costs: {taker_fee: 0.00055, slippage_bps: 1, range_share: 0}
public struct StrategyFile: Sendable {
    public let name: String
    public let symbol: Symbol
    public let interval: Interval
    public let definition: StrategyDefinition

    public static func load(path: String, featuresDirectory: String = "features") throws -> StrategyFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, field: "file", expected: "a readable UTF-8 strategy file")
        }
        return try parse(yaml: text, file: path, featuresDirectory: featuresDirectory)
    }

    public static func parse(yaml: String, file: String, featuresDirectory: String = "features") throws -> StrategyFile {
        let root = try YAMLMap(yaml: yaml, file: file)
        try root.requireOnly(["name", "symbol", "interval", "feature_set", "horizon", "model", "cv", "calibration", "signal", "exit", "sizing", "costs"])
        func required(_ key: String, _ what: String) throws -> String {
            guard let v = try root.string(key), !v.isEmpty else { throw root.error(key, what) }
            return v
        }
        let name = try root.string("name") ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let symbol: Symbol
        do { symbol = try Symbol(try required("symbol", "a symbol such as ETHUSDT")) } catch let e as ConfigError { throw e } catch {
            throw root.error("symbol", "upper-case letters and digits, e.g. ETHUSDT")
        }
        let interval: Interval
        do { interval = try Interval(try required("interval", "a bar interval such as 1m")) } catch let e as ConfigError { throw e } catch {
            throw root.error("interval", "\(error)")
        }
        var set: FeatureSet
        do { set = try FeatureSet.named(try required("feature_set", "a feature set name (features/<name>.yaml)"), in: featuresDirectory) } catch let e as ConfigError where e.field == "set" {
            throw root.error("feature_set", e.expected)
        }
        if let h = try root.int("horizon", range: 1...100_000) { set = set.withHorizon(h) }

        let m = try root.map("model") ?? { throw root.error("model", "a model section, e.g. {kind: logistic, l2: 1.0}") }()
        let kind = try m.string("kind") ?? "logistic"
        let model: ModelSpec
        switch kind {
        case "ridge":
            try m.requireOnly(["kind", "l2"]); model = .ridge(lambda: try m.double("l2", range: 0...1e9) ?? 1)
        case "logistic":
            try m.requireOnly(["kind", "l2", "class_weights"])
            let w = try m.string("class_weights") ?? "none"
            guard let weights = LogisticRegression.ClassWeights(rawValue: w) else { throw m.error("class_weights", "none or balanced") }
            model = .logistic(lambda: try m.double("l2", range: 0...1e9) ?? 1, classWeights: weights)
        case "mlp":
            try m.requireOnly(["kind", "l2", "hidden", "epochs", "seed"])
            var o = MLPClassifier.Options()
            if let hidden = try m.strings("hidden") {
                let sizes = hidden.compactMap { Int($0) }
                guard (1...2).contains(sizes.count), sizes.count == hidden.count, sizes.allSatisfy({ (1...4096).contains($0) }) else {
                    throw m.error("hidden", "1 or 2 layer sizes in 1...4096, e.g. [64, 32]")
                }
                o.hidden = sizes
            }
            o.maxEpochs = try m.int("epochs", range: 1...10_000) ?? o.maxEpochs
            o.l2 = try m.double("l2", range: 0...1e9) ?? o.l2
            o.seed = UInt64(try m.int("seed", range: 0...Int.max) ?? 42)
            model = .mlp(o)
        default: throw m.error("kind", "ridge, logistic or mlp, got '\(kind)'")
        }

        let c = try root.map("cv") ?? YAMLMap(yaml: "{}", file: file)
        try c.requireOnly(["folds", "mode", "embargo"])
        let modeText = try c.string("mode") ?? "expanding"
        guard let mode = WalkForward.Mode(rawValue: modeText) else { throw c.error("mode", "expanding or rolling") }
        let cv = WalkForward(folds: try c.int("folds", range: 2...50) ?? 5, mode: mode, window: 2, embargo: try c.int("embargo", range: 0...1_000_000) ?? 0)
        let calibrationText = try root.string("calibration") ?? "platt"
        guard let calibration = Calibration.Method(rawValue: calibrationText) else { throw root.error("calibration", "platt or isotonic") }

        let s = try root.map("signal") ?? { throw root.error("signal", "a signal section, e.g. {threshold: 0.6}") }()
        try s.requireOnly(["threshold", "long_short"])
        guard let threshold = try s.double("threshold", range: 0.5...1) else { throw s.error("threshold", "a probability in 0.5...1") }
        let longShort = try s.bool("long_short") ?? false
        let e = try root.map("exit") ?? YAMLMap(yaml: "{kind: hold}", file: file)
        let exitKind = try e.string("kind") ?? "hold"
        let exit: SignalRules.Exit
        switch exitKind {
        case "hold": try e.requireOnly(["kind"]); exit = .hold(bars: set.label.horizon)
        case "opposite": try e.requireOnly(["kind"]); exit = .opposite
        case "atr":
            try e.requireOnly(["kind", "take_profit", "stop_loss"])
            exit = .atr(takeProfit: try e.double("take_profit", range: 0.01...100) ?? 2, stopLoss: try e.double("stop_loss", range: 0.01...100) ?? 1,
                        bars: set.label.horizon)
        default: throw e.error("kind", "hold, opposite or atr, got '\(exitKind)'")
        }
        let z = try root.map("sizing") ?? YAMLMap(yaml: "{kind: fixed}", file: file)
        let sizingKind = try z.string("kind") ?? "fixed"
        let sizing: SignalRules.Sizing
        switch sizingKind {
        case "fixed": try z.requireOnly(["kind", "fraction"]); sizing = .fixed(fraction: try z.double("fraction", range: 0.001...10) ?? 1)
        case "vol_target": try z.requireOnly(["kind", "annual"]); sizing = .volatilityTarget(annual: try z.double("annual", range: 0.001...10) ?? 0.5)
        default: throw z.error("kind", "fixed or vol_target, got '\(sizingKind)'")
        }
        let k = try root.map("costs") ?? YAMLMap(yaml: "{}", file: file)
        try k.requireOnly(["taker_fee", "slippage_bps", "range_share", "max_exposure"])
        let execution = ExecutionModel(takerFee: try k.double("taker_fee", range: 0...0.1) ?? 0.00055,
                                       slippageBps: try k.double("slippage_bps", range: 0...1000) ?? 1,
                                       rangeShare: try k.double("range_share", range: 0...1) ?? 0,
                                       maxExposure: try k.double("max_exposure", range: 0.001...10) ?? 1, allowShort: longShort)
        let rules = SignalRules(threshold: threshold, exit: exit, sizing: sizing, longShort: longShort)
        return StrategyFile(name: name, symbol: symbol, interval: interval,
                            definition: StrategyDefinition(set: set, model: model, cv: cv, calibration: calibration, rules: rules, execution: execution))
    }
}
