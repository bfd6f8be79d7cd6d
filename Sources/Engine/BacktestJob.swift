import Backtest
import ConfigFormat
import Discovery
import Foundation
import Market
import MarketData
import Store

/// What `mlbot backtest` runs: one stored strategy, a strategy file, or a portfolio of stored
/// strategies, in either mode, through `BarCycle` with the configured instruments, allocation and
/// risk limits.
public struct BacktestJob {
    public enum Target: Sendable, Equatable {
        case strategy(String)
        case file(String)
        /// Every stored strategy with this status (paper or live), or these names.
        case status(StrategyRecord.Status)
        case names([String])
    }

    public var target: Target
    public var mode: BacktestMode
    public var from: Int64?
    public var to: Int64?
    public var featuresDirectory: String
    /// Model versions to run instead of the active ones, by strategy (a restarted service runs
    /// the versions its session started with, then the swaps it recorded).
    public var modelVersions: [String: Int] = [:]

    public init(target: Target, mode: BacktestMode, from: Int64? = nil, to: Int64? = nil, featuresDirectory: String = "features") {
        self.target = target; self.mode = mode; self.from = from; self.to = to; self.featuresDirectory = featuresDirectory
    }

    public struct Outcome {
        public let strategies: [PreparedStrategy]
        public let backtest: EngineBacktest
        /// Probabilistic Sharpe ratio of the account's bar returns (vs 0, one trial).
        public let psr: Double
        public let initialEquity: Double
    }

    public func run(store: DataStore, config: MlbotConfig, catalog: InstrumentCatalog) throws -> Outcome {
        let prepared = try prepare(store: store, config: config)
        let settings = EngineSettings(config: config)
        let backtest = try StrategyBacktest.run(prepared, catalog: catalog, config: config, settings: settings, to: to)
        let psr = SharpeStatistics.probabilistic(SharpeStatistics.Moments(returns: backtest.result.returns), benchmark: 0)
        return Outcome(strategies: prepared, backtest: backtest, psr: psr, initialEquity: config.portfolio.initialEquity)
    }

    /// The target's strategies loaded and made ready for the engine (the service prepares its
    /// strategies with this too, in `model` mode, so that it trades what the backtest trades).
    public func prepare(store: DataStore, config: MlbotConfig) throws -> [PreparedStrategy] {
        var loaded: [(name: String, file: StrategyFile, record: StrategyRecord?)] = []
        switch target {
        case .file(let path):
            let file = try StrategyFile.load(path: path, featuresDirectory: featuresDirectory)
            loaded = [(file.name, file, nil)]
        case .strategy(let name):
            let s = try StoredStrategy.load(name, store: store, featuresDirectory: featuresDirectory)
            loaded = [(name, s.file, s.record)]
        case .status(let status):
            let records = try store.strategies.list(status: status)
            guard !records.isEmpty else { throw Failure(.notFound, "no strategies with status \(status.rawValue) in \(store.path)") }
            loaded = try records.map { r in (r.name, try StoredStrategy.load(r.name, store: store, featuresDirectory: featuresDirectory).file, r) }
        case .names(let names):
            loaded = try names.map { n in
                let s = try StoredStrategy.load(n, store: store, featuresDirectory: featuresDirectory)
                return (n, s.file, s.record)
            }
        }
        if mode == .model, loaded.contains(where: { $0.record == nil && $0.file.definition.rule == nil }) {
            throw Failure(.badInput, "--mode model runs a stored strategy's registered model; a strategy file has none (import it and train, or use --mode walk-forward)")
        }
        // One range per symbol, so strategies that share a symbol share its bars.
        var lo = from, hi = to
        if case .strategy = target, let r = loaded[0].record, mode == .walkForward {
            lo = lo ?? r.dataFromMs
            hi = hi ?? r.dataToMs
        }
        var bars: [Symbol: LoadedSeries] = [:]
        var prepared: [PreparedStrategy] = []
        // The look-ahead gate once per feature set, however many strategies share it.
        var checked = Set<String>()
        for s in loaded where checked.insert(s.file.definition.set.contentHash).inserted { try s.file.definition.set.requireNoLookAhead() }
        for s in loaded {
            // Every strategy sees its symbol from the history anchor; walk-forward uses bars from `lo`.
            let data = try bars[s.file.symbol] ?? StrategyData.loadChecked(store, symbol: s.file.symbol, interval: s.file.interval, set: s.file.definition.set,
                                                                          from: mode == .model ? nil : lo, to: hi)
            bars[s.file.symbol] = data
            if s.file.definition.rule != nil {   // nothing trained: both modes run the rule
                prepared.append(try StrategyBacktest.rule(name: s.name, definition: s.file.definition, series: data.series, reference: data.reference, from: lo))
                continue
            }
            switch mode {
            case .walkForward:
                prepared.append(try StrategyBacktest.walkForward(name: s.name, definition: s.file.definition, data: data))
            case .model:
                prepared.append(try StrategyBacktest.model(name: s.name, file: s.file, modelName: s.record?.modelName ?? s.name,
                                                           version: modelVersions[s.name], store: store,
                                                           series: data.series, reference: data.reference, from: lo))
            }
        }
        return prepared
    }
}
