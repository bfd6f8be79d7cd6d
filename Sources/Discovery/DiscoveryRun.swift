import Backtest
import ConfigFormat
import Dispatch
import Features
import Foundation
import Learning
import Market
import MarketData
import NumericKit
import Store
import Synchronization

/// What one `mlbot discover` invocation asks for.
public struct DiscoveryRequest: Sendable {
    public var space: SearchSpace
    public var runId: String
    public var seed: UInt64
    /// Overrides the space's `search.budget`.
    public var budget: Int?
    public var from: Int64?
    public var to: Int64?
    /// Models trained at the same time.
    public var workers: Int
    public var featuresDirectory: String
    public var modelsDirectory: String
    /// The backtest whose figures a saved strategy is stored with (its name, definition, bars and
    /// reference → result and PSR). The engine supplies its bar cycle here, with instruments,
    /// allocation and risk limits; nil keeps the search kernel's own backtest.
    public var finalBacktest: (@Sendable (String, StrategyDefinition, LoadedSeries) throws -> (BacktestResult, Double))?
    /// Which worker of the run this process is (the only one by default).
    public var shard: DiscoveryShard = .single
    /// Wall time in milliseconds, for leases and the run's records (never for a decision).
    public var clock: @Sendable () -> Int64 = { UTCTime.nowMs() }

    public init(space: SearchSpace, runId: String, seed: UInt64, budget: Int? = nil, from: Int64? = nil, to: Int64? = nil,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount, featuresDirectory: String = "features", modelsDirectory: String = "models") {
        self.space = space; self.runId = runId; self.seed = seed; self.budget = budget; self.from = from; self.to = to
        self.workers = max(1, workers); self.featuresDirectory = featuresDirectory; self.modelsDirectory = modelsDirectory
    }
}

/// Where a run is, reported after every model evaluated.
public struct DiscoveryProgress: Sendable {
    public let rung: Int
    public let rungs: Int
    /// Models evaluated at this rung (including those found already done on resume) and how many it has.
    public let modelsDone: Int
    public let modelsAtRung: Int
    /// Share of the whole run's work done, weighting each model by the bars it trains on.
    public let fraction: Double
}

/// A finished run: the ranking and the strategies saved from it.
public struct DiscoveryReport: Sendable {
    /// One ranked candidate, with what a user compares.
    public struct Entry: Sendable {
        public let rank: Int
        public let spec: StrategySpec
        public let subset: String
        public let metrics: PerformanceMetrics
        public let psr: Double
        public let dsr: Double
        /// Annualised in-sample Sharpe ratio (final model on its own training bars).
        public let inSampleSharpe: Double
        /// 1 − out-of-sample ÷ in-sample Sharpe (nil when the in-sample Sharpe is not positive).
        public let degradation: Double?
        /// The strategy it was saved as (top K only).
        public let savedAs: String?
    }

    public let runId: String
    public let resumed: Bool
    public let trials: Int
    public let sharpeVariance: Double
    /// Configurations evaluated at each rung of successive halving.
    public let evaluatedPerRung: [Int]
    public let candidatesRanked: Int
    public let entries: [Entry]
    public let saved: [StrategyRecord]
}

/// The outcome of `DiscoveryRun.run`.
public enum DiscoveryOutcome: Sendable {
    case complete(DiscoveryReport)
    /// Stopped on request; every model evaluated so far is stored and a rerun with the same id resumes.
    case interrupted(modelsDone: Int)
}

/// The search: successive halving over model keys (each trained walk-forward on a growing prefix
/// of the bars, all rule variants backtested on its out-of-sample predictions), ranking by the
/// deflated Sharpe ratio with a diversity filter, and the top K saved as strategies with their
/// models. Every model's results are committed as soon as they exist, so a run resumes where it
/// stopped; every decision is a function of stored results, so a resumed run ends exactly like
/// an uninterrupted one.
public enum DiscoveryRun {

    public static func run(_ request: DiscoveryRequest, store: any ResearchStore, progress: @escaping @Sendable (DiscoveryProgress) -> Void = { _ in },
                           shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> DiscoveryOutcome {
        let space = request.space, settings = space.settings
        let set = try FeatureSet.named(space.featureSet, in: request.featuresDirectory)
        for subset in space.subsets {
            let unknown = (subset.outputs ?? []).filter { !set.outputs.contains($0) }
            guard unknown.isEmpty else {
                throw ConfigError(file: space.file, line: nil, field: "feature_subsets.\(subset.name)",
                                  expected: "outputs of feature set '\(set.name)'; unknown: \(unknown.joined(separator: ", "))")
            }
        }
        for b in space.baselines where !set.outputs.contains(b.rule.feature) {
            throw ConfigError(file: space.file, line: nil, field: "baselines.\(b.name).feature",
                              expected: "an output of feature set '\(set.name)', got '\(b.rule.feature)'")
        }
        try set.requireNoLookAhead()
        let data = try space.symbols.map { try StrategyData.loadChecked(store, symbol: $0, interval: space.interval, set: set, from: request.from, to: request.to) }
        let dataKey = ([set.contentHash] + data.map { d in
            "\(d.series.symbol.name):\(d.fromMs)-\(d.series.openTime.last!):\(d.usedCount)"
        }).joined(separator: ";")
        let budget = request.budget ?? settings.budget
        let spaceHash = space.contentHash
        var resumed = false
        if let existing = try store.discovery.run(request.runId) {
            var differences: [String] = []
            if existing.spaceHash != spaceHash { differences.append("search space") }
            if existing.seed != request.seed { differences.append("seed (\(existing.seed) then, \(request.seed) now)") }
            if existing.budget != (budget ?? 0) { differences.append("budget (\(existing.budget == 0 ? "none" : "\(existing.budget)") then)") }
            if existing.dataKey != dataKey { differences.append("bars or feature set") }
            guard differences.isEmpty else {
                throw Failure(.conflict, "run '\(request.runId)' exists with a different \(differences.joined(separator: ", ")); "
                               + "resume it with the same inputs or choose another --run-id")
            }
            resumed = true
        } else {
            try store.discovery.create(DiscoveryRunRecord(runId: request.runId, spaceHash: spaceHash, seed: request.seed, budget: budget ?? 0,
                                                          dataKey: dataKey, createdMs: UTCTime.nowMs(), space: space.text))
        }

        let variants = space.ruleVariants
        let rungs = settings.rungs, eta = settings.eta
        func fraction(_ rung: Int) -> Double { pow(Double(eta), Double(rung - (rungs - 1))) }
        var plan = [space.sampledKeys(seed: request.seed, budget: budget).count]
        for _ in 1..<max(1, rungs) { plan.append((plan.last! + eta - 1) / eta) }
        let totalWork = plan.enumerated().reduce(0.0) { $0 + Double($1.element) * fraction($1.offset) }
        var workBefore = 0.0
        let longest = data.map(\.usedCount).max()!
        let bucketMs = Int64(max(1, longest / 2000)) * space.interval.milliseconds
        var evaluatedPerRung: [Int] = []
        let worker = request.shard.worker, clock = request.clock
        // This incarnation of the worker: a claim of another incarnation under the same name is stale.
        let session = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(String(UInt64.random(in: .min ... .max), radix: 16))"
        var next = space.sampledKeys(seed: request.seed, budget: budget)

        for rung in 0..<rungs {
            let f = fraction(rung)
            // Baselines train nothing: they join at the last rung, on all the bars.
            if rung == rungs - 1 { next += space.baselineIndices }
            // The first worker here writes the rung's keys; every worker trains the stored ones.
            let alive = try store.discovery.openRung(run: request.runId, rung: rung, keys: next, worker: worker, nowMs: clock())
            let done = try store.discovery.doneKeys(run: request.runId)[rung] ?? []
            if !alive.allSatisfy(done.contains) {
                // Features are causal, so a prefix of the bars is a fair stand-in for an earlier, shorter history.
                let prepared = data.map { d -> PreparedSeries in
                    let n = d.fromIndex + max(1, Int((Double(d.usedCount) * f).rounded(.up)))
                    return PreparedSeries(series: n == d.series.count ? d.series : d.series.slice(0..<n), reference: d.reference, set: set,
                                          fromIndex: d.fromIndex)
                }
                let context = EvaluationContext(space: space, set: set, runId: request.runId, rung: rung, bucketMs: bucketMs,
                                                prepared: Dictionary(uniqueKeysWithValues: zip(space.symbols.map(\.name), prepared)))
                let atRung = alive.count, before = workBefore, already = done.count
                let claimed = ClaimedEvaluation(store: store, runId: request.runId, rung: rung, keys: alive.filter { !done.contains($0) }, shard: request.shard,
                                                session: session, clock: clock)
                let stopped = try claimed.run(threads: request.workers, shouldStop: shouldStop,
                                              evaluate: { try candidates(for: $0, context: context) }) { finished in
                    let count = min(atRung, already + finished)
                    progress(DiscoveryProgress(rung: rung, rungs: rungs, modelsDone: count, modelsAtRung: atRung,
                                               fraction: (before + Double(count) * f) / totalWork))
                }
                if stopped {
                    let total = try store.discovery.candidates(run: request.runId, rung: nil).count / max(1, variants.count)
                    return .interrupted(modelsDone: total)
                }
            }
            try store.discovery.completeRung(run: request.runId, rung: rung, worker: worker, nowMs: clock())
            let results = try store.discovery.candidates(run: request.runId, rung: rung)
            evaluatedPerRung.append(results.count)
            workBefore += Double(alive.count) * f
            if rung + 1 < rungs {
                next = survivors(results, keep: plan[rung + 1], minTrades: Int((Double(settings.minTrades) * f).rounded(.up)))
            }
        }

        // Ranking is a function of the stored results, so every worker computes the same; saving
        // the top K (retraining, registering models) is done once, by the worker holding this claim.
        let ranking = Ranking.rank(try store.discovery.candidates(run: request.runId, rung: nil), finalRung: rungs - 1, minTrades: settings.minTrades,
                                   maxCorrelation: settings.maxCorrelation)
        _ = try store.discovery.openRung(run: request.runId, rung: rungs, keys: [Self.finishKey], worker: worker, nowMs: clock())
        let finishing = ClaimedEvaluation(store: store, runId: request.runId, rung: rungs, keys: [Self.finishKey], shard: request.shard,
                                          session: session, clock: clock)
        let savedHere = Mutex<[StrategyRecord]?>(nil)
        let stopped = try finishing.run(threads: 1, shouldStop: shouldStop, evaluate: { _ in
            if try store.discovery.run(request.runId)?.complete != true {
                try store.discovery.complete(run: request.runId, trials: ranking.trials, ranking: ranking.candidates, finishedMs: clock())
            }
            let saved = try saveTop(ranking, request: request, set: set, data: data, trials: ranking.trials, store: store)
            savedHere.withLock { $0 = saved }
            return []
        }, finished: { _ in })
        if stopped { return .interrupted(modelsDone: try store.discovery.candidates(run: request.runId, rung: nil).count / max(1, variants.count)) }
        // A worker that did not save them reads what the one that did stored (saveTop keeps existing strategies).
        let saved = try savedHere.withLock { $0 } ?? saveTop(ranking, request: request, set: set, data: data, trials: ranking.trials, store: store)
        let savedNames = Dictionary(uniqueKeysWithValues: saved.map { ($0.rank!, $0.name) })
        let barsPerYear = space.interval.barsPerYear
        let entries = try ranking.ranked.map { c -> DiscoveryReport.Entry in
            let metrics = try BacktestStorage.metrics(json: c.metricsJSON ?? "")
            let isSharpe = c.inSampleSharpe ?? .nan
            return DiscoveryReport.Entry(rank: c.rank!, spec: space.spec(keyIndex: c.keyIndex, variant: c.variant, name: candidateName(c)),
                                         subset: space.subsetName(keyIndex: c.keyIndex),
                                         metrics: metrics, psr: c.psr ?? .nan, dsr: c.dsr ?? .nan,
                                         inSampleSharpe: isSharpe * barsPerYear.squareRoot(),
                                         degradation: isSharpe > 0 ? 1 - (c.sharpe ?? 0) / isSharpe : nil, savedAs: savedNames[c.rank!])
        }
        return .complete(DiscoveryReport(runId: request.runId, resumed: resumed, trials: ranking.trials, sharpeVariance: ranking.sharpeVariance,
                                         evaluatedPerRung: evaluatedPerRung, candidatesRanked: entries.count, entries: entries, saved: saved))
    }

    /// Everything a worker needs to evaluate a model key at one rung.
    struct EvaluationContext: Sendable {
        let space: SearchSpace
        let set: FeatureSet
        let runId: String
        let rung: Int
        let bucketMs: Int64
        let prepared: [String: PreparedSeries]
    }

    /// The claim that saves a run's top K: its one key at the rung after the last.
    static let finishKey = -1

    /// One model key trained once (or a baseline's rule applied), then every rule variant
    /// backtested on its predictions. A key that cannot be trained (too few rows, one class) is
    /// recorded with the reason, not retried.
    static func candidates(for index: Int, context c: EvaluationContext) throws -> [CandidateRecord] {
        let specs = c.space.specs(keyIndex: index) { "k\(index)-v\($0)" }
        let prepared = c.prepared[specs[0].symbol.name]!
        func failed(_ reason: String) -> [CandidateRecord] {
            specs.enumerated().map { v, spec in
                CandidateRecord(runId: c.runId, rung: c.rung, keyIndex: index, variant: v, definition: spec.yaml, error: reason, observations: 0,
                                sharpe: nil, skewness: nil, kurtosis: nil, trades: 0, inSampleSharpe: nil, metricsJSON: nil, bucketTimes: [], bucketReturns: [])
            }
        }
        let first = try specs[0].definition(set: c.set)
        let predictions: StrategyPredictions
        do {
            predictions = try StrategyEvaluator.predict(first, on: prepared)
        } catch let e as Trainer.TrainerError {
            return failed(e.description)
        } catch let e as Failure where e.kind == .badInput {  // too few folds or rows for this candidate
            return failed(e.description)
        }
        return try specs.enumerated().map { v, spec in
            let e = StrategyEvaluator.trade(try spec.definition(set: c.set), predictions: predictions, on: prepared)
            let buckets = ReturnBuckets(time: e.backtest.time, returns: e.backtest.returns, bucketMs: c.bucketMs)
            return CandidateRecord(runId: c.runId, rung: c.rung, keyIndex: index, variant: v, definition: spec.yaml, error: nil,
                                   observations: e.moments.observations, sharpe: e.moments.sharpe, skewness: e.moments.skewness,
                                   kurtosis: e.moments.kurtosis, trades: e.backtest.metrics.trades, inSampleSharpe: e.inSampleMoments.sharpe,
                                   metricsJSON: try BacktestStorage.json(e.backtest.metrics),
                                   bucketTimes: buckets.times, bucketReturns: buckets.sums)
        }
    }

    /// The `keep` best model keys of a rung: each scored by its best variant's Sharpe ratio among
    /// those with enough trades; keys with no such variant drop out. Ties go to the earlier key.
    static func survivors(_ results: [CandidateRecord], keep: Int, minTrades: Int) -> [Int] {
        var best: [Int: Double] = [:]
        for c in results where c.error == nil && c.trades >= minTrades {
            guard let s = c.sharpe, s.isFinite else { continue }
            best[c.keyIndex] = max(best[c.keyIndex] ?? -.infinity, s)
        }
        return best.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(keep).map(\.key).sorted()
    }

    /// Saves the top K as strategies with status `candidate`: each retrained on all its bars (the
    /// same deterministic evaluation), its model registered under the strategy's name, its
    /// out-of-sample backtest stored. Strategies already saved by this run are kept as they are.
    static func saveTop(_ ranking: Ranking.Outcome, request: DiscoveryRequest, set: FeatureSet, data: [LoadedSeries],
                        trials: Int, store: any ResearchStore) throws -> [StrategyRecord] {
        let space = request.space
        var prepared: [String: PreparedSeries] = [:]
        var saved: [StrategyRecord] = []
        for c in ranking.ranked.prefix(space.settings.topK) {
            let name = "\(request.runId)-\(String(format: "%02d", c.rank!))"
            if try store.strategies.exists(name) {
                let existing = try store.strategies.get(name)
                guard existing.runId == request.runId else {
                    throw Failure(.conflict, "strategy '\(name)' already exists and was not saved by run '\(request.runId)'")
                }
                saved.append(existing)
                continue
            }
            let spec = space.spec(keyIndex: c.keyIndex, variant: c.variant, name: name)
            let d = data[space.symbols.firstIndex(of: spec.symbol)!]
            let p = prepared[spec.symbol.name] ?? PreparedSeries(d, set: set)
            prepared[spec.symbol.name] = p
            let definition = try spec.definition(set: set)
            let predictions = try StrategyEvaluator.predict(definition, on: p)
            let e = StrategyEvaluator.trade(definition, predictions: predictions, on: p)
            let (result, psr) = try request.finalBacktest?(name, definition, d) ?? (e.backtest, e.psr)
            var model: ModelEntry?
            if let training = predictions.training {
                let job = TrainingJob(set: definition.set, symbol: spec.symbol, interval: space.interval, spec: definition.model, cv: definition.cv,
                                      calibration: definition.calibration, name: name, seed: request.seed, modelsDirectory: request.modelsDirectory, promote: true)
                model = try job.save(training, firstMs: predictions.firstSampleMs, lastMs: predictions.lastSampleMs,
                                     samples: predictions.samples, store: store).entry
            }
            let record = StrategyRecord(
                name: name, status: .candidate, symbol: spec.symbol.name, interval: space.interval.name, featureSet: set.name,
                featureHash: set.contentHash, definition: spec.yaml, dataFromMs: d.fromMs, dataToMs: d.series.openTime.last,
                runId: request.runId, rank: c.rank, trials: trials, dsr: c.dsr, psr: c.psr, sharpe: result.metrics.sharpe,
                trades: result.metrics.trades, modelName: model?.name, modelVersion: model?.version, createdMs: UTCTime.nowMs())
            try store.strategies.save(record, replace: false, reason: String(format: "found by discovery run %@: rank %d of %d trials, deflated Sharpe %.4f",
                                                             request.runId, c.rank!, trials, c.dsr ?? .nan))
            try store.backtests.save(try BacktestStorage.record(result, psr: psr, strategy: name))
            saved.append(try store.strategies.get(name))
        }
        return saved
    }

    static func candidateName(_ c: CandidateRecord) -> String { "k\(c.keyIndex)-v\(c.variant)" }

}
