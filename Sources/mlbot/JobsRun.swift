import ArgumentParser
import Engine
import Exchange
import Foundation
import Market
import MarketData
import Store

/// `mlbot jobs run NAME`: one run of a job, now.
struct JobsRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a job now: train challengers, score them against their champions, promote by the rule.",
        discussion: """
            Exits 0 when every strategy's step finished (promoted or kept the champion), 1 when one \
            failed or the job's timeout stopped it, 4 when another run of the job holds its lock \
            (that run is recorded as skipped).

            Examples:
              mlbot jobs run nightly-retrain
              mlbot jobs run nightly-retrain --feed bybit
              mlbot jobs run nightly-retrain --as-of 2024-03-31T23:59:00Z --json
            """
    )

    enum Trigger: String, CaseIterable, ExpressibleByArgument { case manual, schedule, catch_up }
    enum Feed: String, CaseIterable, ExpressibleByArgument { case replay, bybit }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var jobs: JobsOptions
    @OptionGroup var sets: FeatureSetOptions
    @Argument(help: "The job's name (jobs/NAME.yaml).") var name: String
    @Option(help: "End of the holdout (ISO-8601 or epoch; default: each symbol's newest stored bar).") var asOf: String?
    @Option(help: "Fetch each strategy's newest bars first: bybit downloads what is missing; replay fetches nothing.") var feed: Feed = .replay
    @Option(help: "Folder the challengers' artifacts go to.") var modelsDir = "models"
    @Option(help: .hidden) var trigger: Trigger = .manual
    @Option(help: .hidden) var scheduled: Int64?
    @Flag(help: "Print JSON (keys: run, job, trigger, status, started, ended, detail, outcomes[strategy, outcome, reason, champion, challenger, train_from, train_to, holdout_from, holdout_to]).")
    var json = false

    struct Score: Encodable {
        let model: String, samples: Int, log_loss: Double, auc: Double, sharpe: Double, max_drawdown: Double, total_return: Double, trades: Int
        let in_sample_bars: Int
        init(_ s: HoldoutScore) {
            model = s.model; samples = s.samples; log_loss = s.logLoss; auc = s.auc; sharpe = s.sharpe; max_drawdown = s.maxDrawdown
            total_return = s.totalReturn; trades = s.trades; in_sample_bars = s.inSampleBars
        }
    }
    struct Outcome: Encodable {
        let strategy: String, outcome: String, reason: String
        @NullWhenAbsent var champion: Score?
        @NullWhenAbsent var challenger: Score?
        @NullWhenAbsent var train_from: String?
        @NullWhenAbsent var train_to: String?
        @NullWhenAbsent var holdout_from: String?
        @NullWhenAbsent var holdout_to: String?
    }
    struct Output: Encodable {
        let run: Int64, job: String, trigger: String, status: String, started: String
        @NullWhenAbsent var ended: String?
        let detail: String, outcomes: [Outcome]
    }

    func run() throws {
        let cfg = try global.loadConfig()
        let file = try JobFile.load(name: name, directory: jobs.jobsDir)
        let store = try global.openStore(cfg, mustExist: true)
        var refresh: ((Symbol, Interval) throws -> String)?
        if feed == .bybit {
            let client = BybitMarketClient(baseURL: cfg.data.bybit.baseURL)
            refresh = { symbol, interval in
                let since = try store.bars.lastOpenTime(symbol: symbol, interval: interval) ?? (UTCTime.nowMs() - file.trainingWindowMs - file.holdoutMs)
                let r = try KlineDownloader(store: store, client: client).run(DownloadRequest(symbol: symbol, interval: interval, category: cfg.data.bybit.category, since: since))
                return "\(symbol.name): \(r.fetched) bars fetched through \(UTCTime.iso(r.through))"
            }
        }
        let job = RetrainJob(job: file, modelsDirectory: modelsDir, featuresDirectory: sets.featuresDir, refresh: refresh)
        let report = try job.run(store: store, config: cfg, catalog: try InstrumentCatalog.load(path: nil), asOfMs: try asOf.map(UTCTime.parse),
                                 trigger: trigger.rawValue, scheduledMs: scheduled)
        let r = report.run
        let output = Output(run: r.id!, job: r.job, trigger: r.trigger, status: r.status, started: UTCTime.iso(r.startedMs), ended: r.endedMs.map(UTCTime.iso),
                            detail: r.detail, outcomes: report.outcomes.map {
            Outcome(strategy: $0.strategy, outcome: $0.outcome.rawValue, reason: $0.reason, champion: $0.champion.map(Score.init),
                    challenger: $0.challenger.map(Score.init), train_from: $0.trainFromMs.map(UTCTime.iso), train_to: $0.trainToMs.map(UTCTime.iso),
                    holdout_from: $0.holdoutFromMs.map(UTCTime.iso), holdout_to: $0.holdoutToMs.map(UTCTime.iso))
        })
        if json { try JSONOutput.print(output) } else { Self.printText(output) }
        guard r.status == "succeeded" else { throw Failure(.internal, "job \(r.job) run \(r.id!): \(r.status): \(r.detail)") }
    }

    static func printText(_ o: Output) {
        print("job \(o.job) run \(o.run) (\(o.trigger)): \(o.status), \(o.started) … \(o.ended ?? "?")")
        print("  \(o.detail)")
        var table = TextTable(["strategy", "outcome", "model", "log loss", "AUC", "Sharpe", "max DD", "trades"],
                              align: [.left, .left, .left, .right, .right, .right, .right, .right])
        for s in o.outcomes {
            for (label, score) in [("champion", s.champion), ("challenger", s.challenger)] {
                guard let score else { continue }
                table.add([s.strategy, label == "champion" ? s.outcome : "", "\(label) \(score.model)", String(format: "%.5f", score.log_loss),
                           String(format: "%.4f", score.auc), String(format: "%.2f", score.sharpe), String(format: "%.2f%%", score.max_drawdown * 100), "\(score.trades)"])
            }
            if s.champion == nil && s.challenger == nil { table.add([s.strategy, s.outcome, "", "", "", "", "", ""]) }
        }
        if !o.outcomes.isEmpty { table.print() }
        for s in o.outcomes {
            print("  \(s.strategy): \(s.outcome.replacingOccurrences(of: "_", with: " ")) — \(s.reason)")
            if let from = s.train_from, let to = s.train_to, let hf = s.holdout_from, let ht = s.holdout_to {
                print("    trained on \(from) … \(to); holdout \(hf) … \(ht)")
            }
        }
    }
}
