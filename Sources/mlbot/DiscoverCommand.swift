import ArgumentParser
import Backtest
import Dispatch
import Discovery
import Engine
import Foundation
import Learning
import Market
import NumericKit
import Synchronization

/// `mlbot discover`: the strategy search, ranked by the deflated Sharpe ratio.
struct DiscoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Search strategies walk-forward and rank them by the deflated Sharpe ratio; save the best as candidates.",
        discussion: """
            The search space (symbols × feature subsets × models × horizons × thresholds × exits × sizing) \
            comes from --space. Every candidate is trained only on the past, traded out of sample with \
            costs, and ranked by its Sharpe ratio deflated for the number of configurations tried. \
            Successive halving trains every model on an early part of the bars first and only the best \
            on all of them. The top K are saved as strategies (status candidate) with their models.

            Ctrl-C (or SIGTERM) stops after the models in progress; everything evaluated is stored, and the same \
            command with the same --run-id resumes. A run is deterministic for its seed.

            Examples:
              mlbot discover
              mlbot discover --space config/discovery.yaml --budget 200 --seed 7 --run-id nightly-1
              mlbot discover --run-id nightly-1 --json      # resume or re-print a run

            Several processes (on one machine or many, sharing the database) can work on one run: \
            give each the same --run-id, --seed and --space, and --workers-total N with its own \
            --worker-index I (read from JOB_COMPLETION_INDEX when that is set, as in a Kubernetes \
            Indexed Job). Workers claim model keys under a lease (--lease-seconds); a worker that \
            dies loses only the keys it held, which another takes once the lease runs out. The \
            result does not depend on how many workers there were or which of them died.
              mlbot discover --run-id big-1 --workers-total 4 --worker-index 0
              mlbot discover --status big-1                 # progress per rung and per worker
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sets: FeatureSetOptions
    @Option(help: "Search space file.") var space = "config/discovery.yaml"
    @Option(help: "Most configurations to evaluate (default: the space's search.budget, else all).") var budget: Int?
    @Option(help: "Seed for sampling the space.") var seed: UInt64 = 42
    @Option(help: "Run id (default: disc-<UTC time>); an existing id resumes that run.") var runId: String?
    @Option(help: "First bar (ISO-8601 or epoch).") var from: String?
    @Option(help: "Last bar (ISO-8601 or epoch).") var to: String?
    @Option(help: "Models trained at once (default: all cores).") var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Folder for the saved strategies' models.") var modelsDir = "models"
    @Option(help: "Processes working on this run (with --worker-index).") var workersTotal: Int?
    @Option(help: "This process's index among them, 0 ..< --workers-total (default: $JOB_COMPLETION_INDEX).") var workerIndex: Int?
    @Option(help: "How long a claim on a model key lasts unless its worker renews it.") var leaseSeconds = 60.0
    @Option(help: "Show a run's progress per rung and per worker, and exit.") var status: String?
    @Flag(help: "Print JSON (keys: run_id, resumed, trials, sharpe_variance, evaluated_per_rung, ranked, saved).") var json = false

    struct Row: Encodable {
        let rank: Int
        @NullWhenAbsent var saved_as: String?
        let symbol: String, subset: String, model: String, horizon: Int, threshold: Double
        let exit: String, sizing: String, long_short: Bool, trades: Int, sharpe: Double, psr: Double, dsr: Double, in_sample_sharpe: Double
        @NullWhenAbsent var degradation: Double?
        let total_return: Double, max_drawdown: Double
    }

    struct Output: Encodable {
        let run_id: String, resumed: Bool, trials: Int, sharpe_variance: Double, evaluated_per_rung: [Int], ranked: [Row], saved: [String]
    }

    /// The worker index: the option, else Kubernetes' `JOB_COMPLETION_INDEX`.
    func index(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
        if let workerIndex { return workerIndex }
        guard let text = environment["JOB_COMPLETION_INDEX"], workersTotal != nil else { return nil }
        guard let i = Int(text), i >= 0 else { throw ValidationError("JOB_COMPLETION_INDEX: expected a worker index (0, 1, …), got '\(text)'") }
        return i
    }

    func validate() throws {
        if let workersTotal, workersTotal < 1 { throw ValidationError("--workers-total: expected at least 1") }
        if workerIndex != nil, workersTotal == nil { throw ValidationError("--worker-index: give --workers-total too") }
        if let total = workersTotal {
            guard let i = try index() else { throw ValidationError("--workers-total: give --worker-index (or set JOB_COMPLETION_INDEX)") }
            guard i < total else { throw ValidationError("--worker-index: expected 0 ..< \(total) (--workers-total), got \(i)") }
            guard runId != nil else { throw ValidationError("--workers-total: every worker needs the same --run-id") }
        }
        guard leaseSeconds >= 1, leaseSeconds.isFinite else { throw ValidationError("--lease-seconds: expected at least 1 second") }
        if let budget, budget < 1 { throw ValidationError("--budget: expected a positive number of configurations") }
        guard workers >= 1 else { throw ValidationError("--workers: expected at least 1") }
        if let runId, runId.isEmpty || !runId.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) {
            throw ValidationError("--run-id: use letters, digits, '_', '-' or '.'")
        }
    }

    func run() throws {
        let cfg = try global.loadConfig()
        if let status {
            try show(DiscoveryStatus.of(run: status, store: try global.openResearchStore(cfg, modelsDirectory: modelsDir), nowMs: UTCTime.nowMs()))
            return
        }
        let searchSpace = try SearchSpace.load(path: space)
        let store = try global.openResearchStore(cfg, modelsDirectory: modelsDir)
        // The second plus four random hex digits: two runs started in the same second get distinct ids.
        let id = runId ?? "disc-" + UTCTime.iso(UTCTime.nowMs() / 1000 * 1000).filter { $0.isNumber }.prefix(14) + "-"
            + String(format: "%04x", UInt16.random(in: .min ... .max))
        var request = DiscoveryRequest(space: searchSpace, runId: String(id), seed: seed, budget: budget, from: try from.map(UTCTime.parse),
                                       to: try to.map(UTCTime.parse), workers: workers, featuresDirectory: sets.featuresDir, modelsDirectory: modelsDir)
        request.finalBacktest = StrategyBacktest.finalBacktest(catalog: try InstrumentCatalog.load(path: nil), config: cfg)
        let leaseMs = Int64((leaseSeconds * 1000).rounded())
        if let total = workersTotal, let i = try index() { request.shard = .index(i, of: total, leaseMs: leaseMs) } else { request.shard.leaseMs = leaseMs }
        let stop = StopFlag()
        // SIGTERM too: it is how Kubernetes (and systemd) stop a worker.
        let watching = stop.watch([SIGINT, SIGTERM], message: "stopping after the models in progress (Ctrl-C again to quit now)…")
        defer { watching.forEach { $0.cancel() }; signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL) }
        let bar = UncheckedSendable(ProgressBar(label: "discover \(id)"))
        let lock = Mutex(())
        let outcome = try DiscoveryRun.run(request, store: store, progress: { p in
            lock.withLock { _ in
                bar.value.update(fraction: p.fraction, detail: "rung \(p.rung + 1)/\(p.rungs): \(p.modelsDone)/\(p.modelsAtRung) models")
            }
        }, shouldStop: { stop.isSet })
        bar.value.finish()
        switch outcome {
        case .interrupted(let done):
            FileHandle.standardError.write(Data("interrupted after \(done) models; resume with: mlbot discover --space \(space) --run-id \(id)\(seed == 42 ? "" : " --seed \(seed)")\n".utf8))
            throw ExitCode(130)
        case .complete(let report):
            let rows = report.entries.map { e in
                Row(rank: e.rank, saved_as: e.savedAs, symbol: e.spec.symbol.name, subset: e.subset, model: e.spec.rule.map(Self.describe) ?? Self.describe(e.spec.model),
                    horizon: e.spec.horizon ?? 0, threshold: e.spec.threshold, exit: Self.describe(e.spec.exit), sizing: Self.describe(e.spec.sizing),
                    long_short: e.spec.longShort, trades: e.metrics.trades, sharpe: e.metrics.sharpe, psr: e.psr, dsr: e.dsr,
                    in_sample_sharpe: e.inSampleSharpe, degradation: e.degradation, total_return: e.metrics.totalReturn, max_drawdown: e.metrics.maxDrawdown)
            }
            if json {
                try JSONOutput.print(Output(run_id: report.runId, resumed: report.resumed, trials: report.trials, sharpe_variance: report.sharpeVariance,
                                            evaluated_per_rung: report.evaluatedPerRung, ranked: rows, saved: report.saved.map(\.name)))
                return
            }
            print("run \(report.runId)\(report.resumed ? " (resumed)" : ""): \(report.trials) configurations tried; evaluated per rung \(report.evaluatedPerRung.map(String.init).joined(separator: " → ")); \(rows.count) ranked")
            print(String(format: "deflated Sharpe ratios account for %d trials with per-bar Sharpe variance %.3g", report.trials, report.sharpeVariance))
            var table = TextTable(["rank", "DSR", "PSR", "Sharpe", "IS Shp", "trades", "symbol", "subset", "signal", "h", "thr", "exit", "saved as"],
                                  align: [.right, .right, .right, .right, .right, .right, .left, .left, .left, .right, .right, .left, .left])
            for r in rows.prefix(20) {
                table.add([String(r.rank), String(format: "%.4f", r.dsr), String(format: "%.4f", r.psr), String(format: "%.2f", r.sharpe),
                           String(format: "%.2f", r.in_sample_sharpe), String(r.trades), r.symbol, r.subset, r.model,
                           r.horizon == 0 ? "–" : String(r.horizon), r.threshold == 1 ? "–" : String(format: "%.3f", r.threshold),
                           r.exit + (r.long_short ? " L/S" : ""), r.saved_as ?? ""])
            }
            table.print()
            if rows.isEmpty { print("no candidate could rank (too few trades or not evaluated); see the run's candidates in the store") }
            if !report.saved.isEmpty {
                print("saved as candidates: \(report.saved.map(\.name).joined(separator: ", ")) — see `mlbot strategies list`, reproduce with `mlbot backtest --strategy NAME`")
            }
        }
    }

    func show(_ s: DiscoveryStatus) throws {
        if json { try JSONOutput.print(s); return }
        print("run \(s.run_id): \(s.complete ? "complete, \(s.trials ?? 0) configurations ranked" : "in progress")")
        var rungs = TextTable(["rung", "keys", "done", "held", "leases expired", "opened by", "completed by"],
                              align: [.right, .right, .right, .right, .right, .left, .left])
        for r in s.rungs { rungs.add([String(r.rung), String(r.keys), String(r.done), String(r.held), String(r.expired), r.opened_by, r.completed_by ?? ""]) }
        rungs.print()
        var workers = TextTable(["worker", "claimed", "done", "held", "leases expired", "released", "incarnations"],
                                align: [.left, .right, .right, .right, .right, .right, .right])
        for w in s.workers { workers.add([w.worker, String(w.claimed), String(w.done), String(w.held), String(w.expired), String(w.released), String(w.sessions)]) }
        workers.print()
    }

    static func describe(_ r: FeatureRule) -> String {
        switch r.condition {
        case .above: "\(r.feature) > \(r.level)"
        case .below: "\(r.feature) < \(r.level)"
        case .band: "\(r.feature) band \(r.level)…\(r.upper)"
        }
    }

    static func describe(_ m: ModelSpec) -> String {
        switch m {
        case .ridge(let l): return "ridge l2=\(l)"
        case let .logistic(l, w): return "logistic l2=\(l)" + (w == .balanced ? " bal" : "")
        case .mlp(let o): return "mlp \(o.hidden.map(String.init).joined(separator: "-")) l2=\(o.l2)"
        }
    }

    static func describe(_ e: StrategySpec.ExitKind) -> String {
        switch e {
        case .hold: return "hold"
        case .opposite: return "opposite"
        case let .atr(tp, sl): return "atr \(tp)/\(sl)"
        }
    }

    static func describe(_ s: SignalRules.Sizing) -> String {
        switch s {
        case .fixed(let f): return "fixed \(f)"
        case .volatilityTarget(let a): return "vol \(a)"
        }
    }
}
