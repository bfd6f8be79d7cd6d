import ArgumentParser
import Control
import Dispatch
import Engine
import Exchange
import Logging
import ServiceLifecycle
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
            refused. The replay feed plays the stored bars and ends with a summary. The bybit feed \
            first fetches every bar missing since the last stored one over REST, then follows the \
            public kline stream (acting on confirmed candles; pings, reconnects, and fills gaps over \
            REST); with no closed bar for --stale-after it reports feed_stale, /ready answers 503 \
            and entries are refused until it catches up. While it runs, \
            the read API answers on --host/--port (GET /health, /ready, /status, /strategies, \
            /positions, /orders, /orders/ID, /fills, /equity, /risk, /metrics, /openapi.json); SIGTERM or Ctrl-C finishes the \
            bar in progress, commits it, stops the server and exits 0.

            Examples:
              mlbot serve --paper --feed replay --speed max
              mlbot serve --paper --feed replay --speed max --compare-backtest
              mlbot serve --paper --feed replay --from 2024-03-01 --to 2024-03-08 --strategies disc-1-01,disc-1-02 --json
              mlbot serve --paper --feed bybit --port 8080
            """
    )

    /// How log lines look.
    enum LogFormat: String, CaseIterable, ExpressibleByArgument { case text, json }

    /// Where closed bars come from.
    enum Feed: String, CaseIterable, ExpressibleByArgument { case replay, bybit }

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
    @Option(help: "Bybit feed: seconds without a closed bar before the feed is stale (default: 2 intervals).") var staleAfter: Double?
    @Option(help: .hidden) var pingInterval: Double = 20
    @Option(help: .hidden) var silenceTimeout: Double = 30
    @Option(help: "First bar to trade (ISO-8601 or epoch; default: after each model's training range).") var from: String?
    @Option(help: "Last bar (ISO-8601 or epoch; default: the last stored bar).") var to: String?
    @Option(help: "Strategies to run, separated by commas (default: every paper strategy).") var strategies: String?
    @Option(help: "Instrument grid file (default: config/instruments.yaml if present).") var instruments: String?
    @Option(help: "Log lines on standard error: text, or json (one object per line).") var logFormat: LogFormat = .text
    @Option(help: "Address the HTTP API listens on (another than loopback needs --allow-remote).") var host = "127.0.0.1"
    @Flag(help: "Allow a non-loopback --host: then every read needs a read token too.") var allowRemote = false
    @Option(help: "Where the first start writes the admin and read tokens (mode 0600; default: the database path + .tokens).") var tokenFile: String?
    @Option(help: "Port of the HTTP API (0: any free port, printed on standard error).") var port = 8080
    @OptionGroup var jobs: JobsOptions
    @Flag(help: "Do not run the scheduled jobs of --jobs-dir beside the loop.") var noJobs = false
    @Flag(help: "After the replay, run `backtest --mode model` over the same strategies and bars and compare every order and fill.")
    var compareBacktest = false
    @Flag(help: "Print the summary as JSON (keys: database, strategies, resumed_after, first, last, bar_times, orders, fills, vetoes, resizes, equity, pnl, interrupted, backtest_parity).")
    var json = false

    func feedSource(_ cfg: MlbotConfig, store: DataStore, service: PaperService, logger: Logger) throws -> PaperLoop.Feed {
        switch feed {
        case .replay:
            return .replay(speed: speed.factor)
        case .bybit:
            let rest = BybitMarketClient(baseURL: cfg.data.bybit.baseURL) { event in
                logger.warning("bybit REST", metadata: ["event": "\(event)"])
            }
            var settings = LiveFeedSettings(interval: service.interval)
            if let s = staleAfter { settings.staleAfterMs = Int64(s * 1000) }
            let live = LiveFeed(service: service, store: store, rest: rest, category: cfg.data.bybit.category, inbox: FeedInbox(), settings: settings)
            let stream = BybitKlineStream(url: cfg.data.bybit.streamURL, symbols: service.instruments, interval: service.interval,
                                          settings: StreamSettings(pingInterval: .milliseconds(Int(pingInterval * 1000)),
                                                                   silenceTimeout: .milliseconds(Int(silenceTimeout * 1000))),
                                          logger: logger)
            return .live(live, stream: stream)
        }
    }

    /// The jobs of --jobs-dir, run by their schedules as children of this process (`mlbot jobs run`
    /// with this database, config and folders). A replay passes the bar time it has reached, so a
    /// job never trains on bars the service has not seen yet.
    func jobSupervisor(store: DataStore, status: LiveStatus, inbox: ControlInbox, logger: Logger) throws -> JobSupervisor? {
        let files = try JobFile.all(directory: jobs.jobsDir)
        guard !files.isEmpty else { return nil }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var options = ["--db", store.path, "--jobs-dir", jobs.jobsDir, "--features-dir", sets.featuresDir]
        if let c = global.config { options += ["--config", c] }
        // A live service's jobs fetch the newest bars first, as its feed does.
        if feed == .bybit { options += ["--feed", "bybit"] }
        let directory = (store.path as NSString).deletingLastPathComponent
        let launch = JobSupervisor.Launch(executable: executable, options: options, logDirectory: directory.isEmpty ? "." : directory)
        let replay = feed == .replay
        let supervisor = try JobSupervisor(jobs: files, store: store, launch: launch, startMs: UTCTime.nowMs(), now: UTCTime.nowMs,
                                           asOf: { replay ? status.snapshot.lastBarMs : nil }, onFinish: { _, _ in inbox.notify() }, logger: logger)
        for (job, at) in supervisor.nextRuns() {
            logger.info("job scheduled", metadata: ["job": "\(job)", "next": "\(at.map(UTCTime.iso) ?? "never")"])
        }
        return supervisor
    }

    struct Summary: Encodable {
        let database: String, strategies: [String]
        @NullWhenAbsent var resumed_after: String?
        @NullWhenAbsent var first: String?
        @NullWhenAbsent var last: String?
        let bar_times: Int, orders: Int, fills: Int, vetoes: [String: Int], resizes: [String: Int], equity: Double, pnl: [String: Double]
        let interrupted: Bool
        /// "identical" after --compare-backtest (a difference is an error), null without it.
        @NullWhenAbsent var backtest_parity: String?
    }

    static let loopback: Set<String> = ["127.0.0.1", "localhost", "::1"]

    func validate() throws {
        guard paper else { throw ValidationError("give --paper: live trading is not available yet") }
        guard allowRemote || Self.loopback.contains(host) else {
            throw ValidationError("--host \(host) is not loopback: serving another address needs --allow-remote (every call then needs a token; see `mlbot control tokens`)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port: expected 0...65535") }
        if feed == .bybit {
            guard to == nil else { throw ValidationError("--to: the bybit feed runs until stopped; --to is for --feed replay") }
            guard !compareBacktest else { throw ValidationError("--compare-backtest compares a finished replay; use it with --feed replay") }
        }
        if let s = staleAfter, !(s > 0 && s <= 1e9) { throw ValidationError("--stale-after: expected a number of seconds in (0, 1e9]") }
        guard pingInterval > 0, silenceTimeout > pingInterval else { throw ValidationError("--silence-timeout must exceed --ping-interval (seconds)") }
    }

    func run() throws {
        let cfg = try global.loadConfig()
        let store = try global.openStore(cfg, mustExist: true)
        let lock = try ServiceLock(database: store.path)
        let target: BacktestJob.Target = strategies.map { .names($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) } ?? .status(.paper)
        let job = BacktestJob(target: target, mode: .model, from: try from.map(UTCTime.parse), to: try to.map(UTCTime.parse), featuresDirectory: sets.featuresDir)
        let inbox = ControlInbox()
        let service = try PaperService(store: store, config: cfg, catalog: try InstrumentCatalog.load(path: instruments), job: job, inbox: inbox)
        let tokens = tokenFile ?? ControlClient.defaultTokenFile(database: store.path)
        let created = try ControlTokens.bootstrap(file: tokens, environment: ProcessInfo.processInfo.environment, nowMs: UTCTime.nowMs(), store: store)
        let logger = Logger(label: "mlbot.serve") { label -> any LogHandler in
            logFormat == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
        }
        let status = LiveStatus(ServiceSnapshot(
            mode: "paper", feed: feed.rawValue, database: store.path, startedMs: UTCTime.nowMs(), equity: service.state.ledger.equity(service.state.lastClose),
            maxDrawdown: service.settings.risk.maxDrawdown, maxDailyLoss: service.settings.risk.maxDailyLoss, confidence: service.settings.confidence,
            strategies: service.strategies.map {
                ServiceSnapshot.Strategy(name: $0.name, symbol: $0.symbol.name, interval: $0.interval.name, model: $0.model.map { "\($0.name)@\($0.version)" },
                                         modelCreatedMs: $0.model?.createdMs, modelTrainedThroughMs: $0.runtime.modelThroughMs, tradingFromMs: $0.tradeFromMs)
            }))
        // A restarted service is already under its stored changes.
        status.update { $0.settingsVersion = service.settings.version }
        let metrics = ServiceMetrics(version: MLBot.configuration.version.isEmpty ? "dev" : MLBot.configuration.version)
        let supervisor = noJobs ? nil : try jobSupervisor(store: store, status: status, inbox: inbox, logger: logger)
        let context = ControlContext(store: store, status: status, metrics: metrics, limits: cfg.risk, intervalMs: service.strategies[0].interval.milliseconds,
                                     baseSettings: EngineSettings(config: cfg), inbox: inbox, readNeedsToken: !Self.loopback.contains(host), jobs: supervisor)
        if !created.isEmpty { logger.notice("control tokens created", metadata: ["names": "\(created.joined(separator: ","))", "file": "\(tokens)"]) }
        let app = buildApplication(ServerSettings(host: host, port: port), context: context, logger: logger) { port in
            FileHandle.standardError.write(Data("mlbot serve: API on http://\(host):\(port)\n".utf8))
        }
        let loop = PaperLoop(service, feed: try feedSource(cfg, store: store, service: service, logger: logger), status: status, metrics: metrics, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: app),
            .init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)]
        if let supervisor { services.append(.init(service: supervisor)) }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        let failure = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await group.run() } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        guard let s = loop.summary else { throw Failure(.internal, "the bar loop ended without a summary") }
        withExtendedLifetime(lock) {}
        var parity: ParityReport?
        if compareBacktest {
            let p = try ParityReport.compare(store: store, config: cfg, catalog: try InstrumentCatalog.load(path: instruments), job: job)
            if let d = p.firstDifference { throw Failure(.internal, "the service and the backtest differ: \(d)") }
            parity = p
        }
        let summary = Summary(database: store.path, strategies: service.session.strategies, resumed_after: service.resumedAfterMs.map(UTCTime.iso),
                              first: s.firstMs.map(UTCTime.iso), last: s.lastMs.map(UTCTime.iso), bar_times: s.barTimes, orders: s.orders, fills: s.fills,
                              vetoes: s.vetoes, resizes: s.resizes, equity: s.equity,
                              pnl: Dictionary(uniqueKeysWithValues: s.strategyPnL.map { ($0.name, $0.pnl) }), interrupted: s.interrupted,
                              backtest_parity: parity.map { _ in "identical" })
        if json { try JSONOutput.print(summary); return }
        print("paper service on \(store.path): \(summary.strategies.joined(separator: ", "))"
              + (summary.resumed_after.map { " (resumed after \($0))" } ?? ""))
        if let first = summary.first, let last = summary.last {
            print("  \(s.barTimes) bar-times committed, \(first) … \(last)\(s.interrupted ? " (stopped on request)" : "")")
        } else {
            print("  nothing new to trade: every stored bar is already committed")
        }
        print("  \(s.orders) orders, \(s.fills) fills; equity \(String(format: "%.2f", s.equity))"
              + (s.firstOrderID.map { "; first order: \($0) (see `mlbot orders explain \($0)`)" } ?? ""))
        let risk = s.vetoes.sorted { $0.key < $1.key }.map { "\($0.value) vetoed by \($0.key)" } + s.resizes.sorted { $0.key < $1.key }.map { "\($0.value) resized by \($0.key)" }
        print("  risk: " + (risk.isEmpty ? "no vetoes or resizes" : risk.joined(separator: ", ")))
        for p in s.strategyPnL { print(String(format: "  %@: P&L %+.2f", p.name, p.pnl)) }
        if let parity { print("  compared with backtest --mode model: the same \(parity.orders) orders and \(parity.fills) fills (ids, quantities, prices, fees, times)") }
    }
}
