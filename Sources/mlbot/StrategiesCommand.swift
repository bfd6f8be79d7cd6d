import ArgumentParser
import Backtest
import Discovery
import Foundation
import Market
import Store

/// `mlbot strategies …`: stored strategies, their ranking record and their graduation.
struct StrategiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strategies",
        abstract: "List, inspect, import, export, promote and retire strategies.",
        discussion: """
            Lifecycle: candidate (found by `mlbot discover` or imported) → paper → live; retire from \
            any of them. candidate → paper needs a deflated Sharpe ratio of at least strategies.min_dsr \
            (config/mlbot.yaml); paper → live is never automatic: it needs `--to live`, at least \
            strategies.paper_days on paper and a paper drawdown within strategies.max_paper_drawdown.

            Examples:
              mlbot strategies list --json
              mlbot strategies show disc-1-01
              mlbot strategies export disc-1-01 --out my.yaml
              mlbot strategies import my.yaml
              mlbot strategies promote disc-1-01
              mlbot strategies promote disc-1-01 --to live
              mlbot strategies retire disc-1-01 --reason "regime changed"
            """,
        subcommands: [List.self, Show.self, Export.self, Import.self, Promote.self, Retire.self]
    )

    /// One strategy as `list --json` and `show --json` print it.
    struct Summary: Encodable {
        let name: String, status: String, symbol: String, interval: String, feature_set: String
        @NullWhenAbsent var dsr: Double?
        @NullWhenAbsent var psr: Double?
        @NullWhenAbsent var sharpe: Double?
        @NullWhenAbsent var trades: Int?
        @NullWhenAbsent var trials: Int?
        @NullWhenAbsent var run_id: String?
        @NullWhenAbsent var rank: Int?
        @NullWhenAbsent var model: String?
        @NullWhenAbsent var data_from: String?
        @NullWhenAbsent var data_to: String?
        let created: String, status_since: String, paper_bars: Int
        @NullWhenAbsent var paper_pnl: Double?
        @NullWhenAbsent var paper_max_drawdown: Double?

        init(_ r: StrategyRecord) {
            name = r.name; status = r.status.rawValue; symbol = r.symbol; interval = r.interval; feature_set = r.featureSet
            dsr = r.dsr; psr = r.psr; sharpe = r.sharpe; trades = r.trades; trials = r.trials; run_id = r.runId; rank = r.rank
            model = r.modelName.map { n in r.modelVersion.map { "\(n)@\($0)" } ?? n }
            data_from = r.dataFromMs.map(UTCTime.iso); data_to = r.dataToMs.map(UTCTime.iso)
            created = UTCTime.iso(r.createdMs); status_since = UTCTime.iso(r.statusMs)
            paper_bars = r.paperBars; paper_pnl = r.paperPnL; paper_max_drawdown = r.paperMaxDrawdown
        }
    }

    static func format(_ v: Double?, _ f: String) -> String { v.map { String(format: f, $0) } ?? "–" }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List strategies, best deflated Sharpe ratio first.",
                                                        discussion: "Example:\n  mlbot strategies list --status candidate --json")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this status.") var status: StrategyRecord.Status?
        @Flag(help: "Print JSON (a list; keys: name, status, symbol, interval, feature_set, dsr, psr, sharpe, trades, trials, run_id, rank, model, data_from, data_to, created, status_since, paper_bars, paper_pnl, paper_max_drawdown).")
        var json = false

        func run() throws {
            let store = try global.openResearchStore(try global.loadConfig())
            let rows = try store.strategies.list(status: status)
            if json { try JSONOutput.print(rows.map(Summary.init)); return }
            if rows.isEmpty { print("no strategies; find some with `mlbot discover` or add one with `mlbot strategies import FILE`"); return }
            var table = TextTable(["name", "status", "symbol", "interval", "DSR", "PSR", "Sharpe", "trades", "run/rank"],
                                  align: [.left, .left, .left, .left, .right, .right, .right, .right, .left])
            for r in rows {
                table.add([r.name, r.status.rawValue, r.symbol, r.interval, format(r.dsr, "%.4f"), format(r.psr, "%.4f"), format(r.sharpe, "%.2f"),
                           r.trades.map(String.init) ?? "–", r.runId.map { "\($0)#\(r.rank ?? 0)" } ?? "imported"])
            }
            table.print()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a strategy: definition, record, status history, latest backtest.",
                                                        discussion: "Example:\n  mlbot strategies show disc-1-01 --json")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Strategy name.") var name: String
        @Flag(help: "Print JSON (keys: strategy, definition, events, backtest).") var json = false

        struct Event: Encodable {
            let time: String
            @NullWhenAbsent var from: String?
            let to: String, reason: String
        }
        struct Backtest: Encodable {
            let id: Int64, created: String, first: String, last: String, bars: Int, trades: Int
            @NullWhenAbsent var psr: Double?
            let metrics: PerformanceMetrics
        }
        struct Output: Encodable {
            let strategy: Summary, definition: String, events: [Event]
            @NullWhenAbsent var backtest: Backtest?
        }

        func run() throws {
            let store = try global.openResearchStore(try global.loadConfig())
            let r = try store.strategies.get(name)
            let events = try store.strategies.events(name).map { Event(time: UTCTime.iso($0.timeMs), from: $0.from, to: $0.to, reason: $0.reason) }
            let backtest = try store.backtests.latest(strategy: name).map { b in
                Backtest(id: b.id!, created: UTCTime.iso(b.createdMs), first: UTCTime.iso(b.time.first ?? 0), last: UTCTime.iso(b.time.last ?? 0),
                         bars: b.time.count, trades: b.trades.count, psr: b.psr, metrics: try BacktestStorage.metrics(json: b.metricsJSON))
            }
            if json { try JSONOutput.print(Output(strategy: Summary(r), definition: r.definition, events: events, backtest: backtest)); return }
            print("\(r.name): \(r.status.rawValue) since \(UTCTime.iso(r.statusMs)) — \(r.symbol) \(r.interval), feature set \(r.featureSet)")
            if let run = r.runId {
                print("  found by discovery run \(run): rank \(r.rank ?? 0) of \(r.trials ?? 0) trials; deflated Sharpe \(format(r.dsr, "%.4f")), "
                      + "PSR \(format(r.psr, "%.4f")), Sharpe \(format(r.sharpe, "%.2f")), \(r.trades ?? 0) trades")
            }
            if let from = r.dataFromMs, let to = r.dataToMs { print("  measured on bars \(UTCTime.iso(from)) … \(UTCTime.iso(to))") }
            if let m = r.modelName { print("  model \(m)@\(r.modelVersion ?? 0)") }
            if r.status == .paper {
                print("  paper record: \(r.paperBars) bars, P&L \(format(r.paperPnL, "%+.2f")), max drawdown \(format(r.paperMaxDrawdown.map { $0 * 100 }, "%.2f%%"))")
            }
            print("definition:")
            for line in r.definition.split(separator: "\n") { print("  \(line)") }
            print("history:")
            for e in events { print("  \(e.time)  \(e.from ?? "–") → \(e.to)  \(e.reason)") }
            if let b = backtest {
                print(String(format: "latest backtest #%lld (%@): %@ … %@, %d bars, return %+.2f%%, Sharpe %.2f, max drawdown %.2f%%, %d trades",
                             b.id, b.created, b.first, b.last, b.bars, b.metrics.totalReturn * 100, b.metrics.sharpe, b.metrics.maxDrawdown * 100, b.metrics.trades))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a strategy as YAML (and its latest backtest's equity curve and trades as CSV).",
            discussion: "Example:\n  mlbot strategies export disc-1-01 --out disc-1-01.yaml --equity equity.csv --trades trades.csv")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Strategy name.") var name: String
        @Option(help: "Write the YAML here instead of standard output.") var out: String?
        @Option(help: "Write the latest stored backtest's equity curve as CSV.") var equity: String?
        @Option(help: "Write the latest stored backtest's trades as CSV.") var trades: String?

        func run() throws {
            let store = try global.openResearchStore(try global.loadConfig())
            let r = try store.strategies.get(name)
            if equity != nil || trades != nil {
                guard let b = try store.backtests.latest(strategy: name) else {
                    throw ValidationError("strategy '\(name)' has no stored backtest yet; run `mlbot backtest --strategy \(name)`")
                }
                if let equity {
                    try BacktestStorage.equityCSV(time: b.time, equity: b.equity, returns: b.returns, exposure: b.exposure).write(toFile: equity, atomically: true, encoding: .utf8)
                }
                if let trades { try BacktestStorage.tradesCSV(b.trades).write(toFile: trades, atomically: true, encoding: .utf8) }
            }
            if let out { try r.definition.write(toFile: out, atomically: true, encoding: .utf8) } else { print(r.definition, terminator: "") }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a strategy file and store it as a candidate.",
            discussion: "The file is checked completely first (feature set included); a bad file changes nothing.\n\nExample:\n  mlbot strategies import my.yaml")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var sets: FeatureSetOptions
        @Argument(help: "Strategy file (YAML, as `strategies export` writes it).") var file: String
        @Flag(help: "Replace a stored strategy of the same name.") var replace = false

        func run() throws {
            let store = try global.openStore(try global.loadConfig())
            let r = try StoredStrategy.importFile(file, store: store, featuresDirectory: sets.featuresDir, replace: replace)
            print("imported \(r.name) (\(r.symbol) \(r.interval), feature set \(r.featureSet)) as a candidate")
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a strategy forward: candidate → paper, or paper → live with --to live.",
            discussion: "Example:\n  mlbot strategies promote disc-1-01\n  mlbot strategies promote disc-1-01 --to live")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Strategy name.") var name: String
        @Option(help: "Target status (default: the next step, never live).") var to: Target?

        /// Where `promote` may go.
        enum Target: String, CaseIterable, ExpressibleByArgument {
            case paper, live
            var status: StrategyRecord.Status { self == .paper ? .paper : .live }
        }

        func run() throws {
            let cfg = try global.loadConfig()
            let store = try global.openStore(cfg, mustExist: true)
            let c = try StrategyLifecycle.promote(store, name: name, to: to?.status, rules: cfg.strategies, nowMs: UTCTime.nowMs())
            print("\(c.name): \(c.from.rawValue) → \(c.to.rawValue) (\(c.reason))")
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a strategy for good (from any status).",
                                                        discussion: "Example:\n  mlbot strategies retire disc-1-01 --reason \"edge gone\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Strategy name.") var name: String
        @Option(help: "Why (kept in the strategy's history).") var reason = "retired by the operator"

        func run() throws {
            let store = try global.openStore(try global.loadConfig(), mustExist: true)
            let c = try StrategyLifecycle.retire(store, name: name, reason: reason, nowMs: UTCTime.nowMs())
            print("\(c.name): \(c.from.rawValue) → retired (\(c.reason))")
        }
    }
}

extension StrategyRecord.Status: ExpressibleByArgument {}
