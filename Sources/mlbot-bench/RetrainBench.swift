import Discovery
import Engine
import Foundation
import Learning
import Market
import MarketData
import Store
#if canImport(Glibc)
import Glibc
#endif

extension Bench {
    /// The nightly retrain: 3 model strategies (logistic, one per symbol) on 97 days of one-minute
    /// bars (90 to train, 7 of holdout), champion trained on the 90 days before. First the run
    /// alone (wall and CPU time); then the paper service replaying `MLBOT_BENCH_RETRAIN_BARS`
    /// (default 20,000) bar-times of the same strategies with a commit per bar, once idle and once
    /// with the retrain running beside it as the service runs it: `mlbot jobs run` as a child
    /// process under `nice -n 10` (the `mlbot` binary next to this one; without it, on a thread of
    /// this process at nice 10). Run from the repository root (reads features/).
    static func retrain() throws {
        let replayBars = setting("MLBOT_BENCH_RETRAIN_BARS", 20_000)
        let days = 97
        print("Retrain: 3 logistic model strategies, \(days) days of 1-minute bars each (90 training, 7 holdout), champion vs challenger")
        let dir = try scratchDirectory("retrain")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("s.sqlite").path
        let store = try DataStore(path: db)
        let symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
        let start: Int64 = 1_704_067_200_000
        _ = try SyntheticData.generate(SyntheticMarket.Config(symbols: try symbols.map(Symbol.init), interval: .oneMinute, start: start, bars: days * 1440, seed: 7),
                                       into: store, policy: .keepExisting)
        let models = dir.appendingPathComponent("models").path
        var names: [String] = []
        for s in symbols {
            let name = "\(s.lowercased())-lr"
            let path = dir.appendingPathComponent("\(name).yaml").path
            try """
                name: \(name)
                symbol: \(s)
                interval: 1m
                feature_set: default
                horizon: 15
                model: {kind: logistic, l2: 1.0}
                cv: {folds: 3, mode: expanding, embargo: 0}
                calibration: platt
                signal: {threshold: 0.505, long_short: true}
                exit: {kind: hold}
                sizing: {kind: fixed, fraction: 0.05}
                """.write(toFile: path, atomically: true, encoding: .utf8)
            let file = try StrategyFile.load(path: path, featuresDirectory: "features")
            let d = file.definition
            // The champion: the same spec on the 90 days before the last 7 days' holdout, less a week.
            _ = try TrainingJob(set: d.set, symbol: file.symbol, interval: file.interval, spec: d.model, cv: d.cv, calibration: d.calibration,
                                to: start + Int64(days - 14) * UTCTime.msPerDay - 60_000, name: name, seed: 1, modelsDirectory: models, promote: true).run(store: store)
            _ = try StoredStrategy.importFile(path, store: store, featuresDirectory: "features", replace: false)
            try store.strategies.setStatus(name, from: .candidate, to: .paper, timeMs: 0, reason: "bench")
            names.append(name)
        }
        let jobs = dir.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        try "schedule: \"0 2 * * *\"\ntraining_window: 90d\nholdout: 7d\n".write(to: jobs.appendingPathComponent("nightly.yaml"), atomically: true, encoding: .utf8)
        let job = try JobFile.load(name: "nightly", directory: jobs.path)
        let config = MlbotConfig.builtIn()
        // Copies for the latency runs, before the standalone run promotes anything.
        let idleDB = try copyStore(db, to: dir.appendingPathComponent("idle.sqlite").path)
        let busyDB = try copyStore(db, to: dir.appendingPathComponent("busy.sqlite").path)

        let cpu0 = cpuSeconds(), wall0 = Date()
        let report = try RetrainJob(job: job, modelsDirectory: models, featuresDirectory: "features").run(store: store, config: config, catalog: InstrumentCatalog())
        let wall = Date().timeIntervalSince(wall0), cpu = cpuSeconds() - cpu0
        print(String(format: "  one run (%@): wall %.2f s, CPU %.2f s (%.2f cores busy)", report.run.detail, wall, cpu, cpu / wall))
        for o in report.outcomes {
            print(String(format: "    %@: %@ — champion log loss %.5f, challenger %.5f", o.strategy, o.outcome.rawValue, o.champion?.logLoss ?? .nan, o.challenger?.logLoss ?? .nan))
        }

        // The service's bar latency, idle and beside a retrain.
        let mlbot = siblingMlbot()?.path ?? ""
        let child = !mlbot.isEmpty
        let idle = try replayLatency(db: idleDB, names: names, config: config, bars: replayBars)
        let busy = try replayLatency(db: busyDB, names: names, config: config, bars: replayBars) { store in
            if child {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
                p.arguments = ["-n", "10", mlbot, "jobs", "run", "nightly", "--db", busyDB, "--jobs-dir", jobs.path, "--models-dir", models, "--features-dir", "features"]
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                return { p.isRunning }
            }
            let done = Done()
            Thread.detachNewThread {
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)   // this thread only (Linux)
                _ = try? RetrainJob(job: job, modelsDirectory: models, featuresDirectory: "features").run(store: store, config: config, catalog: InstrumentCatalog())
                done.set()
            }
            return { !done.isSet }
        }
        print(String(format: "  bar-time (decision + commit) over %d bar-times: idle p50 %.1f µs, p99 %.1f µs; beside the retrain (%@) p50 %.1f µs, p99 %.1f µs (%.2f× idle p99, aim ≤ 2×)",
                     replayBars, idle.p50, idle.p99, child ? "child process, nice 10" : "thread, nice 10", busy.p50, busy.p99, busy.p99 / idle.p99))
        print(String(format: "    (%d of the %d bar-times stepped while the retrain ran)", busy.during, replayBars))
    }

    final class Done: @unchecked Sendable {
        private let lock = NSLock()
        private var flag = false
        func set() { lock.lock(); flag = true; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return flag }
    }

    static func copyStore(_ db: String, to copy: String) throws -> String {
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: db + suffix) {
            try FileManager.default.copyItem(atPath: db + suffix, toPath: copy + suffix)
        }
        return copy
    }

    /// The paper service on its own store replaying `bars` bar-times; `beside` starts the load (on
    /// the same store, as in the service) and returns whether it is still running. Only the
    /// bar-times stepped while it runs count.
    static func replayLatency(db: String, names: [String], config: MlbotConfig, bars: Int,
                              beside: ((DataStore) throws -> () -> Bool)? = nil) throws -> (p50: Double, p99: Double, during: Int) {
        let store = try DataStore(path: db)
        // The champions trade from their training end: the last 14 days.
        let service = try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: BacktestJob(target: .names(names), mode: .model))
        while let t = service.nextBarMs, t < service.session.startMs { try service.step() }
        let running = try beside?(store) ?? { true }
        var samples: [Int64] = []
        samples.reserveCapacity(bars)
        var stepped = 0
        while stepped < bars, try service.step() != nil {
            stepped += 1
            if running() { samples.append(service.lastDecision.nanoseconds + service.lastCommit.nanoseconds) }
        }
        while beside != nil && running() { Thread.sleep(forTimeInterval: 0.05) }
        let sorted = samples.sorted()
        func q(_ p: Double) -> Double { sorted.isEmpty ? .nan : Double(sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]) / 1000 }
        return (q(0.5), q(0.99), samples.count)
    }

    /// User + system CPU time of this process (all threads) so far.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }
}
