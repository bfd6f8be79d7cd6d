import ArgumentParser
import Backtest
import Discovery
import Engine
import Foundation
import Market
import Risk
import Store

extension BacktestMode: ExpressibleByArgument {}

/// `mlbot backtest`: a stored strategy, a strategy file or a portfolio through the engine's bar cycle.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Backtest a stored strategy, a strategy file or a portfolio through the engine: instruments, orders, fills, allocation and the risk manager.",
        discussion: """
            Every backtest runs the bar cycle the service runs: at each bar's close the strategy's \
            probability becomes a target, the allocator turns it into a quantity on the instrument's \
            grid (config/instruments.yaml), the strategies' orders on one symbol are netted, the \
            global risk manager (config/mlbot.yaml → risk:) passes, resizes or vetoes each, and the \
            paper broker fills it at the next bar's open with fees and slippage.

            --mode walk-forward (the default) predicts each walk-forward block with a model trained \
            on earlier bars only and calibrated on earlier folds only; the first block is never \
            traded. --mode model runs the strategy's active registered model, fixed, over the bars \
            after its training range: what `mlbot serve` will trade. A stored strategy's walk-forward \
            backtest is stored with it (`mlbot strategies show NAME`). A rule strategy \
            (`signal: {rule: …}`) trains nothing, so both modes run its rule over the streaming \
            features from the first bar.

            Examples:
              mlbot backtest --strategy disc-1-01
              mlbot backtest --strategy disc-1-01 --mode model --json
              mlbot backtest --file config/strategy.example.yaml --equity equity.csv --trades trades.csv
              mlbot backtest --portfolio paper
              mlbot backtest --portfolio disc-1-01,disc-1-02 --from 2024-03-01
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sets: FeatureSetOptions
    @Option(help: "A stored strategy (see `mlbot strategies list`).") var strategy: String?
    @Option(help: "A strategy file (YAML), not stored; the format is in config/strategy.example.yaml.") var file: String?
    @Option(help: "Several stored strategies at once: paper, live, or names separated by commas.") var portfolio: String?
    @Option(help: "Where probabilities come from: walk-forward or model.") var mode: BacktestMode = .walkForward
    @Option(help: "Instrument grid file (default: config/instruments.yaml if present).") var instruments: String?
    @Option(help: "First bar to trade (ISO-8601 or epoch).") var from: String?
    @Option(help: "Last bar (ISO-8601 or epoch).") var to: String?
    @Flag(help: "Print JSON (keys: strategies, mode, symbols, first, last, bars, initial_equity, final_equity, metrics, psr, orders, fills, fees, intents, vetoes, resizes, skipped, stored_as).")
    var json = false
    @Option(help: "Write the equity curve as CSV (timestamp, equity, return, exposure).") var equity: String?
    @Option(help: "Write the trade list as CSV.") var trades: String?
    @Option(help: "Write the orders and their fills as CSV.") var fills: String?

    struct Report: Encodable {
        let strategies: [StrategyLine]
        let mode: String, symbols: [String], first: String, last: String, bars: Int
        let initial_equity: Double, final_equity: Double
        let metrics: PerformanceMetrics
        let psr: Double
        let orders: Int, fills: Int, fees: String
        let intents: [String: Int], vetoes: [String: Int], resizes: [String: Int]
        let skipped: Int
        @NullWhenAbsent var stored_as: Int64?
    }

    struct StrategyLine: Encodable {
        let name: String, symbol: String, pnl: Double, trading_from: String
        /// walk-forward, model or rule: where this strategy's probabilities came from.
        let source: String
        @NullWhenAbsent var model: String?
    }

    func validate() throws {
        guard [strategy, file, portfolio].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --strategy NAME, --file FILE.yaml or --portfolio paper|live|NAME,NAME")
        }
    }

    func run() throws {
        let cfg = try global.loadConfig()
        let store = try global.openStore(cfg, mustExist: true)
        let catalog = try InstrumentCatalog.load(path: instruments)
        let target: BacktestJob.Target
        if let strategy { target = .strategy(strategy) } else if let file { target = .file(file) } else {
            let p = portfolio!
            if let status = StrategyRecord.Status(rawValue: p), status == .paper || status == .live { target = .status(status) }
            else { target = .names(p.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
        }
        let job = BacktestJob(target: target, mode: mode, from: try from.map(UTCTime.parse), to: try to.map(UTCTime.parse),
                              featuresDirectory: sets.featuresDir)
        let o = try job.run(store: store, config: cfg, catalog: catalog)
        let b = o.backtest, r = b.result, m = r.metrics
        guard let firstTime = r.time.first, let lastTime = r.time.last else { throw ValidationError("no bars to trade in this range") }
        var storedAs: Int64?
        if let strategy, mode == .walkForward { storedAs = try store.backtests.save(try BacktestStorage.record(r, psr: o.psr, strategy: strategy)) }
        if let equity {
            try BacktestStorage.equityCSV(time: r.time, equity: r.equity, returns: r.returns, exposure: r.exposure).write(toFile: equity, atomically: true, encoding: .utf8)
        }
        if let trades { try BacktestStorage.tradesCSV(BacktestStorage.rows(r.trades)).write(toFile: trades, atomically: true, encoding: .utf8) }
        if let fills { try OrderLog.csv(orders: b.orders, fills: b.fills).write(toFile: fills, atomically: true, encoding: .utf8) }
        let lines = o.strategies.enumerated().map { k, p in
            StrategyLine(name: p.name, symbol: p.symbol.name, pnl: b.strategyPnL[k], trading_from: UTCTime.iso(p.tradeFromMs),
                         source: p.definition.rule != nil ? "rule" : mode.rawValue, model: p.model.map { "\($0.name)@\($0.version)" })
        }
        let report = Report(strategies: lines, mode: mode.rawValue, symbols: b.ledger.instruments.map(\.symbol.name),
                            first: UTCTime.iso(firstTime), last: UTCTime.iso(lastTime), bars: r.time.count,
                            initial_equity: o.initialEquity, final_equity: r.equity.last ?? o.initialEquity, metrics: m, psr: o.psr,
                            orders: b.orders.count, fills: b.fills.count, fees: b.ledger.feesPaid.exact,
                            intents: Dictionary(uniqueKeysWithValues: b.intents.map { ($0.key.rawValue, $0.value) }),
                            vetoes: b.count(.veto), resizes: b.count(.resize), skipped: b.skipped.count, stored_as: storedAs)
        if json { try JSONOutput.print(report); return }
        let names = lines.map(\.name).joined(separator: ", ")
        let sources = Set(lines.map(\.source)).sorted().joined(separator: ", ")
        print("\(names) (\(sources)): \(report.first) … \(report.last) (\(report.bars) bars), \(report.symbols.joined(separator: ", "))")
        print(String(format: "  equity %.2f → %.2f: return %+.2f%% (annualised %+.2f%%), volatility %.2f%%, Sharpe %.2f, Sortino %.2f",
                     o.initialEquity, report.final_equity, m.totalReturn * 100, m.annualizedReturn * 100, m.annualizedVolatility * 100, m.sharpe, m.sortino))
        print(String(format: "  max drawdown %.2f%% over %d bars, Calmar %.2f, turnover %.1f×/year, exposure %.0f%%",
                     m.maxDrawdown * 100, m.maxDrawdownBars, m.calmar, m.annualizedTurnover, m.exposure * 100))
        print(String(format: "  %d trades, hit rate %.1f%%, average trade %+.4f%%; probabilistic Sharpe ratio (vs 0, one trial) %.4f",
                     m.trades, m.hitRate * 100, m.averageTrade * 100, o.psr))
        print("  \(b.orders.count) orders, \(b.fills.count) fills, fees \(b.ledger.feesPaid.exact); \(b.skipped.count) under the instrument minimums")
        let vetoes = b.count(.veto), resizes = b.count(.resize)
        print("  risk: " + (vetoes.isEmpty && resizes.isEmpty ? "no vetoes or resizes" :
            (vetoes.sorted { $0.key < $1.key }.map { "\($0.value) vetoed by \($0.key)" } + resizes.sorted { $0.key < $1.key }.map { "\($0.value) resized by \($0.key)" }).joined(separator: ", ")))
        if lines.count > 1 { for l in lines { print(String(format: "  %@ (%@): P&L %+.2f", l.name, l.symbol, l.pnl)) } }
        if let storedAs { print("  stored as backtest #\(storedAs) of strategy \(strategy!)") }
    }
}
