import Config
import Discovery
import Foundation
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
        do {
            _ = try StrategyFile.parse(yaml: Self.base + extra, file: "s.yaml", featuresDirectory: features)
            Issue.record("accepted: \(extra)")
        } catch let e as ConfigError {
            #expect(e.line == line, "\(e)")
            #expect(e.field == field, "\(e)")
            #expect(e.expected.contains(expected), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    @Test func unknownModelKindAndFeatureSet() {
        #expect(throws: ConfigError.self) { try StrategyFile.parse(yaml: "symbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nmodel: {kind: forest}\nsignal: {threshold: 0.6}\n", file: "s.yaml", featuresDirectory: features) }
        #expect(throws: ConfigError.self) { try StrategyFile.parse(yaml: "symbol: ETHUSDT\ninterval: 1m\nfeature_set: nosuch\nmodel: {kind: ridge}\nsignal: {threshold: 0.6}\n", file: "s.yaml", featuresDirectory: features) }
    }
}
