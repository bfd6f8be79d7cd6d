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

    /// Exactly one value where a strategy file allows no choice.
    static func one<T>(_ values: [T], _ map: YAMLMap, _ key: String) throws -> T {
        guard values.count == 1 else { throw map.error(key, "one value (lists belong in a discovery search space)") }
        return values[0]
    }
}
