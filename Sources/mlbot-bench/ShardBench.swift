import Discovery
import Foundation
import Market
import MarketData
import PostgresStore
import Store
import TestSupport

extension Bench {
    /// Sharded discovery: candidates per minute of the shipped space (`MLBOT_BENCH_SHARD_BARS`
    /// one-minute bars a symbol) as one process with one training thread, as two worker processes
    /// with one each on one store, and as one process with two threads, on SQLite and on a
    /// PostgreSQL server of its own (`LocalPostgres`, filled by `mlbot data copy`); then each
    /// store's cost per model key (claim + the commit of its candidates with the claim closed).
    static func shards() throws {
        let bars = setting("MLBOT_BENCH_SHARD_BARS", 100_000)
        guard let mlbot = siblingMlbot() else { throw BenchError("build the mlbot product next to mlbot-bench (swift build -c release --product mlbot)") }
        let dir = try scratchDirectory("shards")
        defer { try? FileManager.default.removeItem(at: dir) }
        let seed = dir.appendingPathComponent("seed.sqlite")
        do {
            let store = try DataStore(path: seed.path)
            _ = try SyntheticData.generate(SyntheticMarket.Config(symbols: try ["BTCUSDT", "ETHUSDT", "SOLUSDT"].map(Symbol.init), interval: .oneMinute,
                                                                  start: 1_704_067_200_000, bars: bars, seed: 42), into: store, policy: .keepExisting)
        }
        // The shipped space, saving no strategies (the search is what is measured).
        let spaceText = try String(contentsOfFile: "config/discovery.yaml", encoding: .utf8)
        let space = dir.appendingPathComponent("space.yaml")
        guard spaceText.contains("top_k: 5") else { throw BenchError("config/discovery.yaml no longer says top_k: 5; update this benchmark") }
        try spaceText.replacingOccurrences(of: "top_k: 5", with: "top_k: 0").write(to: space, atomically: true, encoding: .utf8)
        let parsed = try SearchSpace.load(path: space.path)
        let variants = parsed.ruleVariants.count
        print("Sharded discovery: config/discovery.yaml (\(parsed.modelKeys.count) models × \(variants) rule variants), 3 symbols × \(bars) one-minute bars")

        let postgres = try LocalPostgres.shared()
        // MLBOT_BENCH_SHARD_RUNS=0 measures the store's cost per key alone.
        let runs = setting("MLBOT_BENCH_SHARD_RUNS", 1) > 0
        func run(_ label: String, processes: Int, threads: Int, onPostgres: Bool = false) throws -> Double {
            let db: String
            if onPostgres {
                db = try postgres.database("bench\(processes)x\(threads)")
                let copy = Process()
                copy.executableURL = mlbot
                copy.arguments = ["data", "copy", "--from", seed.path, "--to", db]
                copy.standardOutput = FileHandle.nullDevice
                copy.standardError = FileHandle.nullDevice
                let t0 = Date()
                try copy.run()
                copy.waitUntilExit()
                guard copy.terminationStatus == 0 else { throw BenchError("mlbot data copy exited \(copy.terminationStatus)") }
                if processes == 1 && threads == 1 { print(String(format: "  mlbot data copy of the %d bars into PostgreSQL: %.1f s", 3 * bars, Date().timeIntervalSince(t0))) }
            } else {
                let file = dir.appendingPathComponent("\(processes)x\(threads).sqlite")
                try? FileManager.default.removeItem(at: file)
                try FileManager.default.copyItem(at: seed, to: file)
                db = file.path
            }
            let start = Date()
            let children = try (0..<processes).map { i -> Process in
                let p = Process()
                p.executableURL = mlbot
                p.arguments = ["discover", "--db", db, "--space", space.path, "--run-id", "bench", "--workers", "\(threads)", "--json", "--models-dir", dir.path]
                    + (processes > 1 ? ["--workers-total", "\(processes)", "--worker-index", "\(i)"] : [])
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                return p
            }
            for p in children {
                p.waitUntilExit()
                guard p.terminationStatus == 0 else { throw BenchError("\(label): mlbot discover exited \(p.terminationStatus)") }
            }
            let seconds = Date().timeIntervalSince(start)
            let store: any ResearchStore = onPostgres ? try PostgresStore(try PostgresAddress(db, environment: [:])) : try DataStore(path: db, mustExist: true)
            let trials = try store.discovery.run("bench")?.trials ?? 0
            let evaluated = try store.discovery.candidates(run: "bench", rung: nil).count
            print(String(format: "  %@: %.1f s, %.0f candidates/min (%d evaluated over the rungs, %d ranked trials)",
                         label, seconds, Double(evaluated) / seconds * 60, evaluated, trials))
            return seconds
        }
        if runs {
            let one = try run("SQLite, 1 process × 1 thread", processes: 1, threads: 1)
            let two = try run("SQLite, 2 worker processes × 1 thread", processes: 2, threads: 1)
            let threads = try run("SQLite, 1 process × 2 threads", processes: 1, threads: 2)
            print(String(format: "  speed-up on SQLite: 2 workers %.2f×, 2 threads %.2f× over one", one / two, one / threads))
            let pgOne = try run("PostgreSQL, 1 process × 1 thread", processes: 1, threads: 1, onPostgres: true)
            let pgTwo = try run("PostgreSQL, 2 worker processes × 1 thread", processes: 2, threads: 1, onPostgres: true)
            print(String(format: "  PostgreSQL: 2 workers %.2f× over one; one PostgreSQL worker takes %.2f× the time of one on SQLite", pgOne / pgTwo, pgOne / one))
        }

        // The store's cost per model key, apart from training: claim, then commit the key's
        // candidates (each with its bucketed returns) and close the claim.
        try overhead("SQLite", try DataStore(path: dir.appendingPathComponent("overhead.sqlite").path), variants: variants)
        try overhead("PostgreSQL", try PostgresStore(try PostgresAddress(try postgres.database("overhead"), environment: [:])), variants: variants)
    }

    static func overhead(_ label: String, _ store: any ResearchStore, variants: Int) throws {
        try store.discovery.create(DiscoveryRunRecord(runId: "o", spaceHash: "h", seed: 1, budget: 0, dataKey: "d", createdMs: 0, space: ""))
        let keys = Array(0..<2000)
        _ = try store.discovery.openRung(run: "o", rung: 0, keys: keys, worker: "w", nowMs: 0)
        let times = (0..<2000).map { Int64($0) * 60_000 }, returns = (0..<2000).map { Double($0 % 7) * 1e-4 }
        var claimSeconds = 0.0, commitSeconds = 0.0
        for k in keys {
            let t0 = Date()
            guard case .claimed(let c) = try store.discovery.claim(run: "o", rung: 0, keys: keys, worker: "w", session: "s", nowMs: Int64(k), leaseMs: 60_000) else {
                throw BenchError("no key to claim")
            }
            let t1 = Date()
            let candidates = (0..<variants).map { v in
                CandidateRecord(runId: "o", rung: 0, keyIndex: c.keyIndex, variant: v, definition: String(repeating: "x", count: 600), error: nil,
                                observations: 2000, sharpe: 0.01, skewness: 0, kurtosis: 3, trades: 40, inSampleSharpe: 0.02,
                                metricsJSON: String(repeating: "m", count: 400), bucketTimes: times, bucketReturns: returns)
            }
            try store.discovery.finish(c, candidates: candidates, nowMs: Int64(k))
            claimSeconds += t1.timeIntervalSince(t0); commitSeconds += Date().timeIntervalSince(t1)
        }
        print(String(format: "  store cost per model key (%@, %d keys, %d candidates each with 2,000 bucket returns): claim %.2f ms + commit %.2f ms = %.2f ms",
                     label, keys.count, variants, claimSeconds / Double(keys.count) * 1000, commitSeconds / Double(keys.count) * 1000,
                     (claimSeconds + commitSeconds) / Double(keys.count) * 1000))
    }
}
