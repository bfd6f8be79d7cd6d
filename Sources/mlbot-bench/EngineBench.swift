import Backtest
import ConfigFormat
import Engine
import Features
import Foundation
import Learning
import Market
import MarketData
import NumericKit
import Risk

extension Bench {
    /// The bar cycle as a backtest runs it (no store): one model strategy, one EMA-cross rule
    /// strategy, three symbols × three strategies, and a cycle with 50 open positions.
    static func engine() throws {
        let n = 1_000_000
        print("Engine: BarCycle over \(n) one-minute bars, paper broker, risk manager in the loop, no store")
        let symbols = try ["BTCUSDT", "ETHUSDT", "SOLUSDT"].map(Symbol.init)
        let generated = try SyntheticMarket(SyntheticMarket.Config(symbols: symbols, interval: .oneMinute, start: 1_704_067_200_000, bars: n, seed: 42)).generate()
        let set = try FeatureSet.named("default")
        var limits = RiskLimits()
        limits.maxPosition = 1; limits.maxDrawdown = 1; limits.maxDailyLoss = 1; limits.maxDailyTrades = 1_000_000
        let settings = EngineSettings(risk: limits)

        // A logistic model on the default set, trained on the first 50,000 ETH bars.
        let head = generated[1].slice(0..<50_000), headRef = generated[0].slice(0..<50_000)
        let frame = FeaturePipeline(set).compute(FeatureInput(head, reference: headRef))
        let report = try Trainer.train(Dataset(frame, closes: head.close), spec: .logistic(lambda: 1, classWeights: .none), cv: WalkForward(folds: 3),
                                       calibration: .platt)
        let rules = SignalRules(threshold: 0.5005, exit: .hold(bars: 15), sizing: .fixed(fraction: 0.1), longShort: true)
        func modelStrategy(_ name: String, on symbol: Symbol) throws -> StrategyRuntime {
            try StrategyRuntime(name: name, symbol: symbol, interval: .oneMinute, set: set, inputs: set.outputs, rules: rules,
                                execution: ExecutionModel(allowShort: true), source: .model(RowPredictor(report.model)))
        }
        let emaSet = try FeatureSet.parse(yaml: "name: ema\nfeatures:\n  - {indicator: ema_ratio, fast: 10, slow: 50}\nlabel: {kind: direction, horizon: 1}\n", file: "ema")
        func emaStrategy(_ name: String, on symbol: Symbol) throws -> StrategyRuntime {
            try StrategyRuntime(name: name, symbol: symbol, interval: .oneMinute, set: emaSet, inputs: emaSet.outputs,
                                rules: SignalRules(threshold: 0.75, exit: .opposite, sizing: .fixed(fraction: 0.1), longShort: true),
                                execution: ExecutionModel(allowShort: true), source: .rule(FeatureRule(.above, feature: emaSet.outputs[0], level: 0)))
        }
        // Best of two runs, each from a fresh state (the runtimes are rebuilt by `make`).
        func run(_ make: @autoclosure () throws -> [StrategyRuntime], series: [BarSeries]) throws -> (seconds: Double, backtest: EngineBacktest, rssGrowthMB: Double) {
            let first = try once(try make(), series: series), second = try once(try make(), series: series)
            return first.seconds <= second.seconds ? first : second
        }
        func once(_ strategies: [StrategyRuntime], series: [BarSeries]) throws -> (seconds: Double, backtest: EngineBacktest, rssGrowthMB: Double) {
            var state = try EngineState(instruments: series.map { Instrument.standard($0.symbol) }, strategies: strategies,
                                        broker: PaperBroker(execution: series.map { _ in ExecutionModel(allowShort: true) }),
                                        allocation: PortfolioSettings(method: .inverseVolatility), initialCash: 10_000, limits: limits, startMs: 0)
            let before = residentMB()
            var b: EngineBacktest?
            let s = time(1) { b = BacktestDriver.run(&state, series: series, settings: settings, keepCurves: false) }
            return (s, b!, residentMB() - before)
        }
        let only = ProcessInfo.processInfo.environment["MLBOT_BENCH_ENGINE"]   // e.g. "ema": one case, for a profiler
        if only == "ema" {
            let ema = try run([try emaStrategy("ema-cross", on: symbols[1])], series: [generated[1]])
            row("EMA(10)/EMA(50) cross rule, 1 strategy", ema.seconds, rate(Double(n), ema.seconds, "bars"))
            return
        }
        if only == "lr" {
            let one = try run([try modelStrategy("eth-logistic", on: symbols[1])], series: [generated[1], generated[0]])
            row("logistic on the default set (streaming), 1 strategy", one.seconds, rate(Double(n), one.seconds, "bars"))
            return
        }
        if only != "wide" {
        let one = try run([try modelStrategy("eth-logistic", on: symbols[1])], series: [generated[1], generated[0]])
        row("logistic on the default set (streaming), 1 strategy", one.seconds, rate(Double(n), one.seconds, "bars")
            + String(format: ", %.0f ns/bar, %d fills", one.seconds / Double(n) * 1e9, one.backtest.intents.values.reduce(0, +)))
        let ema = try run([try emaStrategy("ema-cross", on: symbols[1])], series: [generated[1]])
        row("EMA(10)/EMA(50) cross rule, 1 strategy", ema.seconds, rate(Double(n), ema.seconds, "bars")
            + String(format: ", %.0f ns/bar, %d orders", ema.seconds / Double(n) * 1e9, ema.backtest.intents.values.reduce(0, +)))
        func nineStrategies() throws -> [StrategyRuntime] {
        var nine: [StrategyRuntime] = []
        for s in symbols {
            nine.append(try modelStrategy("lr-\(s.name)", on: s))
            nine.append(try emaStrategy("ema-\(s.name)", on: s))
            nine.append(try StrategyRuntime(name: "ema2-\(s.name)", symbol: s, interval: .oneMinute, set: emaSet, inputs: emaSet.outputs,
                                            rules: SignalRules(threshold: 0.75, exit: .hold(bars: 60), sizing: .fixed(fraction: 0.05)),
                                            execution: ExecutionModel(), source: .rule(FeatureRule(.below, feature: emaSet.outputs[0], level: 0))))
        }
        return nine
        }
        let grid = try run(try nineStrategies(), series: generated)
        row("3 symbols × 3 strategies (netting, allocation)", grid.seconds, rate(Double(n), grid.seconds, "bar-times")
            + String(format: ", resident memory +%.1f MB over the run", grid.rssGrowthMB))
        }

        // 50 open positions; one strategy flips every bar, so every bar-time checks one order
        // against all of them (and sends it). The cost of a bar-time with that order, less one without.
        let m = 50, bars = 200_000
        var rng = SeededRNG(seed: 3)
        let many = (0..<m).map { i -> BarSeries in
            var s = BarSeries(symbol: try! Symbol("S\(i)USDT"), interval: .oneMinute, capacity: bars)
            var p = 100.0
            for t in 0..<bars {
                let c = p * exp(0.001 * rng.normal())
                s.append(Bar(openTime: Int64(t) * 60_000, open: p, high: max(p, c) * 1.0005, low: min(p, c) * 0.9995, close: c, volume: 1))
                p = c
            }
            return s
        }
        func holders(flipping: Bool) throws -> [StrategyRuntime] {
            try (0..<m).map { i in
                let p = (0..<bars).map { t in i == 0 && flipping ? (t % 2 == 0 ? 0.9 : 0.1) : 0.9 }
                return try StrategyRuntime(name: "h\(i)", symbol: many[i].symbol, interval: .oneMinute, set: nil, inputs: [],
                                           rules: SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: 0.5), longShort: true),
                                           execution: ExecutionModel(maxExposure: 1, allowShort: true),
                                           source: .recorded(times: many[i].openTime, probabilities: p))
            }
        }
        var wide = limits
        wide.maxGrossExposure = 100; wide.maxCorrelatedExposure = 100
        func timed(_ flipping: Bool) throws -> (Double, Int) {
            var state = try EngineState(instruments: many.map { Instrument.standard($0.symbol) }, strategies: try holders(flipping: flipping),
                                        broker: PaperBroker(execution: many.map { _ in ExecutionModel(allowShort: true) }),
                                        allocation: PortfolioSettings(method: .equal), initialCash: 1_000_000, limits: wide, startMs: 0)
            var b: EngineBacktest?
            let s = time(1) { b = BacktestDriver.run(&state, series: many, settings: EngineSettings(risk: wide), keepCurves: false) }
            return (s, b!.intents.values.reduce(0, +))
        }
        if only == "wide" { _ = try timed(true); return }
        let (quiet, _) = try timed(false)
        let (busy, orders) = try timed(true)
        let perOrder = (busy - quiet) / Double(max(1, orders - m))
        row("50 positions: bar-time with one order vs none", busy, String(format: "%.2f µs per order (check + order + fill + booking), %d orders", perOrder * 1e6, orders))
    }

    /// Resident set size now (not the peak), from /proc/self/statm.
    static func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return .nan }
        let pages = Double(text.split(separator: " ")[1]) ?? .nan
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
