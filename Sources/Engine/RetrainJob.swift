import Discovery
import Foundation
import Learning
import Market
import MarketData
import Store

/// One run of a retrain job (`mlbot jobs run NAME`): for each strategy it covers, refresh its
/// data, train a challenger with the strategy's own spec on the training window, score it and the
/// champion on the same holdout, and promote it only if the job's rule says so. The run and every
/// strategy's outcome are recorded; two runs of one job never overlap (a lock per job and
/// database), and a run whose process died is closed as failed by the next.
public struct RetrainJob {
    public let job: JobFile
    public var modelsDirectory: String
    public var featuresDirectory: String
    /// Fetches the strategy's newest bars into the store before training (nil: nothing to fetch,
    /// as for a replay). Returns one line saying what it did.
    public var refresh: ((Symbol, Interval) throws -> String)?
    /// Wall time (injected: tests drive it).
    public var now: () -> Int64

    public init(job: JobFile, modelsDirectory: String = "models", featuresDirectory: String = "features",
                refresh: ((Symbol, Interval) throws -> String)? = nil, now: @escaping () -> Int64 = UTCTime.nowMs) {
        self.job = job; self.modelsDirectory = modelsDirectory; self.featuresDirectory = featuresDirectory; self.refresh = refresh; self.now = now
    }

    /// What happened to one strategy.
    public struct StrategyOutcome: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable { case promoted, keptChampion = "kept_champion", shadowing, failed }
        public let strategy: String
        public let outcome: Kind
        public let champion: HoldoutScore?
        public let challenger: HoldoutScore?
        public let reason: String
        /// The windows, in epoch ms.
        public let trainFromMs: Int64?
        public let trainToMs: Int64?
        public let holdoutFromMs: Int64?
        public let holdoutToMs: Int64?
    }

    public struct Report: Sendable {
        public let run: JobRunRow
        public let outcomes: [StrategyOutcome]
    }

    /// Runs the job now. `asOfMs` ends the holdout (nil: each symbol's newest stored bar): a
    /// service replaying old bars passes its own bar time, so nothing after it is trained on.
    public func run(store: DataStore, config: MlbotConfig, catalog: InstrumentCatalog, asOfMs: Int64? = nil,
                    trigger: String = "manual", scheduledMs: Int64? = nil) throws -> Report {
        let lock: ServiceLock
        do {
            lock = try ServiceLock(database: store.path, purpose: "job-\(job.name)", what: "run of job \(job.name)")
        } catch {
            let skipped = try store.jobs.start(JobRunRow(job: job.name, trigger: trigger, scheduledMs: scheduledMs, startedMs: now(), endedMs: now(),
                                                         status: "skipped", pid: Int64(getpid()), detail: "\(error)"))
            throw Failure(.conflict, "job \(job.name): skipped (run \(skipped.id!)): \(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        // Holding the lock, no other run of this job is alive: a row still marked running is one
        // whose process ended without closing it.
        for stale in try store.jobs.running(job: job.name) {
            try store.jobs.finish(stale.id!, status: "failed", endedMs: now(), detail: "its process (pid \(stale.pid.map(String.init) ?? "?")) ended before the run finished",
                                  outcomes: [])
        }
        let started = now()
        var run = try store.jobs.start(JobRunRow(job: job.name, trigger: trigger, scheduledMs: scheduledMs, startedMs: started, status: "running",
                                                 pid: Int64(getpid())))
        let names: [String]
        do {
            names = try strategies(store: store)
        } catch {
            try store.jobs.finish(run.id!, status: "failed", endedMs: now(), detail: "\(error)", outcomes: [])
            throw error
        }
        let settings = EngineSettings.applying(try store.control.changes().map(SettingChange.init), to: EngineSettings(config: config))
        var outcomes: [StrategyOutcome] = []
        var timedOut = false
        for name in names {
            if now() - started > job.timeoutMs { timedOut = true; break }
            let outcome: StrategyOutcome
            do {
                outcome = try retrain(name, store: store, config: config, catalog: catalog, settings: settings, asOfMs: asOfMs, runID: run.id)
            } catch {
                outcome = StrategyOutcome(strategy: name, outcome: .failed, champion: nil, challenger: nil, reason: "\(error)",
                                          trainFromMs: nil, trainToMs: nil, holdoutFromMs: nil, holdoutToMs: nil)
            }
            outcomes.append(outcome)
            // Each outcome is kept as soon as it is known: a run killed later still shows it.
            try store.jobs.record(JobOutcomeRow(runId: run.id!, strategy: name, outcome: outcome.outcome.rawValue, champion: outcome.champion?.model,
                                                challenger: outcome.challenger?.model, figures: try StoredJSON.encode(outcome), reason: outcome.reason))
        }
        let failed = outcomes.filter { $0.outcome == .failed }.count
        let promoted = outcomes.filter { $0.outcome == .promoted }.count
        let status = timedOut ? "timed_out" : failed > 0 ? "failed" : "succeeded"
        let shadowing = outcomes.filter { $0.outcome == .shadowing }.count
        let detail = "\(outcomes.count) of \(names.count) strategies: \(promoted) promoted, " + (shadowing > 0 ? "\(shadowing) in shadow, " : "")
            + "\(outcomes.count - promoted - failed - shadowing) kept the champion, \(failed) failed"
            + (timedOut ? "; stopped at the job's timeout of \(job.timeoutMs / 1000) s" : "")
        try store.jobs.finish(run.id!, status: status, endedMs: now(), detail: detail, outcomes: [])
        run = try store.jobs.run(run.id!) ?? run
        return Report(run: run, outcomes: outcomes)
    }

    /// The strategies the run covers: the job's list, or every paper and live model strategy.
    func strategies(store: DataStore) throws -> [String] {
        if let listed = job.strategies {
            for n in listed where !(try store.strategies.exists(n)) {
                throw Failure(.notFound, "\(job.path): strategies: no strategy '\(n)' in \(store.path)")
            }
            return listed
        }
        let records = try store.strategies.list().filter { $0.status == .paper || $0.status == .live }
        return try records.filter { r in
            try StoredStrategy.load(r.name, store: store, featuresDirectory: featuresDirectory).file.definition.rule == nil
        }.map(\.name)
    }

    func retrain(_ name: String, store: DataStore, config: MlbotConfig, catalog: InstrumentCatalog, settings: EngineSettings,
                 asOfMs: Int64?, runID: Int64?) throws -> StrategyOutcome {
        let (record, file) = try StoredStrategy.load(name, store: store, featuresDirectory: featuresDirectory)
        let d = file.definition
        guard d.rule == nil else { throw Failure(.badInput, "strategy '\(name)' is a rule strategy: it has no model to retrain") }
        if let refresh { _ = try refresh(file.symbol, file.interval) }
        let step = file.interval.milliseconds
        guard let newest = try store.bars.lastOpenTime(symbol: file.symbol, interval: file.interval) else {
            throw Failure(.notFound, "no \(file.symbol.name) \(file.interval.name) bars in \(store.path)")
        }
        let asOf = min(asOfMs ?? newest, newest)
        let holdoutFrom = asOf - job.holdoutMs + step
        let trainTo = holdoutFrom - step
        let trainFrom = trainTo - job.trainingWindowMs + step
        let modelName = record.modelName ?? name
        let hasChampion = (try? store.models.entry(modelName)) != nil
        let challenger = try TrainingJob(set: d.set, symbol: file.symbol, interval: file.interval, spec: d.model, cv: d.cv, calibration: d.calibration,
                                         from: trainFrom, to: trainTo, features: d.features, name: modelName, seed: job.seed,
                                         modelsDirectory: modelsDirectory, promote: false).run(store: store)
        // The training above passed the set's look-ahead gate; the holdout's bars need not replay it.
        let data = try StrategyData.loadChecked(store, symbol: file.symbol, interval: file.interval, set: d.set, from: nil, to: asOf)
        let scorer = try HoldoutScorer(store: store, name: name, file: file, modelName: modelName, data: data, holdoutFromMs: holdoutFrom, toMs: asOf,
                                       settings: settings, config: config, catalog: catalog)
        let challengerScore = try scorer.score(version: challenger.entry.version)
        // A champion that no longer loads (or reads other features) is no champion to keep.
        var championScore: HoldoutScore?
        var championProblem = ""
        if hasChampion {
            do { championScore = try scorer.score(version: nil) } catch { championProblem = " (the champion could not be scored: \(error))" }
        }
        let decision = job.promotion.decide(champion: championScore, challenger: challengerScore)
        var outcome: StrategyOutcome.Kind = decision.promote ? .promoted : .keptChampion
        var reason = decision.reason + championProblem
        if decision.promote, job.shadowBars > 0, let champion = championScore, let championVersion = try? store.models.entry(modelName).version {
            // Passed the holdout: the service scores it beside the champion before it may trade.
            _ = try store.jobs.startShadow(ModelShadowRow(runId: runID, strategy: name, model: modelName, championVersion: championVersion,
                                                          challengerVersion: challenger.entry.version, bars: job.shadowBars, metric: job.promotion.metric.rawValue,
                                                          margin: job.promotion.margin, createdMs: now(),
                                                          reason: "passed the holdout against \(champion.model): \(decision.reason)"))
            outcome = .shadowing
            reason = decision.reason + "; in shadow for \(job.shadowBars) bars beside the champion before promotion"
        } else if decision.promote {
            try ModelRegistryRules.promote(store, name: modelName, version: challenger.entry.version)
        }
        return StrategyOutcome(strategy: name, outcome: outcome, champion: championScore, challenger: challengerScore,
                               reason: reason, trainFromMs: trainFrom, trainToMs: trainTo, holdoutFromMs: holdoutFrom,
                               holdoutToMs: asOf)
    }
}
