import Backtest
import ConfigFormat
import Engine
import Foundation
import Market
import TestSupport
import Testing

@Suite struct InputTests {
    @Test(arguments: [
        ("instruments:\n  BTCUSDT: {tick_size: 0, qty_step: 0.001}\n", 2, "instruments.BTCUSDT.tick_size: expected a positive number"),
        ("instruments:\n  BTCUSDT: {tick_size: 0.1, qty_step: 0.001}\n  ETHUSDT: {tick_size: 0.01, qty_step: -0.01}\n", 3, "instruments.ETHUSDT.qty_step: expected a positive number"),
        ("instruments:\n  btc-usdt: {tick_size: 0.1, qty_step: 0.001}\n", 2, "instruments.btc-usdt: expected an upper-case symbol"),
        ("instruments:\n  BTCUSDT: {tick_size: 0.1, qty_step: 0.001, min_qty: 0.0015}\n", 2, "instruments.BTCUSDT.min_qty: expected a multiple of qty_step"),
        ("instruments:\n  BTCUSDT: {tick_size: 0.1, qty_step: 0.001, lot: 1}\n", 2, "instruments.BTCUSDT.lot: expected one of the known keys"),
        ("instruments:\n  BTCUSDT: {tick_size: ten, qty_step: 0.001}\n", 2, "instruments.BTCUSDT.tick_size: expected a decimal number"),
    ])
    func aBadInstrumentFileSaysWhereAndWhat(yaml: String, line: Int, message: String) throws {
        let e = try caught(ConfigError.self) { _ = try InstrumentCatalog.parse(yaml: yaml, file: "instruments.yaml") }
        #expect(e?.description.hasPrefix("instruments.yaml:\(line): \(message)") == true, "\(String(describing: e))")
    }

    @Test func theShippedInstrumentsAreExact() throws {
        let c = try InstrumentCatalog.load(path: Fixtures.repositoryRoot.appendingPathComponent("config/instruments.yaml").path)
        let btc = c.instrument(try Symbol("BTCUSDT"))
        #expect(btc.tickSize == Decimal(string: "0.1")! && btc.quantityStep == Decimal(string: "0.001")! && btc.minNotional == 5)
        #expect(btc.steps(towardZero: 0.003) == 3 && btc.steps(towardZero: 0.0029999) == 2 && btc.steps(towardZero: 0.0039) == 3 && btc.steps(towardZero: -0.0039) == -3)
        #expect(btc.price(ticks: btc.ticks(42_000.06, rounding: .up)).exact == "42000.1")
        // A symbol the file does not list gets the documented defaults.
        #expect(c.instrument(try Symbol("XYZUSDT")) == Instrument.standard(try Symbol("XYZUSDT")))
    }

    @Test func anUnknownPortfolioMethodIsRefusedOnItsLine() throws {
        let yaml = "database: x.sqlite\nportfolio:\n  method: kelly\n"
        let e = try caught(ConfigError.self) { _ = try MlbotConfig.parse(yaml: yaml, file: "mlbot.yaml") }
        #expect(e?.description.hasPrefix("mlbot.yaml:3: portfolio.method: expected one of equal, inverse-vol, risk-parity, min-variance") == true,
                "\(String(describing: e))")
        let time = try caught(ConfigError.self) { _ = try MlbotConfig.parse(yaml: "portfolio:\n  rebalance_at: \"25:00\"\n", file: "mlbot.yaml") }
        #expect(time?.description.hasPrefix("mlbot.yaml:2: portfolio.rebalance_at: expected a UTC time of day HH:MM") == true)
    }

    @Test func thePlantedEdgeIsOffByDefaultAndCheckedOnItsLine() throws {
        let shipped = MlbotConfig.builtIn().data.synthetic
        #expect(!shipped.edgeEnabled && shipped.edge?.symbol.name == "SOLUSDT" && shipped.edge?.strength == 0.1)
        let yaml = "data:\n  synthetic:\n    edge:\n      symbol: XRPUSDT\n"
        let e = try caught(ConfigError.self) { _ = try MlbotConfig.parse(yaml: yaml, file: "mlbot.yaml") }
        #expect(e?.description.hasPrefix("mlbot.yaml:4: data.synthetic.edge.symbol: expected one of data.symbols") == true, "\(String(describing: e))")
        let strength = try caught(ConfigError.self) {
            _ = try MlbotConfig.parse(yaml: "data:\n  synthetic:\n    edge: {symbol: SOLUSDT, strength: 2}\n", file: "mlbot.yaml")
        }
        #expect(strength?.description.contains("data.synthetic.edge.strength") == true, "\(String(describing: strength))")
    }

    @Test func clientOrderIDsAreShortDistinctAndDeterministic() throws {
        let a = ClientOrderID(owner: "disc-20241201-01", barTimeMs: 1_704_067_200_000, leg: 0)
        #expect(a == ClientOrderID(owner: "disc-20241201-01", barTimeMs: 1_704_067_200_000, leg: 0))
        #expect(a != ClientOrderID(owner: "disc-20241201-01", barTimeMs: 1_704_067_260_000, leg: 0))
        #expect(a != ClientOrderID(owner: "disc-20241201-01", barTimeMs: 1_704_067_200_000, leg: 1))
        let long1 = ClientOrderID(owner: String(repeating: "x", count: 60) + "a", barTimeMs: 1_704_067_200_000, leg: 3)
        let long2 = ClientOrderID(owner: String(repeating: "x", count: 60) + "b", barTimeMs: 1_704_067_200_000, leg: 3)
        let odd = ClientOrderID(owner: "ema cross/β", barTimeMs: 1, leg: 0)
        for id in [a, long1, long2, odd] {
            #expect(id.value.count <= 36 && (try? ClientOrderID(id.value)) == id, "\(id)")
        }
        #expect(long1 != long2)
        #expect((try? ClientOrderID("has space")) == nil && (try? ClientOrderID(String(repeating: "a", count: 37))) == nil)
    }
}

@Suite struct FeeRateTests {
    @Test func feesAreExactOnTheirDecimalRate() throws {
        var s = BarSeries(symbol: try Symbol("XUSDT"), interval: try Interval("1m"))
        s.append(Bar(openTime: 0, open: 100, high: 100, low: 100, close: 100, volume: 1))
        s.append(Bar(openTime: 60_000, open: 100, high: 100, low: 100, close: 100, volume: 1))
        for (rate, fee) in [(0.00055, "0.55"), (0.00001, "0.01"), (0, "0")] {
            let exec = ExecutionModel(takerFee: rate, slippageBps: 0)
            var st = try state([grid("XUSDT")], [try recorded("f", on: s, p: [0.9, 0.9],
                                                                 rules: SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.1)), execution: exec)],
                               execution: exec)
            var out = CycleOutcome()
            BarCycle.step(&st, time: 0, bars: [s[0]], settings: EngineSettings(risk: looseLimits()), into: &out)
            BarCycle.step(&st, time: 60_000, bars: [s[1]], settings: EngineSettings(risk: looseLimits()), into: &out)
            // 10 units × 100 = 1,000 of notional.
            #expect(out.fills.first?.feeAmount.exact == fee, "rate \(rate)")
        }
    }
}
