import ArgumentParser
import Backtest
import Discovery
import Foundation
import Market
import Store

/// `mlbot backtest --strategy NAME | --config FILE.yaml`: a strategy evaluated out of sample with costs.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Backtest a stored strategy or a strategy file out of sample: walk-forward predictions, signal rules, fees and slippage.",
        discussion: """
            Each walk-forward block is predicted by a model trained on earlier bars only and calibrated
            on earlier folds only; decisions at a bar's close fill at the next open. The first block is
            never traded. The strategy file format is documented in config/strategy.example.yaml.

            A stored strategy is backtested over the bars its recorded figures were measured on (unless
            --from/--to say otherwise), and the result — metrics, equity curve and trades — is stored
            with it (`mlbot strategies show NAME`).

            Examples:
              mlbot backtest --strategy disc-1-01
              mlbot backtest --config config/strategy.example.yaml
              mlbot backtest --config my.yaml --json --equity equity.csv --trades trades.csv
            """
    )

    // `--config` is the strategy here (as the issue names it), so mlbot's own settings file is `--settings`.
    @Option(help: "SQLite database path (overrides the settings' 'database').") var db: String?
    @Option(help: "mlbot settings file (default: config/mlbot.yaml if present).") var settings: String?
    @OptionGroup var sets: FeatureSetOptions
    @Option(help: "A stored strategy (see `mlbot strategies list`).") var strategy: String?
    @Option(help: "A strategy file (YAML), not stored.") var config: String?
    @Option(help: "First bar (ISO-8601 or epoch).") var from: String?
    @Option(help: "Last bar (ISO-8601 or epoch).") var to: String?
    @Flag(help: "Print JSON (keys: strategy, symbol, interval, first, last, bars, metrics, psr, model, stored_as).") var json = false
    @Option(help: "Write the equity curve as CSV (timestamp, equity, return, exposure).") var equity: String?
    @Option(help: "Write the trade list as CSV.") var trades: String?

    struct Report: Encodable {
        let strategy: String, symbol: String, interval: String, first: String, last: String, bars: Int
        let metrics: PerformanceMetrics
        let psr: Double
        let model: ModelSummary
        @NullWhenAbsent var stored_as: Int64?
    }

    struct ModelSummary: Encodable {
        let auc: Double, log_loss: Double, brier: Double, ic: Double, ece: Double, samples: Int
    }

    func validate() throws {
        guard (strategy == nil) != (config == nil) else { throw ValidationError("give exactly one of --strategy NAME or --config FILE.yaml") }
    }

    func run() throws {
        let global = GlobalOptions(config: settings, db: db)
        let cfg = try global.loadConfig()
        let store = try global.openStore(cfg, mustExist: true)
        var lo = try from.map(UTCTime.parse), hi = try to.map(UTCTime.parse)
        let file: StrategyFile
        if let strategy {
            let stored = try StoredStrategy.load(strategy, store: store, featuresDirectory: sets.featuresDir)
            file = stored.file
            lo = lo ?? stored.record.dataFromMs
            hi = hi ?? stored.record.dataToMs
        } else {
            file = try StrategyFile.load(path: config!, featuresDirectory: sets.featuresDir)
        }
        let bars = try StrategyData.load(store, symbol: file.symbol, interval: file.interval, set: file.definition.set, from: lo, to: hi)
        let e = try StrategyEvaluator.evaluate(file.definition, series: bars.series, reference: bars.reference)
        let storedAs = try strategy.map { try store.backtests.save(try BacktestStorage.record(e, strategy: $0)) }
        let r = e.backtest, m = r.metrics, o = e.training.overall
        if let equity {
            try BacktestStorage.equityCSV(time: r.time, equity: r.equity, returns: r.returns, exposure: r.exposure).write(toFile: equity, atomically: true, encoding: .utf8)
        }
        if let trades {
            try BacktestStorage.tradesCSV(BacktestStorage.rows(r.trades)).write(toFile: trades, atomically: true, encoding: .utf8)
        }
        let report = Report(strategy: file.name, symbol: file.symbol.name, interval: file.interval.name,
                            first: UTCTime.iso(r.time.first!), last: UTCTime.iso(r.time.last!), bars: r.time.count, metrics: m, psr: e.psr,
                            model: ModelSummary(auc: o.auc, log_loss: o.logLoss, brier: o.brier, ic: o.ic, ece: e.training.ece, samples: o.samples),
                            stored_as: storedAs)
        if json { try JSONOutput.print(report); return }
        print("\(file.name): \(file.symbol.name) \(file.interval.name), out of sample \(report.first) … \(report.last) (\(report.bars) bars)")
        print(String(format: "  return %+.2f%% (annualised %+.2f%%), volatility %.2f%%, Sharpe %.2f, Sortino %.2f",
                     m.totalReturn * 100, m.annualizedReturn * 100, m.annualizedVolatility * 100, m.sharpe, m.sortino))
        print(String(format: "  max drawdown %.2f%% over %d bars, Calmar %.2f, turnover %.1f×/year, exposure %.0f%%",
                     m.maxDrawdown * 100, m.maxDrawdownBars, m.calmar, m.annualizedTurnover, m.exposure * 100))
        print(String(format: "  %d trades, hit rate %.1f%%, average trade %+.4f%%, fees %.4f (of initial equity 1)",
                     m.trades, m.hitRate * 100, m.averageTrade * 100, m.fees))
        print(String(format: "  probabilistic Sharpe ratio (vs 0, one trial): %.4f;  model out of fold: AUC %.4f, log loss %.4f, ECE %.4f",
                     e.psr, o.auc, o.logLoss, e.training.ece))
        if let storedAs { print("  stored as backtest #\(storedAs) of strategy \(strategy!)") }
    }
}
