import Foundation
import PostgresStore
import Store
import TestSupport
import Testing

/// `mlbot discover` sharded over worker processes on one store: the result is the single
/// process's, byte for byte, whatever the workers' interleaving and deaths.
@Suite(.serialized) struct CLIShardedDiscoverTests {
    /// Eighteen model keys at the first rung, nine at the second: enough for three workers to interleave.
    static let space = """
        symbols: [ETHUSDT, SOLUSDT]
        interval: 1m
        feature_set: default
        models: [{kind: logistic, l2: 1.0}, {kind: logistic, l2: 0.1}, {kind: ridge, l2: 1.0}]
        horizons: [10, 15, 20]
        thresholds: [0.5, 0.51]
        exits: [{kind: hold}, {kind: opposite}]
        long_short: [false, true]
        cv: {folds: 3}
        search: {min_trades: 5, top_k: 2, eta: 2, rungs: 2}
        """

    /// Where the workers' shared store is.
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    static func open(_ db: String) throws -> any ResearchStore {
        PostgresAddress.isPostgres(db) ? try PostgresStore(try PostgresAddress(db, environment: [:])) : try DataStore(path: db, mustExist: true)
    }

    /// The saved strategies and their models, without the wall-clock times they were saved at.
    static func saved(_ db: String, in dir: URL) throws -> [String] {
        let list = try JSONSerialization.jsonObject(with: Data(try CLI.run(["strategies", "list", "--db", db, "--json"], in: dir).out.utf8)) as? [[String: Any]] ?? []
        let store = try open(db)
        return try list.map { s in
            var s = s
            s.removeValue(forKey: "created"); s.removeValue(forKey: "status_since")
            let name = s["name"] as! String
            let model = try store.models.list(name: name).map { "\($0.reference) \($0.kind) \($0.featureHash) \($0.summary)" }
            let text = String(data: try JSONSerialization.data(withJSONObject: s, options: [.sortedKeys]), encoding: .utf8)!
            let weights = try String(contentsOf: dir.appendingPathComponent("models/\(name)/1/model.json"), encoding: .utf8)
            return text + " " + model.joined(separator: ",") + " " + weights
        }
    }

    /// On PostgreSQL the shared store is filled with `mlbot data copy` from the single run's
    /// SQLite store (before that run), and compared with the single SQLite run.
    @Test(arguments: Backend.allCases)
    func threeWorkersOneKilledInARungEndExactlyAsOneProcess(_ backend: Backend) throws {
        let dir = try Fixtures.temporaryDirectory("sharded-\(backend)")
        let single = dir.appendingPathComponent("single"), shared = dir.appendingPathComponent("shared")
        for d in [single, shared] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let synth = try CLI.run(["data", "synth", "--db", single.appendingPathComponent("s.sqlite").path, "--days", "8"], in: single)
        #expect(synth.status == 0, "\(synth.err)")
        let db: String
        switch backend {
        case .sqlite:
            try FileManager.default.copyItem(at: single.appendingPathComponent("s.sqlite"), to: shared.appendingPathComponent("s.sqlite"))
            db = shared.appendingPathComponent("s.sqlite").path
        case .postgres:
            db = try LocalPostgres.shared().database("sharded")
            let copy = try CLI.run(["data", "copy", "--from", single.appendingPathComponent("s.sqlite").path, "--to", db, "--json"], in: shared)
            #expect(copy.status == 0 && copy.out.contains("\"verified\" : true"), "\(copy.out) \(copy.err)")
        }
        let spacePath = try Fixtures.write(Self.space, named: "space.yaml", in: dir)
        func args(_ d: URL) -> [String] {
            ["discover", "--db", d == shared ? db : d.appendingPathComponent("s.sqlite").path, "--features-dir", CLIDiscoverTests.features,
             "--space", spacePath, "--run-id", "big", "--json", "--workers", "1"]
        }

        let alone = try CLI.run(args(single), in: single)
        #expect(alone.status == 0, "\(alone.err)")

        let workers = try (0..<3).map { i in
            try Spawned(args(shared) + ["--workers-total", "3", "--lease-seconds", "2"], in: shared, label: "w\(i)", environment: ["JOB_COMPLETION_INDEX": "\(i)"])
        }
        // Kill worker 2 while it holds a key of the first rung, after it has finished one.
        let store = try Self.open(db)
        var killedHolding: Int?
        for _ in 0..<3000 where killedHolding == nil {
            let claims = (try? store.discovery.claims(run: "big")) ?? []
            let mine = claims.filter { $0.worker == "worker-2-of-3" && $0.rung == 0 }
            if mine.contains(where: { $0.outcome == "done" }), let held = mine.first(where: { $0.outcome == nil }) {
                workers[2].signal(SIGKILL)
                killedHolding = held.keyIndex
            } else {
                usleep(10_000)
            }
        }
        let held = try #require(killedHolding, "worker 2 was never seen holding a key after finishing one")
        #expect(workers[2].wait().status != 0)
        // The survivors finish within two minutes (a key nobody takes back would leave them waiting).
        let deadline = Date().addingTimeInterval(120)
        while workers[0].process.isRunning || workers[1].process.isRunning, Date() < deadline { usleep(50_000) }
        let late = workers.prefix(2).filter(\.process.isRunning)
        late.forEach { $0.signal(SIGKILL) }
        try #require(late.isEmpty, "the surviving workers were still running after two minutes")
        let outs = [workers[0].wait(), workers[1].wait()]
        for o in outs { #expect(o.status == 0, "\(o.err)") }

        // The same ranking and evaluated counts as the single process (`resumed` says whether the
        // worker found the run started, so it is left out here and compared in the re-print below).
        func figures(_ text: String) throws -> NSDictionary {
            var o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
            o.removeValue(forKey: "resumed")
            return o as NSDictionary
        }
        for o in outs { #expect(try figures(o.out).isEqual(to: try figures(alone.out) as! [AnyHashable: Any]), "\(o.out.prefix(400)) vs \(alone.out.prefix(400))") }
        // Re-printed, both runs are byte for byte the same JSON; so are the saved strategies and models.
        let again = [try CLI.run(args(single), in: single), try CLI.run(args(shared), in: shared)]
        #expect(again[0].status == 0 && again[1].status == 0 && again[0].out == again[1].out && !again[0].out.isEmpty)
        #expect(try Self.saved(single.appendingPathComponent("s.sqlite").path, in: single) == Self.saved(db, in: shared))
        if backend == .postgres {
            // On PostgreSQL models/ is a cache: removed or damaged, a model's files come back from the database.
            let models = shared.appendingPathComponent("models")
            func contents() throws -> [String: Data] {
                let paths = FileManager.default.enumerator(atPath: models.path)?.compactMap { $0 as? String } ?? []
                var out: [String: Data] = [:]
                for p in paths {
                    var isDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: models.appendingPathComponent(p).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                        out[p] = try Data(contentsOf: models.appendingPathComponent(p))
                    }
                }
                return out
            }
            let before = try contents()
            #expect(!before.isEmpty)
            try FileManager.default.removeItem(at: models)
            let listed = try JSONSerialization.jsonObject(with: Data(try CLI.run(["models", "list", "--db", db, "--json"], in: shared).out.utf8)) as? [[String: Any]] ?? []
            #expect(listed.count == 2)
            for m in listed {
                let shown = try CLI.run(["models", "show", "\(m["name"]!)@\(m["version"]!)", "--db", db], in: shared)
                #expect(shown.status == 0, "\(shown.err)")
            }
            #expect(try contents() == before)
            let damaged = try #require(before.keys.sorted().first)
            try Data("not a model".utf8).write(to: models.appendingPathComponent(damaged))
            let name = damaged.split(separator: "/")[0]
            #expect(try CLI.run(["models", "show", "\(name)@1", "--db", db], in: shared).status == 0)
            #expect(try contents() == before)
        }

        // The claims tell the story: the dead worker's key expired and another took it; no two
        // workers ever held one key at the same time.
        let claims = try store.discovery.claims(run: "big")
        let dead = claims.filter { $0.worker == "worker-2-of-3" && $0.keyIndex == held && $0.rung == 0 }
        #expect(dead.count == 1 && dead[0].outcome == "expired")
        #expect(claims.contains { $0.rung == 0 && $0.keyIndex == held && $0.worker != "worker-2-of-3" && $0.outcome == "done" })
        for (_, same) in Dictionary(grouping: claims, by: { "\($0.rung)/\($0.keyIndex)" }) {
            let ordered = same.sorted { $0.claimedMs < $1.claimedMs }
            for (a, b) in zip(ordered, ordered.dropFirst()) {
                #expect(a.finishedMs != nil && a.finishedMs! <= b.claimedMs, "key \(a.rung)/\(a.keyIndex): \(a.worker) until \(a.finishedMs ?? -1), \(b.worker) from \(b.claimedMs)")
            }
        }
        #expect(claims.allSatisfy { $0.outcome != nil }, "nothing is left held")

        // --status shows it per rung and per worker.
        let status = try CLI.run(["discover", "--status", "big", "--db", db, "--json"], in: shared)
        #expect(status.status == 0, "\(status.err)")
        let s = try JSONSerialization.jsonObject(with: Data(status.out.utf8)) as? [String: Any] ?? [:]
        let rungs = s["rungs"] as? [[String: Any]] ?? []
        #expect(s["complete"] as? Bool == true && rungs.map { $0["keys"] as? Int } == [18, 9] && rungs.map { $0["done"] as? Int } == [18, 9])
        let w2 = (s["workers"] as? [[String: Any]] ?? []).first { $0["worker"] as? String == "worker-2-of-3" }
        #expect(w2?["expired"] as? Int == 1 && w2?["held"] as? Int == 0)
        let text = try CLI.run(["discover", "--status", "big", "--db", db], in: shared)
        #expect(text.status == 0 && text.out.contains("leases expired") && text.out.contains("worker-0-of-3"), "\(text.out)")
    }

    @Test func aWorkerStoppedWithSIGTERMFinishesItsModelHoldsNothingAndARestartCompletes() throws {
        let dir = try Fixtures.temporaryDirectory("sharded-term")
        let db = dir.appendingPathComponent("s.sqlite").path
        #expect(try CLI.run(["data", "synth", "--db", db, "--days", "8"], in: dir).status == 0)
        let spacePath = try Fixtures.write(Self.space, named: "space.yaml", in: dir)
        let args = ["discover", "--db", db, "--features-dir", CLIDiscoverTests.features, "--space", spacePath, "--run-id", "t", "--json",
                    "--workers", "1", "--workers-total", "2", "--worker-index", "1"]
        let worker = try Spawned(args, in: dir, label: "w1")
        let store = try DataStore(path: db, mustExist: true)
        var signalled = false
        for _ in 0..<3000 where !signalled {
            if ((try? store.discovery.claims(run: "t")) ?? []).contains(where: { $0.outcome == "done" }) { worker.signal(SIGTERM); signalled = true } else { usleep(10_000) }
        }
        try #require(signalled, "the worker never finished a key")
        let stopped = worker.wait()
        #expect(stopped.status == 130 && stopped.err.contains("resume with"), "\(stopped.status) \(stopped.err)")
        let claims = try store.discovery.claims(run: "t")
        #expect(claims.allSatisfy { $0.outcome == "done" }, "a stopped worker finishes what it holds: \(claims.map(\.outcome))")
        #expect(try store.discovery.run("t")?.complete == false)
        // The same worker again (worker 0 never came): it takes the rest and completes the run.
        let again = try CLI.run(args, in: dir)
        #expect(again.status == 0, "\(again.err)")
        let o = try JSONSerialization.jsonObject(with: Data(again.out.utf8)) as? [String: Any] ?? [:]
        #expect(o["resumed"] as? Bool == true && o["evaluated_per_rung"] as? [Int] == [18 * 8, 9 * 8])
    }

    @Test func badShardOptionsAreRefusedBeforeAnythingRuns() throws {
        let dir = try Fixtures.temporaryDirectory("shard-options")
        for (extra, env, message) in [(["--workers-total", "3", "--worker-index", "3", "--run-id", "x"], [String: String](), "expected 0 ..< 3"),
                                      (["--worker-index", "1", "--run-id", "x"], [:], "give --workers-total"),
                                      (["--workers-total", "2"], ["JOB_COMPLETION_INDEX": "0"], "same --run-id"),
                                      (["--workers-total", "2", "--run-id", "x"], ["JOB_COMPLETION_INDEX": "one"], "JOB_COMPLETION_INDEX: expected"),
                                      (["--workers-total", "2", "--run-id", "x", "--worker-index", "0", "--lease-seconds", "0"], [:], "--lease-seconds")] {
            let r = try CLI.run(["discover", "--db", dir.appendingPathComponent("none.sqlite").path] + extra, in: dir, environment: env)
            #expect(r.status != 0 && r.err.contains(message), "\(extra) \(env): \(r.err)")
        }
        let none = try CLI.run(["discover", "--status", "nope", "--db", dir.appendingPathComponent("none.sqlite").path], in: dir)
        #expect(none.status != 0 && none.err.contains("no such database"), "\(none.err)")
    }
}
