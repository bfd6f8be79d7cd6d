import ArgumentParser
import Engine
import Foundation
import Market
import Reports

/// `mlbot report`: a self-contained HTML tearsheet (and its figures as JSON).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML tearsheet of a strategy's backtest, a stored backtest or the paper account.",
        discussion: """
            --strategy runs the strategy's backtest as `mlbot backtest --strategy NAME` does (the \
            same figures), then the same strategy again with no fees or slippage beside it. The page \
            opens from disk with no network: headline figures (return, CAGR, volatility, Sharpe, \
            Sortino, max drawdown and its duration, Calmar, trades, hit rate, fees, exposure, \
            turnover), for discovered strategies the honesty box (trials, DSR, PSR, in- vs \
            out-of-sample Sharpe), equity against buy and hold (log-scale switch), drawdown, monthly \
            returns, rolling Sharpe, trade returns, exposure, the model's calibration and folds, \
            costs and the risk manager's vetoes and resizes by rule. Charts keep every extreme while \
            long curves are thinned, so a 500,000-bar run stays under 2 MB.

            --json prints the same figures as data (keys: source, title, strategies, symbol, first, \
            last, bars, initial_equity, final_equity, metrics, psr, max_drawdown_duration_seconds, \
            honesty, benchmark, monthly_returns, rolling_sharpe_window_bars, trades, model, costs, \
            vetoes, resizes, orders, fills, notes); `metrics` equals `mlbot backtest --json`'s.

            Examples:
              mlbot report --strategy disc-1-01 --out disc-1-01.html
              mlbot report --strategy disc-1-01 --mode model --json
              mlbot report --backtest 3 --out backtest-3.html
              mlbot report --paper --from 2024-03-01 --to 2024-03-08 --out paper.html
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sets: FeatureSetOptions
    @Option(help: "A stored strategy: its backtest is run now.") var strategy: String?
    @Option(help: "A stored backtest by id (`stored_as` of `mlbot backtest --json`).") var backtest: Int64?
    @Flag(help: "The paper service's ledger.") var paper = false
    @Option(help: "With --strategy: where probabilities come from (walk-forward or model).") var mode: BacktestMode = .walkForward
    @Option(help: "Instrument grid file (default: config/instruments.yaml if present).") var instruments: String?
    @Option(help: "First bar (ISO-8601 or epoch).") var from: String?
    @Option(help: "Last bar (ISO-8601 or epoch).") var to: String?
    @Option(help: "Where to write the HTML page.") var out: String?
    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        guard [strategy != nil, backtest != nil, paper].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --strategy NAME, --backtest ID or --paper")
        }
        guard out != nil || json else { throw ValidationError("give --out FILE.html (the page), --json (the figures) or both") }
        if backtest != nil, from != nil || to != nil { throw ValidationError("--from/--to: a stored backtest is reported whole") }
    }

    func run() throws {
        let cfg = try global.loadConfig()
        let store = try global.openStore(cfg, mustExist: true)
        let input: TearsheetInput
        if let strategy {
            let job = BacktestJob(target: .strategy(strategy), mode: mode, from: try from.map(UTCTime.parse), to: try to.map(UTCTime.parse),
                                  featuresDirectory: sets.featuresDir)
            input = try ReportSource.backtest(job, store: store, config: cfg, catalog: try InstrumentCatalog.load(path: instruments))
        } else if let backtest {
            input = try ReportSource.stored(id: backtest, store: store)
        } else {
            input = try ReportSource.paper(store: store, from: try from.map(UTCTime.parse), to: try to.map(UTCTime.parse))
        }
        let figures = TearsheetFigures(input)
        if let out {
            let html = Tearsheet.html(input, figures: figures)
            do { try html.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw Failure(.badInput, "\(out): cannot write the report (\(error.localizedDescription))")
            }
            if !json { print("wrote \(out) (\(html.utf8.count / 1024) KiB): \(input.title), \(figures.bars) bars, \(figures.first ?? "—") … \(figures.last ?? "—")") }
        }
        if json { try JSONOutput.print(figures) }
    }
}
