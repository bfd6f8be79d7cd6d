import ArgumentParser
import Dispatch
import Engine
import Foundation
import Market
import Store
import Synchronization

/// `mlbot serve --paper`: the service loop on paper.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the strategies on paper through the engine, committing every bar.",
        discussion: """
            Loads the strategies with status paper (or those named), their active registered models \
            and the configured instruments, allocation and risk limits, rebuilds the streaming state \
            from each symbol's first stored bar, and runs the bar cycle for each closed bar-time, \
            committing its outcome (signals, orders, fills, positions, equity, risk events, cursor and \
            paper records) in one SQLite transaction. Started again on the same database it resumes \
            after the last committed bar, even after kill -9; a second service on one database is \
            refused. The replay feed plays the stored bars and ends with a summary.

            Examples:
              mlbot serve --paper --feed replay --speed max
              mlbot serve --paper --feed replay --from 2024-03-01 --to 2024-03-08 --strategies disc-1-01,disc-1-02 --json
            """
    )

    /// Where closed bars come from.
    enum Feed: String, CaseIterable, ExpressibleByArgument { case replay }

    /// Replay pace: `max` or N× real time.
    struct Speed: ExpressibleByArgument {
        let factor: Double?
        init?(argument: String) {
            if argument == "max" { factor = nil; return }
            guard let v = Double(argument), v > 0, v.isFinite else { return nil }
            factor = v
        }
        static var defaultCompletionKind: CompletionKind { .list(["max", "1", "60"]) }
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sets: FeatureSetOptions
    @Flag(help: "Trade on paper (the only mode yet; live arrives with the Bybit trading issue).") var paper = false
    @Option(help: "Where closed bars come from.") var feed: Feed = .replay
    @Option(help: "Replay pace: max, or N times real time.") var speed = Speed(argument: "max")!
    @Option(help: "First bar to trade (ISO-8601 or epoch; default: after each model's training range).") var from: String?
    @Option(help: "Last bar (ISO-8601 or epoch; default: the last stored bar).") var to: String?
    @Option(help: "Strategies to run, separated by commas (default: every paper strategy).") var strategies: String?
    @Option(help: "Instrument grid file (default: config/instruments.yaml if present).") var instruments: String?
    @Flag(help: "Print the summary as JSON (keys: database, strategies, resumed_after, first, last, bar_times, orders, fills, vetoes, resizes, equity, pnl, interrupted).")
    var json = false

    struct Summary: Encodable {
        let database: String, strategies: [String]
        @NullWhenAbsent var resumed_after: String?
        @NullWhenAbsent var first: String?
        @NullWhenAbsent var last: String?
        let bar_times: Int, orders: Int, fills: Int, vetoes: [String: Int], resizes: [String: Int], equity: Double, pnl: [String: Double]
        let interrupted: Bool
    }

    func validate() throws {
        guard paper else { throw ValidationError("give --paper: live trading is not available yet") }
    }

    func run() throws {
        let cfg = try global.loadConfig()
        let store = try global.openStore(cfg, mustExist: true)
        let lock = try ServiceLock(database: store.path)
        let target: BacktestJob.Target = strategies.map { .names($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) } ?? .status(.paper)
        let job = BacktestJob(target: target, mode: .model, from: try from.map(UTCTime.parse), to: try to.map(UTCTime.parse), featuresDirectory: sets.featuresDir)
        let service = try PaperService(store: store, config: cfg, catalog: try InstrumentCatalog.load(path: instruments), job: job)
        let stop = StopFlag()
        let watching = stop.watch([SIGINT, SIGTERM], message: "stopping after the bar in progress…")
        defer { watching.forEach { $0.cancel() } }
        let s = try ReplayFeed.run(service, speed: speed.factor, shouldStop: { stop.isSet })
        withExtendedLifetime(lock) {}
        let summary = Summary(database: store.path, strategies: service.session.strategies, resumed_after: service.resumedAfterMs.map(UTCTime.iso),
                              first: s.firstMs.map(UTCTime.iso), last: s.lastMs.map(UTCTime.iso), bar_times: s.barTimes, orders: s.orders, fills: s.fills,
                              vetoes: s.vetoes, resizes: s.resizes, equity: s.equity,
                              pnl: Dictionary(uniqueKeysWithValues: s.strategyPnL.map { ($0.name, $0.pnl) }), interrupted: s.interrupted)
        if json { try JSONOutput.print(summary); return }
        print("paper service on \(store.path): \(summary.strategies.joined(separator: ", "))"
              + (summary.resumed_after.map { " (resumed after \($0))" } ?? ""))
        if let first = summary.first, let last = summary.last {
            print("  \(s.barTimes) bar-times committed, \(first) … \(last)\(s.interrupted ? " (stopped on request)" : "")")
        } else {
            print("  nothing new to trade: every stored bar is already committed")
        }
        print("  \(s.orders) orders, \(s.fills) fills; equity \(String(format: "%.2f", s.equity))")
        let risk = s.vetoes.sorted { $0.key < $1.key }.map { "\($0.value) vetoed by \($0.key)" } + s.resizes.sorted { $0.key < $1.key }.map { "\($0.value) resized by \($0.key)" }
        print("  risk: " + (risk.isEmpty ? "no vetoes or resizes" : risk.joined(separator: ", ")))
        for p in s.strategyPnL { print(String(format: "  %@: P&L %+.2f", p.name, p.pnl)) }
    }
}
