import Backtest
import ConfigFormat
import Foundation
import Hashing
import Learning
import Market
import NumericKit

/// What `mlbot discover` searches (`config/discovery.yaml`): symbols × feature subsets × models
/// × horizons, each trained once ("model keys"), times thresholds × exits × sizings × long/short,
/// the cheap rule variants backtested on one model's predictions.
public struct SearchSpace: Sendable {
    /// A named subset of the feature set's outputs (nil outputs: all of them).
    public struct Subset: Sendable, Equatable {
        public let name: String
        public let outputs: [String]?
    }

    /// The part of a candidate that needs its own training.
    public struct ModelKey: Sendable, Equatable {
        public let symbol: Symbol
        public let subset: Subset
        public let model: ModelSpec
        public let horizon: Int
    }

    /// The part of a candidate that only changes how predictions become positions.
    public struct RuleVariant: Sendable, Equatable {
        public let threshold: Double
        public let exit: StrategySpec.ExitKind
        public let sizing: SignalRules.Sizing
        public let longShort: Bool
    }

    /// A rule strategy searched beside the models as a baseline: nothing is trained, it is
    /// evaluated once on all the bars (at the last rung) with every exit and sizing, and it counts
    /// as trials and ranks like any candidate, so a model has to beat it to be saved above it.
    public struct Baseline: Sendable, Equatable {
        public let name: String
        public let rule: FeatureRule
        public let longShort: Bool
    }

    /// How the search runs and what it keeps.
    public struct Settings: Sendable, Equatable {
        /// Most configurations (model keys × rule variants) to evaluate; nil: the whole space.
        public var budget: Int?
        /// A candidate with fewer out-of-sample trades cannot rank.
        public var minTrades: Int
        /// How many of the best are saved as strategies.
        public var topK: Int
        /// A candidate whose out-of-sample returns correlate above this with a better one is skipped.
        public var maxCorrelation: Double
        /// Successive halving: each rung keeps 1/eta of the models…
        public var eta: Int
        /// …over this many rungs; rung r trains on the first eta^(r − rungs + 1) of the bars.
        public var rungs: Int
    }

    public let file: String
    /// The file's text, stored with each run.
    public let text: String
    public let symbols: [Symbol]
    public let interval: Interval
    public let featureSet: String
    public let subsets: [Subset]
    public let models: [ModelSpec]
    public let horizons: [Int]
    public let thresholds: [Double]
    public let exits: [StrategySpec.ExitKind]
    public let sizings: [SignalRules.Sizing]
    public let longShort: [Bool]
    public let cv: WalkForward
    public let calibration: Calibration.Method
    public let costs: ExecutionModel
    public let baselines: [Baseline]
    public var settings: Settings

    public static func load(path: String) throws -> SearchSpace {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, field: "file", expected: "a readable UTF-8 search space file")
        }
        return try parse(yaml: text, file: path)
    }

    public static func parse(yaml: String, file: String) throws -> SearchSpace {
        let root = try YAMLMap(yaml: yaml, file: file)
        try root.requireOnly(["symbols", "interval", "feature_set", "feature_subsets", "models", "horizons", "thresholds", "exits", "sizing",
                              "long_short", "cv", "calibration", "costs", "search", "baselines"])
        let symbolNames = try root.strings("symbols") ?? { throw root.error("symbols", "a list of symbols, e.g. [BTCUSDT, ETHUSDT]") }()
        guard !symbolNames.isEmpty, Set(symbolNames).count == symbolNames.count else { throw root.error("symbols", "a non-empty list without repeats") }
        let symbols = try symbolNames.map { name in
            do { return try Symbol(name) } catch { throw root.error("symbols", "upper-case letters and digits, got '\(name)'") }
        }
        let interval: Interval
        do { interval = try Interval(try root.string("interval") ?? "1m") } catch let e as ConfigError { throw e } catch {
            throw root.error("interval", "\(error)")
        }
        let featureSet = try root.string("feature_set") ?? "default"
        var subsets: [Subset] = []
        if let m = try root.map("feature_subsets") {
            for key in m.keys {
                if let word = try? m.string(key) {
                    guard word == "all" else { throw m.error(key, "'all' or a list of the set's output names") }
                    subsets.append(Subset(name: key, outputs: nil))
                } else {
                    guard let list = try m.strings(key), !list.isEmpty else { throw m.error(key, "a non-empty list of output names") }
                    subsets.append(Subset(name: key, outputs: list))
                }
            }
        }
        if subsets.isEmpty { subsets = [Subset(name: "all", outputs: nil)] }
        let modelMaps = try root.maps("models") ?? { throw root.error("models", "a list of model entries, e.g. - {kind: logistic, l2: [0.1, 1]}") }()
        let models = try modelMaps.flatMap(StrategySections.models)
        guard !models.isEmpty else { throw root.error("models", "at least one model") }
        let horizons = try root.ints("horizons", range: 1...100_000) ?? { throw root.error("horizons", "label horizons in bars, e.g. [15, 60]") }()
        let thresholds = try root.doubles("thresholds", range: 0.5...1) ?? { throw root.error("thresholds", "entry probabilities, e.g. [0.55, 0.6]") }()
        let exits = try (try root.maps("exits") ?? []).flatMap(StrategySections.exits)
        let sizings = try (try root.mapOrMaps("sizing") ?? []).flatMap(StrategySections.sizings)
        var baselines: [Baseline] = []
        for b in try root.maps("baselines") ?? [] {
            guard let name = try b.string("name"), !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw b.error("name", "a baseline name of letters, digits, '-' or '_', e.g. ema-cross")
            }
            guard !baselines.contains(where: { $0.name == name }) else { throw b.error("name", "each baseline name once") }
            guard let rule = try StrategySections.rule(b, extra: ["name", "long_short"]) else {
                throw b.error("rule", "above, below or band, e.g. {name: ema-cross, rule: above, feature: ema_ratio_10_50, level: 0}")
            }
            baselines.append(Baseline(name: name, rule: rule, longShort: try b.bool("long_short") ?? false))
        }
        let search = try root.map("search")
        try search?.requireOnly(["budget", "min_trades", "top_k", "max_correlation", "eta", "rungs"])
        let settings = Settings(budget: try search?.int("budget", range: 1...10_000_000), minTrades: try search?.int("min_trades", range: 0...1_000_000) ?? 30,
                                topK: try search?.int("top_k", range: 0...1000) ?? 5,
                                maxCorrelation: try search?.double("max_correlation", range: -1...1) ?? 0.7,
                                eta: try search?.int("eta", range: 2...100) ?? 3, rungs: try search?.int("rungs", range: 1...10) ?? 3)
        return SearchSpace(file: file, text: yaml, symbols: symbols, interval: interval, featureSet: featureSet, subsets: subsets, models: models,
                           horizons: horizons, thresholds: thresholds, exits: exits.isEmpty ? [.hold] : exits,
                           sizings: sizings.isEmpty ? [.fixed(fraction: 0.1)] : sizings, longShort: try root.bools("long_short") ?? [false],
                           cv: try StrategySections.cv(try root.map("cv")), calibration: try StrategySections.calibration(root),
                           costs: try StrategySections.costs(try root.map("costs")), baselines: baselines, settings: settings)
    }

    /// Every model key, symbols outermost, then subsets, models, horizons.
    public var modelKeys: [ModelKey] {
        symbols.flatMap { s in subsets.flatMap { f in models.flatMap { m in horizons.map { ModelKey(symbol: s, subset: f, model: m, horizon: $0) } } } }
    }

    /// Every rule variant, thresholds outermost, then exits, sizings, long/short.
    public var ruleVariants: [RuleVariant] {
        thresholds.flatMap { t in exits.flatMap { e in sizings.flatMap { z in longShort.map { RuleVariant(threshold: t, exit: e, sizing: z, longShort: $0) } } } }
    }

    /// Baseline keys, numbered after the model keys: symbols outermost, then baselines.
    public var baselineKeys: [(symbol: Symbol, baseline: Baseline)] {
        symbols.flatMap { s in baselines.map { (s, $0) } }
    }

    /// A baseline's variants: every exit × sizing (its rule fixes the threshold and the side).
    public var baselineVariants: [RuleVariant] {
        exits.flatMap { e in sizings.map { RuleVariant(threshold: 1, exit: e, sizing: $0, longShort: false) } }
    }

    public func isBaseline(_ keyIndex: Int) -> Bool { keyIndex >= modelKeys.count }

    /// Key indices of the baselines.
    public var baselineIndices: [Int] { Array(modelKeys.count..<(modelKeys.count + baselineKeys.count)) }

    /// Every candidate of one key (model or baseline), in variant order.
    public func specs(keyIndex: Int, name: (Int) -> String) -> [StrategySpec] {
        let count = isBaseline(keyIndex) ? baselineVariants.count : ruleVariants.count
        return (0..<count).map { spec(keyIndex: keyIndex, variant: $0, name: name($0)) }
    }

    /// The candidate at (key index, variant index), model or baseline, as a strategy.
    public func spec(keyIndex: Int, variant: Int, name: String) -> StrategySpec {
        let keys = modelKeys
        guard keyIndex >= keys.count else { return spec(keys[keyIndex], ruleVariants[variant], name: name) }
        let (symbol, b) = baselineKeys[keyIndex - keys.count]
        let v = baselineVariants[variant]
        return StrategySpec(name: name, symbol: symbol, interval: interval, featureSet: featureSet, model: .logistic(lambda: 1, classWeights: .none),
                            threshold: 1, longShort: b.longShort, exit: v.exit, sizing: v.sizing, costs: costs, rule: b.rule)
    }

    /// What a ranked candidate is called in reports: its feature subset, or the baseline's name.
    public func subsetName(keyIndex: Int) -> String {
        isBaseline(keyIndex) ? "baseline:\(baselineKeys[keyIndex - modelKeys.count].baseline.name)" : modelKeys[keyIndex].subset.name
    }

    /// The candidate at (key, variant) as a strategy.
    public func spec(_ key: ModelKey, _ variant: RuleVariant, name: String) -> StrategySpec {
        StrategySpec(name: name, symbol: key.symbol, interval: interval, featureSet: featureSet, features: key.subset.outputs, horizon: key.horizon,
                     model: key.model, cv: cv, calibration: calibration, threshold: variant.threshold, longShort: variant.longShort,
                     exit: variant.exit, sizing: variant.sizing, costs: costs)
    }

    /// Identifies what is searched, independent of comments and layout: every candidate's
    /// definition and the search settings. A run can only be resumed with the same hash.
    public var contentHash: String {
        var text = "settings \(settings.minTrades) \(settings.topK) \(settings.maxCorrelation) \(settings.eta) \(settings.rungs)\n"
        let variants = ruleVariants
        for key in modelKeys {
            text += key.subset.name + "\n"
            for v in variants { text += spec(key, v, name: "c").yaml }
        }
        for i in baselineIndices { text += specs(keyIndex: i, name: { _ in "c" }).map(\.yaml).joined() }
        return Digest.sha256Hex(text)
    }

    /// The model keys a run evaluates: all when the space fits the budget, else a seeded random
    /// sample of whole keys (each brings all its rule variants), in space order.
    public func sampledKeys(seed: UInt64, budget: Int?) -> [Int] {
        let keys = modelKeys.count, variants = ruleVariants.count
        guard let budget, keys * variants > budget else { return Array(0..<keys) }
        let take = max(1, budget / variants)
        var order = Array(0..<keys)
        var rng = SeededRNG(seed: seed)
        for i in stride(from: keys - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        return order.prefix(take).sorted()
    }
}
