import Backtest
import ConfigFormat
import Learning

/// Parsers for the sections a strategy file and a discovery search space share. Where a search
/// space may list several values (`l2: [0.1, 1]`), each parser returns every combination.
enum StrategySections {
    static func models(_ m: YAMLMap) throws -> [ModelSpec] {
        let kind = try m.string("kind") ?? "logistic"
        let range = 0.0...1e9
        switch kind {
        case "ridge":
            try m.requireOnly(["kind", "l2"])
            return try (m.doubles("l2", range: range) ?? [1]).map { .ridge(lambda: $0) }
        case "logistic":
            try m.requireOnly(["kind", "l2", "class_weights"])
            let w = try m.string("class_weights") ?? "none"
            guard let weights = LogisticRegression.ClassWeights(rawValue: w) else { throw m.error("class_weights", "none or balanced") }
            return try (m.doubles("l2", range: range) ?? [1]).map { .logistic(lambda: $0, classWeights: weights) }
        case "mlp":
            try m.requireOnly(["kind", "l2", "hidden", "epochs", "seed"])
            var o = MLPClassifier.Options()
            if let hidden = try m.ints("hidden", range: 1...4096) {
                guard (1...2).contains(hidden.count) else { throw m.error("hidden", "1 or 2 layer sizes in 1...4096, e.g. [64, 32]") }
                o.hidden = hidden
            }
            o.maxEpochs = try m.int("epochs", range: 1...10_000) ?? o.maxEpochs
            o.seed = UInt64(try m.int("seed", range: 0...Int.max) ?? 42)
            return try (m.doubles("l2", range: range) ?? [o.l2]).map { l2 in var v = o; v.l2 = l2; return .mlp(v) }
        default:
            throw m.error("kind", "ridge, logistic or mlp, got '\(kind)'")
        }
    }

    static func cv(_ c: YAMLMap?) throws -> WalkForward {
        guard let c else { return WalkForward(folds: 5) }
        try c.requireOnly(["folds", "mode", "embargo"])
        let modeText = try c.string("mode") ?? "expanding"
        guard let mode = WalkForward.Mode(rawValue: modeText) else { throw c.error("mode", "expanding or rolling") }
        return WalkForward(folds: try c.int("folds", range: 2...50) ?? 5, mode: mode, window: 2, embargo: try c.int("embargo", range: 0...1_000_000) ?? 0)
    }

    static func calibration(_ root: YAMLMap) throws -> Calibration.Method {
        let text = try root.string("calibration") ?? "platt"
        guard let method = Calibration.Method(rawValue: text) else { throw root.error("calibration", "platt or isotonic") }
        return method
    }

    static func exits(_ e: YAMLMap?) throws -> [StrategySpec.ExitKind] {
        guard let e else { return [.hold] }
        let kind = try e.string("kind") ?? "hold"
        switch kind {
        case "hold": try e.requireOnly(["kind"]); return [.hold]
        case "opposite": try e.requireOnly(["kind"]); return [.opposite]
        case "atr":
            try e.requireOnly(["kind", "take_profit", "stop_loss"])
            let tps = try e.doubles("take_profit", range: 0.01...100) ?? [2], sls = try e.doubles("stop_loss", range: 0.01...100) ?? [1]
            return tps.flatMap { tp in sls.map { sl in .atr(takeProfit: tp, stopLoss: sl) } }
        default: throw e.error("kind", "hold, opposite or atr, got '\(kind)'")
        }
    }

    static func sizings(_ z: YAMLMap?) throws -> [SignalRules.Sizing] {
        guard let z else { return [.fixed(fraction: 0.1)] }
        let kind = try z.string("kind") ?? "fixed"
        switch kind {
        case "fixed":
            try z.requireOnly(["kind", "fraction"])
            return try (z.doubles("fraction", range: 0.001...10) ?? [1]).map { .fixed(fraction: $0) }
        case "vol_target":
            try z.requireOnly(["kind", "annual"])
            return try (z.doubles("annual", range: 0.001...10) ?? [0.5]).map { .volatilityTarget(annual: $0) }
        default: throw z.error("kind", "fixed or vol_target, got '\(kind)'")
        }
    }

    static func costs(_ k: YAMLMap?) throws -> ExecutionModel {
        guard let k else { return ExecutionModel() }
        try k.requireOnly(["taker_fee", "slippage_bps", "range_share", "max_exposure"])
        return ExecutionModel(takerFee: try k.double("taker_fee", range: 0...0.1) ?? 0.00055,
                              slippageBps: try k.double("slippage_bps", range: 0...1000) ?? 1,
                              rangeShare: try k.double("range_share", range: 0...1) ?? 0,
                              maxExposure: try k.double("max_exposure", range: 0.001...10) ?? 1)
    }

    /// A rule signal, `{rule: above|below, feature: F, level: X}` or `{rule: band, feature: F,
    /// lower: L, upper: U}`; nil when the map has no `rule` (a model strategy). `extra` are the
    /// other keys the map may hold.
    static func rule(_ s: YAMLMap, extra: [String]) throws -> FeatureRule? {
        guard let name = try s.string("rule") else { return nil }
        guard let condition = FeatureRule.Condition(rawValue: name) else { throw s.error("rule", "above, below or band, got '\(name)'") }
        guard let feature = try s.string("feature"), !feature.isEmpty else {
            throw s.error("feature", "the feature output the rule reads, e.g. ema_ratio_10_50")
        }
        let range = -1e12...1e12
        switch condition {
        case .above, .below:
            try s.requireOnly(Set(["rule", "feature", "level"] + extra))
            guard let level = try s.double("level", range: range) else { throw s.error("level", "the level the feature is compared with, e.g. 0") }
            return FeatureRule(condition, feature: feature, level: level)
        case .band:
            try s.requireOnly(Set(["rule", "feature", "lower", "upper"] + extra))
            guard let lower = try s.double("lower", range: range) else { throw s.error("lower", "the band's lower edge (long below it), e.g. 30") }
            guard let upper = try s.double("upper", range: range), upper >= lower else {
                throw s.error("upper", "the band's upper edge (short above it), at least lower")
            }
            return FeatureRule(.band, feature: feature, level: lower, upper: upper)
        }
    }

    /// The canonical YAML of a rule's keys (without braces).
    static func ruleYAML(_ r: FeatureRule) -> String {
        switch r.condition {
        case .above, .below: "rule: \(r.condition.rawValue), feature: \(r.feature), level: \(r.level)"
        case .band: "rule: band, feature: \(r.feature), lower: \(r.level), upper: \(r.upper)"
        }
    }

    /// Exactly one value where a strategy file allows no choice.
    static func one<T>(_ values: [T], _ map: YAMLMap, _ key: String) throws -> T {
        guard values.count == 1 else { throw map.error(key, "one value (lists belong in a discovery search space)") }
        return values[0]
    }
}
