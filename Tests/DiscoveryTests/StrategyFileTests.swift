import Backtest
import ConfigFormat
import Discovery
import Foundation
import Learning
import Market
import TestSupport
import Testing

@Suite struct StrategyFileTests {
    let features = Fixtures.repositoryRoot.appendingPathComponent("features").path

    @Test func theExampleParses() throws {
        let s = try StrategyFile.load(path: Fixtures.repositoryRoot.appendingPathComponent("config/strategy.example.yaml").path, featuresDirectory: features)
        #expect(s.name == "eth-logistic-example" && s.symbol.name == "ETHUSDT" && s.interval.name == "1m")
        #expect(s.definition.rules.threshold == 0.55 && s.definition.set.label.horizon == 15 && s.definition.execution.takerFee == 0.00055)
    }

    static let base = "symbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nmodel: {kind: logistic}\n"

    static let ruleBase = "symbol: ETHUSDT\ninterval: 1m\nfeature_set: default\n"

    @Test func aRuleStrategyParsesAndWritesItselfBack() throws {
        let yaml = Self.ruleBase + "signal: {rule: band, feature: rsi_14, lower: 30, upper: 70, long_short: true}\nexit: {kind: opposite}\n"
        let f = try StrategyFile.parse(yaml: "name: rsi\n" + yaml, file: "r.yaml", featuresDirectory: features)
        #expect(f.spec.rule == FeatureRule(.band, feature: "rsi_14", level: 30, upper: 70) && f.definition.rule == f.spec.rule)
        #expect(f.definition.rules.threshold == 1 && f.definition.rules.longShort)
        #expect(!f.spec.yaml.contains("model:") && f.spec.yaml.contains("signal: {rule: band, feature: rsi_14, lower: 30.0, upper: 70.0, long_short: true}"))
        #expect(try StrategyFile.parse(yaml: f.spec.yaml, file: "again.yaml", featuresDirectory: features).spec == f.spec)
    }

    @Test(arguments: [
        ("model: {kind: logistic}\nsignal: {rule: above, feature: rsi_14, level: 50}\n", 4, "model", "rule strategy"),
        ("signal: {rule: above, feature: nope, level: 0}\n", nil, "signal.feature", "an output of feature set 'default'"),
        ("signal: {rule: above, feature: rsi_14}\n", 4, "signal.level", "level"),
        ("signal: {rule: band, feature: rsi_14, lower: 70, upper: 30}\n", 4, "signal.upper", "at least lower"),
        ("signal: {rule: cross, feature: rsi_14, level: 0}\n", 4, "signal.rule", "above, below or band"),
        ("signal: {rule: above, feature: rsi_14, level: 50, threshold: 0.6}\n", 4, "signal.threshold", "known keys"),
    ] as [(String, Int?, String, String)])
    func badRuleFilesNameLineAndField(extra: String, line: Int?, field: String, expected: String) {
        expectRejected(Self.ruleBase + extra, line: line, field: field, expected: expected)
    }

    @Test(arguments: [
        ("signal: {threshold: 0.4}\n", 5, "signal.threshold", "0.5...1"),
        ("signal: {threshold: 0.6}\nexit: {kind: trailing}\n", 6, "exit.kind", "hold, opposite or atr"),
        ("signal: {threshold: 0.6}\nsizing: {kind: kelly}\n", 6, "sizing.kind", "fixed or vol_target"),
        ("signal: {threshold: 0.6}\ncosts: {fee: 0.001}\n", 6, "costs.fee", "known keys"),
        ("signal: {threshold: 0.6}\ncv: {folds: 1}\n", 6, "cv.folds", "2...50"),
        ("signal: {threshold: 0.6}\nstop: 3\n", 6, "stop", "known keys"),
        ("", 1, "signal", "signal section"),
    ])
    func badFilesNameLineAndField(extra: String, line: Int, field: String, expected: String) {
        expectRejected(Self.base + extra, line: line, field: field, expected: expected)
    }

    /// The file is refused naming `field` (at `line`, when given) and what was `expected`.
    func expectRejected(_ yaml: String, line: Int?, field: String, expected: String) {
        do {
            _ = try StrategyFile.parse(yaml: yaml, file: "s.yaml", featuresDirectory: features)
            Issue.record("accepted: \(yaml)")
        } catch let e as ConfigError {
            if let line { #expect(e.line == line, "\(e)") }
            #expect(e.field == field, "\(e)")
            #expect(e.expected.contains(expected), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    @Test func unknownModelKindAndFeatureSet() {
        #expect(throws: ConfigError.self) { try StrategyFile.parse(yaml: "symbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nmodel: {kind: forest}\nsignal: {threshold: 0.6}\n", file: "s.yaml", featuresDirectory: features) }
        #expect(throws: ConfigError.self) { try StrategyFile.parse(yaml: "symbol: ETHUSDT\ninterval: 1m\nfeature_set: nosuch\nmodel: {kind: ridge}\nsignal: {threshold: 0.6}\n", file: "s.yaml", featuresDirectory: features) }
    }
}

@Suite struct StrategySpecTests {
    let features = Fixtures.repositoryRoot.appendingPathComponent("features").path

    @Test func exportedYAMLReadsBackToTheSameSpec() throws {
        var o = MLPClassifier.Options()
        o.hidden = [16, 8]; o.maxEpochs = 4; o.l2 = 0.001; o.seed = 9
        let specs = [
            StrategySpec(name: "a", symbol: try Symbol("ETHUSDT"), interval: .oneMinute, featureSet: "default", features: ["rsi_14", "adx_14"],
                         horizon: 60, model: .logistic(lambda: 0.1, classWeights: .balanced), cv: WalkForward(folds: 3, mode: .rolling, embargo: 5),
                         calibration: .isotonic, threshold: 0.55, longShort: true, exit: .atr(takeProfit: 2.5, stopLoss: 1.25),
                         sizing: .volatilityTarget(annual: 0.3), costs: ExecutionModel(takerFee: 0.0002, slippageBps: 0.5, rangeShare: 0.1, maxExposure: 2)),
            StrategySpec(name: "b.2", symbol: try Symbol("BTCUSDT"), interval: .oneHour, featureSet: "default", model: .mlp(o), threshold: 0.6,
                         exit: .opposite),
            StrategySpec(name: "c", symbol: try Symbol("SOLUSDT"), interval: .oneMinute, featureSet: "default", model: .ridge(lambda: 1e-3), threshold: 0.51),
        ]
        for spec in specs {
            #expect(try StrategyFile.parseSpec(yaml: spec.yaml, file: "x.yaml") == spec, "\(spec.yaml)")
            _ = try StrategyFile.parse(yaml: spec.yaml, file: "x.yaml", featuresDirectory: features)
        }
    }

    @Test func aFeatureSubsetMustComeFromTheSet() {
        let text = "symbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nfeatures: [rsi_14, rsi_99]\nmodel: {kind: ridge}\nsignal: {threshold: 0.6}\n"
        do {
            _ = try StrategyFile.parse(yaml: text, file: "s.yaml", featuresDirectory: features)
            Issue.record("accepted an unknown output")
        } catch let e as ConfigError {
            #expect(e.line == 4 && e.field == "features" && e.expected.contains("rsi_99"), "\(e)")
        } catch { Issue.record("\(error)") }
        #expect(throws: ConfigError.self) {   // a list belongs in a search space, not in one strategy
            try StrategyFile.parse(yaml: "symbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nmodel: {kind: ridge, l2: [1, 2]}\nsignal: {threshold: 0.6}\n",
                                   file: "s.yaml", featuresDirectory: features)
        }
    }
}

@Suite struct SearchSpaceTests {
    @Test func theShippedSpaceParses() throws {
        let space = try SearchSpace.load(path: Fixtures.repositoryRoot.appendingPathComponent("config/discovery.yaml").path)
        #expect(space.symbols.map(\.name) == ["BTCUSDT", "ETHUSDT", "SOLUSDT"] && space.subsets.map(\.name) == ["all", "momentum", "volatility"])
        #expect(space.modelKeys.count == 3 * 3 * 4 * 2 && space.ruleVariants.count == 3 * 3 * 2)
        #expect(space.settings.minTrades == 30 && space.settings.maxCorrelation == 0.7 && space.settings.topK == 5)
    }

    @Test func theHashIgnoresCommentsButNotTheSpace() throws {
        let text = "symbols: [BTCUSDT]\nmodels: [{kind: ridge}]\nhorizons: [15]\nthresholds: [0.55]\n"
        let a = try SearchSpace.parse(yaml: text, file: "a.yaml"), b = try SearchSpace.parse(yaml: "# note\n" + text, file: "b.yaml")
        let c = try SearchSpace.parse(yaml: text.replacingOccurrences(of: "0.55", with: "0.56"), file: "c.yaml")
        #expect(a.contentHash == b.contentHash && a.contentHash != c.contentHash)
    }

    @Test(arguments: [
        ("symbols: [BTCUSDT]\nmodels: [{kind: ridge}]\nhorizons: [15]\nthresholds: [0.45]\n", 4, "thresholds"),
        ("symbols: [BTCUSDT]\nmodels: [{kind: tree}]\nhorizons: [15]\nthresholds: [0.55]\n", 2, "models[0].kind"),
        ("symbols: [BTCUSDT]\nmodels: [{kind: ridge}]\nhorizons: [0]\nthresholds: [0.55]\n", 3, "horizons"),
        ("symbols: [BTCUSDT]\nmodels: [{kind: ridge}]\nhorizons: [15]\nthresholds: [0.55]\nsearch: {topk: 3}\n", 5, "search.topk"),
        ("symbols: [BTCUSDT, BTCUSDT]\nmodels: [{kind: ridge}]\nhorizons: [15]\nthresholds: [0.55]\n", 1, "symbols"),
    ])
    func badSpacesNameLineAndField(yaml: String, line: Int, field: String) {
        do {
            _ = try SearchSpace.parse(yaml: yaml, file: "space.yaml")
            Issue.record("accepted: \(yaml)")
        } catch let e as ConfigError {
            #expect(e.line == line && e.field == field, "\(e)")
        } catch { Issue.record("\(error)") }
    }
}
