import Backtest
import ConfigFormat
import Features
import Foundation
import Learning
import Market

/// A strategy as a YAML file (`backtest --config`, `strategies import/export`), validated with
/// file:line errors. `config/strategy.example.yaml` documents every field:
///
///     name: eth-momentum
///     symbol: ETHUSDT
///     interval: 1m
///     feature_set: default          # features/<name>.yaml
///     features: [rsi_14, adx_14]    # optional: a subset of the set's outputs
///     horizon: 15                   # optional: overrides the set's label horizon
///     model: {kind: logistic, l2: 1.0}          # ridge | logistic | mlp (hidden: [64, 32], epochs: 10)
///     cv: {folds: 5, mode: expanding, embargo: 0}
///     calibration: platt                        # platt | isotonic
///     signal: {threshold: 0.6, long_short: false}
///     # or a rule strategy (no model, cv or calibration): the seed bots' baselines
///     # signal: {rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}
///     # signal: {rule: band, feature: rsi_14, lower: 30, upper: 70}
///     exit: {kind: hold}                        # hold | opposite | atr (take_profit, stop_loss)
///     sizing: {kind: fixed, fraction: 0.1}      # fixed (of the capital) | vol_target (annual); default fixed 0.1
///     costs: {taker_fee: 0.00055, slippage_bps: 1, range_share: 0}
public struct StrategyFile: Sendable {
    public let spec: StrategySpec
    public let definition: StrategyDefinition
    /// Content hash of the feature set file as loaded (before any horizon override).
    public let featureHash: String

    public var name: String { spec.name }
    public var symbol: Symbol { spec.symbol }
    public var interval: Interval { spec.interval }

    public static func load(path: String, featuresDirectory: String = "features") throws -> StrategyFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, field: "file", expected: "a readable UTF-8 strategy file")
        }
        return try parse(yaml: text, file: path, featuresDirectory: featuresDirectory)
    }

    /// Parses and resolves a strategy: its feature set is loaded from `featuresDirectory`.
    public static func parse(yaml: String, file: String, featuresDirectory: String = "features") throws -> StrategyFile {
        let root = try YAMLMap(yaml: yaml, file: file)
        let spec = try parseSpec(root, file: file)
        let set: FeatureSet
        do { set = try FeatureSet.named(spec.featureSet, in: featuresDirectory) } catch let e as ConfigError where e.field == "set" {
            throw root.error("feature_set", e.expected)
        }
        do {
            return StrategyFile(spec: spec, definition: try spec.definition(set: set), featureHash: set.contentHash)
        } catch let e as StrategySpec.SpecError {
            throw root.error(e.field, e.expected)
        }
    }

    /// Parses the file's fields without loading the feature set.
    public static func parseSpec(yaml: String, file: String) throws -> StrategySpec {
        try parseSpec(try YAMLMap(yaml: yaml, file: file), file: file)
    }

    static func parseSpec(_ root: YAMLMap, file: String) throws -> StrategySpec {
        try root.requireOnly(["name", "symbol", "interval", "feature_set", "features", "horizon", "model", "cv", "calibration", "signal", "exit", "sizing", "costs"])
        func required(_ key: String, _ what: String) throws -> String {
            guard let v = try root.string(key), !v.isEmpty else { throw root.error(key, what) }
            return v
        }
        let name = try root.string("name") ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
            throw root.error("name", "letters, digits, '_', '-' or '.'")
        }
        let symbol: Symbol
        do { symbol = try Symbol(try required("symbol", "a symbol such as ETHUSDT")) } catch let e as ConfigError { throw e } catch {
            throw root.error("symbol", "upper-case letters and digits, e.g. ETHUSDT")
        }
        let interval: Interval
        do { interval = try Interval(try required("interval", "a bar interval such as 1m")) } catch let e as ConfigError { throw e } catch {
            throw root.error("interval", "\(error)")
        }
        let featureSet = try required("feature_set", "a feature set name (features/<name>.yaml)")
        let features = try root.strings("features")
        let horizon = try root.int("horizon", range: 1...100_000)
        let s = try root.map("signal") ?? { throw root.error("signal", "a signal section, e.g. {threshold: 0.6}") }()
        let rule = try StrategySections.rule(s, extra: ["long_short"])
        let model: ModelSpec, threshold: Double
        if rule != nil {
            for key in ["model", "cv", "calibration", "features"] where root.has(key) {
                throw root.error(key, "nothing: a rule strategy's signal is its rule (remove '\(key)', or give signal a threshold and a model)")
            }
            model = .logistic(lambda: 1, classWeights: .none)   // unused: nothing is trained
            threshold = 1
        } else {
            let m = try root.map("model") ?? { throw root.error("model", "a model section, e.g. {kind: logistic, l2: 1.0}") }()
            model = try StrategySections.one(try StrategySections.models(m), m, "l2")
            try s.requireOnly(["threshold", "long_short"])
            guard let t = try s.double("threshold", range: 0.5...1) else { throw s.error("threshold", "a probability in 0.5...1, or a rule") }
            threshold = t
        }
        let exitMap = try root.map("exit"), sizingMap = try root.map("sizing")
        let exit = try StrategySections.one(try StrategySections.exits(exitMap), exitMap ?? root, "exit")
        let sizing = try StrategySections.one(try StrategySections.sizings(sizingMap), sizingMap ?? root, "sizing")
        return StrategySpec(name: name, symbol: symbol, interval: interval, featureSet: featureSet, features: features, horizon: horizon,
                            model: model, cv: try StrategySections.cv(try root.map("cv")), calibration: try StrategySections.calibration(root),
                            threshold: threshold, longShort: try s.bool("long_short") ?? false, exit: exit, sizing: sizing,
                            costs: try StrategySections.costs(try root.map("costs")), rule: rule)
    }
}
