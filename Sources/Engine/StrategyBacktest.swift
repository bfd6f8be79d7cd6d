import Backtest
import ConfigFormat
import Discovery
import Features
import Foundation
import Learning
import Market
import MarketData
import Store

/// Where a backtest's probabilities come from.
public enum BacktestMode: String, Sendable, CaseIterable {
    /// Each walk-forward test block predicted by a model trained on earlier bars only: the honest
    /// out-of-sample estimate.
    case walkForward = "walk-forward"
    /// The strategy's active registered model, fixed, over bars after its training range: what
    /// the service will trade.
    case model
}

/// One strategy made ready for the engine: its runtime, its bars (and its reference's), and the
/// first bar it decides on.
public struct PreparedStrategy {
    public let name: String
    public let symbol: Symbol
    public let interval: Interval
    public let definition: StrategyDefinition
    public let runtime: StrategyRuntime
    public let series: BarSeries
    public let reference: BarSeries?
    public let tradeFromMs: Int64
    /// The walk-forward evaluation behind a `walkForward` run.
    public let evaluation: StrategyEvaluation?
    /// The registered model behind a `model` run.
    public let model: ModelEntry?

    public init(name: String, symbol: Symbol, interval: Interval, definition: StrategyDefinition, runtime: StrategyRuntime, series: BarSeries,
                reference: BarSeries?, tradeFromMs: Int64, evaluation: StrategyEvaluation?, model: ModelEntry?) {
        self.name = name; self.symbol = symbol; self.interval = interval; self.definition = definition; self.runtime = runtime
        self.series = series; self.reference = reference; self.tradeFromMs = tradeFromMs; self.evaluation = evaluation; self.model = model
    }
}

/// Backtests of stored strategies and strategy files through `BarCycle`.
public enum StrategyBacktest {

    /// Walk-forward predictions over the bars from `data.fromIndex` (features seeded at the history
    /// anchor), then the strategy through the engine from the first predicted bar (the first
    /// walk-forward block is never traded).
    public static func walkForward(name: String, definition: StrategyDefinition, data: LoadedSeries) throws -> PreparedStrategy {
        let rules = definition.rules
        let prepared = PreparedSeries(data, set: definition.set, atrPeriod: rules.atrPeriod, volatilityPeriod: rules.volatilityPeriod)
        let predictions = try StrategyEvaluator.predict(definition, on: prepared)
        let evaluation = StrategyEvaluator.trade(definition, predictions: predictions, on: prepared)
        let window = prepared.series, series = data.series
        let from = window.openTime[predictions.firstRow]
        let runtime = try StrategyRuntime(name: name, symbol: series.symbol, interval: series.interval, set: nil, inputs: [], rules: rules,
                                          execution: definition.execution,
                                          source: .recorded(times: window.openTime, probabilities: predictions.outOfSample), tradeFromMs: from)
        return PreparedStrategy(name: name, symbol: series.symbol, interval: series.interval, definition: definition, runtime: runtime,
                                series: series, reference: data.reference, tradeFromMs: from, evaluation: evaluation, model: nil)
    }

    /// A rule strategy: its rule over the streaming features, from the first bar (or `from`). The
    /// same in both modes, as nothing is trained; `series` starts at the symbol's history anchor.
    public static func rule(name: String, definition: StrategyDefinition, series: BarSeries, reference: BarSeries?, from: Int64?) throws -> PreparedStrategy {
        guard let rule = definition.rule else { throw Failure(.internal, "strategy '\(name)' has no rule") }
        let start = max(series.openTime.first ?? 0, from ?? .min)
        let runtime = try StrategyRuntime(name: name, symbol: series.symbol, interval: series.interval, set: definition.set, inputs: [rule.feature],
                                          rules: definition.rules, execution: definition.execution, source: .rule(rule), tradeFromMs: start)
        return PreparedStrategy(name: name, symbol: series.symbol, interval: series.interval, definition: definition, runtime: runtime,
                                series: series, reference: reference, tradeFromMs: start, evaluation: nil, model: nil)
    }

    /// Discovery's hook: a saved strategy's stored figures come from the bar cycle.
    public static func finalBacktest(catalog: InstrumentCatalog, config: MlbotConfig)
        -> @Sendable (String, StrategyDefinition, LoadedSeries) throws -> (BacktestResult, Double) {
        { name, definition, data in
            let p = definition.rule == nil ? try walkForward(name: name, definition: definition, data: data)
                                           : try rule(name: name, definition: definition, series: data.series, reference: data.reference, from: data.fromMs)
            let b = try run([p], catalog: catalog, config: config, settings: EngineSettings(risk: config.risk))
            return (b.result, SharpeStatistics.probabilistic(SharpeStatistics.Moments(returns: b.result.returns), benchmark: 0))
        }
    }

    /// The strategy's active registered model, or `version` of it (checked against the feature
    /// set it was trained on), fixed, from the first bar after its training range (or `from`, if
    /// later; `startAt` forces the start, for scoring models over one holdout). `series` starts
    /// at the symbol's history anchor so the streams warm up as the batch features do.
    public static func model(name: String, file: StrategyFile, modelName: String, version: Int? = nil, store: DataStore, series: BarSeries,
                             reference: BarSeries?, from: Int64?, startAt: Int64? = nil) throws -> PreparedStrategy {
        let entry = try store.models.entry(modelName, version: version)
        let set = file.definition.set
        let (manifest, trained) = try ModelArtifact.load(URL(fileURLWithPath: entry.path), featureHash: set.contentHash)
        let inputs = file.definition.features ?? set.outputs
        guard manifest.featureSet.outputs == inputs else {
            throw Failure(.conflict, "model \(entry.name)@\(entry.version) reads \(manifest.featureSet.outputs.joined(separator: ", ")); strategy '\(name)' names \(inputs.joined(separator: ", "))")
        }
        let afterTraining = manifest.tradeableFromMs(intervalMs: file.interval.milliseconds)
        let start = startAt ?? max(afterTraining, from ?? .min)
        guard let last = series.openTime.last, last >= start else {
            throw Failure(.notFound, "no \(file.symbol.name) \(file.interval.name) bars after the training range of model \(entry.name)@\(entry.version) "
                                + "(trained on bars to \(UTCTime.iso(manifest.data.lastMs)); trading would start at \(UTCTime.iso(start)))"
                                + (series.openTime.last.map { "; the store ends at \(UTCTime.iso($0))" } ?? ""))
        }
        let runtime = try StrategyRuntime(name: name, symbol: file.symbol, interval: file.interval, set: set, inputs: inputs,
                                          rules: file.definition.rules, execution: file.definition.execution,
                                          source: .model(RowPredictor(trained)), tradeFromMs: start, modelThroughMs: manifest.data.lastMs)
        return PreparedStrategy(name: name, symbol: file.symbol, interval: file.interval, definition: file.definition, runtime: runtime,
                                series: series, reference: reference, tradeFromMs: start, evaluation: nil, model: entry)
    }

    /// The same strategies, fresh, at no cost: no fee and no slippage (what a report sets beside
    /// the costed result).
    public static func withoutCosts(_ strategies: [PreparedStrategy]) throws -> [PreparedStrategy] {
        try strategies.map { p in
            var d = p.definition
            d.execution.takerFee = 0; d.execution.slippageBps = 0; d.execution.rangeShare = 0
            return PreparedStrategy(name: p.name, symbol: p.symbol, interval: p.interval, definition: d, runtime: try p.runtime.fresh(execution: d.execution),
                                    series: p.series, reference: p.reference, tradeFromMs: p.tradeFromMs, evaluation: p.evaluation, model: p.model)
        }
    }

    /// Runs the strategies together through `BarCycle`: allocation, netting per symbol, the global
    /// risk manager and the paper broker. Results are recorded from the earliest decision bar.
    public static func run(_ strategies: [PreparedStrategy], catalog: InstrumentCatalog, config: MlbotConfig, settings: EngineSettings,
                           to: Int64? = nil, observe: ((CycleOutcome, EngineState) -> Void)? = nil) throws -> EngineBacktest {
        var (state, series, start) = try initialState(strategies, catalog: catalog, config: config, settings: settings)
        return BacktestDriver.run(&state, series: series, settings: settings, recordFromMs: start, to: to ?? .max, observe: observe)
    }

    /// The engine state the strategies start from (the service's and the backtest's alike), the
    /// series it steps (one per instrument) and the first bar-time any strategy decides on.
    public static func initialState(_ strategies: [PreparedStrategy], catalog: InstrumentCatalog, config: MlbotConfig, settings: EngineSettings) throws
        -> (state: EngineState, series: [BarSeries], startMs: Int64) {
        guard !strategies.isEmpty else { throw Failure(.badInput, "no strategies to backtest") }
        var symbols: [Symbol] = []
        var series: [Symbol: BarSeries] = [:]
        var execution: [Symbol: ExecutionModel] = [:]
        for p in strategies {
            if !symbols.contains(p.symbol) { symbols.append(p.symbol); series[p.symbol] = p.series; execution[p.symbol] = p.definition.execution }
            if let r = p.reference, !symbols.contains(r.symbol) { symbols.append(r.symbol); series[r.symbol] = r }
            guard series[p.symbol] == p.series else {
                throw Failure(.badInput, "strategies on \(p.symbol.name) must run over the same bars (load them over one range)")
            }
        }
        let intervals = Set(strategies.map(\.interval))
        guard intervals.count == 1 else { throw Failure(.badInput, "strategies of one backtest share one interval; got \(intervals.map(\.name).sorted().joined(separator: ", "))") }
        let instruments = symbols.map(catalog.instrument)
        let broker = PaperBroker(execution: symbols.map { execution[$0] ?? ExecutionModel() })
        let start = strategies.map(\.tradeFromMs).min()!
        for p in strategies { p.runtime.maxModelAgeMs = config.models.limit(for: p.name) }
        let state = try EngineState(instruments: instruments, strategies: strategies.map(\.runtime), broker: broker, allocation: config.portfolio,
                                    initialCash: Money(Decimal(string: "\(config.portfolio.initialEquity)") ?? 0) ?? Money(units: Int128(config.portfolio.initialEquity) * Money.unitsPerOne),
                                    limits: settings.risk, startMs: start)
        return (state, symbols.map { series[$0]! }, start)
    }
}
