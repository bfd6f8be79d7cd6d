import ConfigFormat
import Discovery
import Engine
import Risk
import Foundation
import TestSupport
import Testing

@Suite struct MlbotConfigTests {
    @Test func shippedFileEqualsTheBuiltInDefaults() throws {
        let path = Fixtures.repositoryRoot.appendingPathComponent("config/mlbot.yaml").path
        let shipped = try String(contentsOfFile: path, encoding: .utf8)
        #expect(shipped == MlbotConfig.defaultYAML)
        let c = try MlbotConfig.load(path: path)
        #expect(c.database == "mlbot.sqlite")
        #expect(c.data.symbols.map(\.name) == ["BTCUSDT", "ETHUSDT", "SOLUSDT"])
        #expect(c.risk == RiskLimits() && c.strategies == GraduationRules())   // the file states the defaults
        #expect(c.data.interval.name == "1m")
        #expect(c.data.synthetic.days == 90 && c.data.synthetic.seed == 42)
        #expect(c.data.synthetic.start == 1_704_067_200_000)
        #expect(c.data.bybit.baseURL == "https://api.bybit.com" && c.data.bybit.category == "linear")
        #expect(c.contentHash.count == 64)
    }

    @Test func missingKeysTakeDefaults() throws {
        let c = try MlbotConfig.parse(yaml: "database: x.sqlite\n", file: "c.yaml")
        #expect(c.database == "x.sqlite" && c.data.synthetic.days == 90)
    }

    @Test(arguments: [
        ("database: a\nsymbols: [BTCUSDT]\n", 2, "symbols", "known keys"),
        ("data:\n  interval: 2m\n", 2, "data.interval", "invalid interval"),
        ("data:\n  symbols: [btcusdt]\n", 2, "data.symbols", "upper-case"),
        ("data:\n  symbols: [BTCUSDT, BTCUSDT]\n", 2, "data.symbols", "each symbol once"),
        ("data:\n  synthetic:\n    days: 0\n", 3, "data.synthetic.days", "1...3650"),
        ("risk:\n  resize: [max_drawdown]\n", 2, "risk.resize", "max_position"),
        ("risk:\n  drawdown_action: panic\n", 2, "risk.drawdown_action", "reducing or halted"),
        ("strategies:\n  min_dsr: 2\n", 2, "strategies.min_dsr", "0.0...1.0"),
        ("data:\n  synthetic:\n    seed: -1\n", 3, "data.synthetic.seed", "integer"),
        ("data:\n  synthetic:\n    start: soon\n", 3, "data.synthetic.start", "ISO-8601"),
        ("data:\n  synthetic:\n    correlation: 1.5\n", 3, "data.synthetic.correlation", "number in"),
        ("data:\n  bybit:\n    base_url: ftp://x\n", 3, "data.bybit.base_url", "http"),
        ("data:\n  bybit:\n    category: option\n", 3, "data.bybit.category", "linear, spot or inverse"),
        ("database: a\ndatabase: b\n", 2, "database", "each key once"),
        ("data: [1, 2]\n", 1, "data", "mapping"),
        ("data:\n  symbols: [BTCUSDT\n", 3, "document", "valid YAML"),
    ])
    func badConfigNamesFileLineAndField(yaml: String, line: Int, field: String, expected: String) {
        do {
            _ = try MlbotConfig.parse(yaml: yaml, file: "bad.yaml")
            Issue.record("expected an error for \(yaml)")
        } catch let e as ConfigError {
            #expect(e.file == "bad.yaml")
            #expect(e.line == line, "\(e)")
            #expect(e.field == field, "\(e)")
            #expect(e.expected.contains(expected), "\(e)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func anExplicitMissingFileIsAnError() {
        #expect(throws: ConfigError.self) { try MlbotConfig.load(path: "/nonexistent/mlbot.yaml") }
    }
}
