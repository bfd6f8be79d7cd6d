import ArgumentParser
import Backtest
import Discovery
import Foundation
import Market

/// `mlbot backtest --config FILE.yaml`: an unsaved strategy, evaluated out of sample with costs.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Backtest a strategy file out of sample: walk-forward predictions, signal rules, fees and slippage.",
        discussion: """
            Each walk-forward block is predicted by a model trained on earlier bars only and calibrated
            on earlier folds only; decisions at a bar's close fill at the next open. The first block is
            never traded. The strategy file format is documented in config/strategy.example.yaml.

            Example:
              mlbot backtest --config config/strategy.example.yaml
              mlbot backtest --config my.yaml --json --equity equity.csv --trades trades.csv
            """
    )

    // `--config` is the strategy here (as the issue names it), so mlbot's own settings file is `--settings`.
    @Option(help: "SQLite database path (overrides the settings' 'database').") var db: String?
    @Option(help: "mlbot settings file (default: config/mlbot.yaml if present).") var settings: String?
    @OptionGroup var sets: FeatureSetOptions
    @Option(help: "Strategy file (YAML).") var config: String
    @Option(help: "First bar (ISO-8601 or epoch).") var from: String?
    @Option(help: "Last bar (ISO-8601 or epoch).") var to: String?
    @Flag(help: "Print JSON (keys: strategy, symbol, interval, first, last, bars, metrics, psr, model).") var json = false
    @Option(help: "Write the equity curve as CSV (timestamp, equity, return, exposure).") var equity: String?
    @Option(help: "Write the trade list as CSV.") var trades: String?

    struct Report: Encodable {
        let strategy: String, symbol: String, interval: String, first: String, last: String, bars: Int
        let metrics: PerformanceMetrics
        let psr: Double
        let model: ModelSummary
    }

    struct ModelSummary: Encodable {
        let auc: Double, log_loss: Double, brier: Double, ic: Double, ece: Double, samples: Int
    }

    func run() throws {
        let global = GlobalOptions(config: settings, db: db)
        let cfg = try global.loadConfig()
        let strategy = try StrategyFile.load(path: config, featuresDirectory: sets.featuresDir)
        let store = try global.openStore(cfg, mustExist: true)
        let lo = try from.map(UTCTime.parse), hi = try to.map(UTCTime.parse)
        let series = try store.bars.series(symbol: strategy.symbol, interval: strategy.interval, from: lo, to: hi)
        guard !series.isEmpty else { throw ValidationError("no \(strategy.symbol.name) \(strategy.interval.name) bars in \(store.path)") }
        let reference = try strategy.definition.set.reference.map { name -> BarSeries in
            let r = try store.bars.series(symbol: try Symbol(name), interval: strategy.interval, from: lo, to: hi)
            guard !r.isEmpty else { throw ValidationError("feature set needs reference \(name) \(strategy.interval.name) bars; none in \(store.path)") }
            return r
        }
        let e = try StrategyEvaluator.evaluate(strategy.definition, series: series, reference: reference)
        let r = e.backtest, m = r.metrics, o = e.training.overall
        if let equity {
            var text = "timestamp,equity,return,exposure\n"
            for t in r.time.indices { text += "\(r.time[t]),\(r.equity[t]),\(r.returns[t]),\(r.exposure[t])\n" }
            try text.write(toFile: equity, atomically: true, encoding: .utf8)
        }
        if let trades {
            var text = "side,entry_time,entry_price,exit_time,exit_price,result,bars\n"
            for tr in r.trades {
                text += "\(tr.side),\(tr.entryTime),\(tr.entryPrice),\(tr.exitTime.map(String.init) ?? ""),\(tr.exitPrice.map { "\($0)" } ?? ""),\(tr.result),\(tr.bars)\n"
            }
            try text.write(toFile: trades, atomically: true, encoding: .utf8)
        }
        let report = Report(strategy: strategy.name, symbol: strategy.symbol.name, interval: strategy.interval.name,
                            first: UTCTime.iso(r.time.first!), last: UTCTime.iso(r.time.last!), bars: r.time.count, metrics: m, psr: e.psr,
                            model: ModelSummary(auc: o.auc, log_loss: o.logLoss, brier: o.brier, ic: o.ic, ece: e.training.ece, samples: o.samples))
        if json { try JSONOutput.print(report); return }
        print("\(strategy.name): \(strategy.symbol.name) \(strategy.interval.name), out of sample \(report.first) … \(report.last) (\(report.bars) bars)")
        print(String(format: "  return %+.2f%% (annualised %+.2f%%), volatility %.2f%%, Sharpe %.2f, Sortino %.2f",
                     m.totalReturn * 100, m.annualizedReturn * 100, m.annualizedVolatility * 100, m.sharpe, m.sortino))
        print(String(format: "  max drawdown %.2f%% over %d bars, Calmar %.2f, turnover %.1f×/year, exposure %.0f%%",
                     m.maxDrawdown * 100, m.maxDrawdownBars, m.calmar, m.annualizedTurnover, m.exposure * 100))
        print(String(format: "  %d trades, hit rate %.1f%%, average trade %+.4f%%, fees %.4f (of initial equity 1)",
                     m.trades, m.hitRate * 100, m.averageTrade * 100, m.fees))
        print(String(format: "  probabilistic Sharpe ratio (vs 0, one trial): %.4f;  model out of fold: AUC %.4f, log loss %.4f, ECE %.4f",
                     e.psr, o.auc, o.logLoss, e.training.ece))
    }
}
