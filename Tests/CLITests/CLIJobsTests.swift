import Foundation
import Store
import TestSupport
import Testing

/// The nightly retrain as a user runs it: `mlbot jobs run` beside `mlbot serve` on the same
/// database, the service swapping the promoted model in at a bar boundary, and the control CLI's
/// `model rollback` and `jobs run` going through the running service.
@Suite(.serialized) struct CLIJobsTests {
    static let strategy = """
        name: m1
        symbol: ETHUSDT
        interval: 1m
        feature_set: default
        horizon: 15
        model: {kind: logistic, l2: 1.0}
        cv: {folds: 3, mode: expanding, embargo: 0}
        calibration: platt
        signal: {threshold: 0.5, long_short: true}
        exit: {kind: hold}
        sizing: {kind: fixed, fraction: 0.1}
        """

    /// Five days of bars; m1@1 trained by `mlbot train` on the first four with the strategy's
    /// own spec, so that the job's challenger (trained on the same four days) is the same model:
    /// with a margin of 0 the rule promotes it.
    static func workspace(_ label: String) throws -> (dir: URL, db: String, common: [String]) {
        let dir = try Fixtures.temporaryDirectory(label)
        let db = dir.appendingPathComponent("s.sqlite").path
        let models = dir.appendingPathComponent("models").path
        #expect(try CLI.run(["data", "synth", "--db", db, "--days", "5", "--seed", "11"], in: dir).status == 0)
        let train = try CLI.run(["train", "--db", db, "--features-dir", CLIServeTests.features, "--symbol", "ETHUSDT", "--interval", "1m", "--model", "logistic",
                                 "--l2", "1", "--folds", "3", "--calibration", "platt", "--horizon", "15", "--to", "2024-01-04T23:59:00Z", "--name", "m1",
                                 "--promote", "--models-dir", models], in: dir)
        #expect(train.status == 0, "\(train.err)")
        let f = try Fixtures.write(strategy, named: "m1.yaml", in: dir)
        #expect(try CLI.run(["strategies", "import", "--db", db, "--features-dir", CLIServeTests.features, f], in: dir).status == 0)
        let jobs = dir.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        _ = try Fixtures.write("schedule: \"0 2 * * *\"\nstrategies: [m1]\ntraining_window: 4d\nholdout: 1d\npromotion: {metric: log_loss, margin: 0}\n",
                               named: "nightly.yaml", in: jobs)
        return (dir, db, ["--db", db, "--features-dir", CLIServeTests.features, "--jobs-dir", jobs.path])
    }

    /// Polls `control status --json` until `found` holds (or 60 s pass); returns the last answer.
    static func awaitStatus(_ connect: [String], in dir: URL, _ found: (String) -> Bool) async throws -> String {
        var shown = ""
        for _ in 0..<600 {
            shown = try CLI.run(["control", "status", "--json"] + connect, in: dir).out
            if found(shown) { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return shown
    }

    @Test func aJobRunBesideTheServicePromotesAndTheServiceSwapsAtTheNextBar() async throws {
        let w = try Self.workspace("jobs-e2e")
        let models = w.dir.appendingPathComponent("models").path
        // 200 ms a bar: the day the model trades takes 288 s, more than this test needs even on a loaded machine.
        let p = try Spawned(["serve", "--paper", "--strategies", "m1", "--feed", "replay", "--speed", "300", "--port", "0"] + w.common, in: w.dir, label: "serve")
        let api = try await p.apiAddress()
        let connect = ["--url", api, "--db", w.db]
        let listed = try CLI.run(["jobs", "list", "--json", "--db", w.db, "--jobs-dir", w.dir.appendingPathComponent("jobs").path], in: w.dir)
        #expect(listed.status == 0 && listed.out.contains("\"schedule\" : \"0 2 * * *\"") && listed.out.contains("\"next\" : \""), "\(listed.out) \(listed.err)")
        let first = try await Self.awaitStatus(connect, in: w.dir) { $0.contains(#""model":"m1@1""#) && $0.contains(#""last_probability":0."#) }
        #expect(first.contains(#""jobs":[{"#) && first.contains(#""name":"nightly""#), "the service runs the job's schedule: \(first.prefix(600))")

        let run = try CLI.run(["jobs", "run", "nightly", "--models-dir", models, "--json"] + w.common, in: w.dir)
        #expect(run.status == 0 && run.out.contains("\"outcome\" : \"promoted\"") && run.out.contains("\"status\" : \"succeeded\""), "\(run.out) \(run.err)")
        let swapped = try await Self.awaitStatus(connect, in: w.dir) { $0.contains(#""model":"m1@2""#) }
        #expect(swapped.contains(#""model":"m1@2""#), "the service must swap the promoted model in: \(swapped.prefix(400))")

        // Back to m1@1 through the service, and a run of the job started by the service itself.
        let rollback = try CLI.run(["control", "model", "rollback", "m1", "--reason", "check"] + connect, in: w.dir)
        #expect(rollback.status == 0 && rollback.out.contains("m1@1 is the active model of m1 (was m1@2)"), "\(rollback.out) \(rollback.err)")
        let back = try await Self.awaitStatus(connect, in: w.dir) { $0.contains(#""model":"m1@1""#) }
        #expect(back.contains(#""model":"m1@1""#), "\(back.prefix(400))")
        let started = try CLI.run(["control", "jobs", "run", "nightly"] + connect, in: w.dir)
        #expect(started.status == 0 && started.out.contains("job nightly started (pid "), "\(started.out) \(started.err)")
        let busy = try CLI.run(["control", "jobs", "run", "nightly"] + connect, in: w.dir)
        let rule = try CLI.run(["control", "model", "rollback", "nope"] + connect, in: w.dir)
        #expect(rule.status == 3 && rule.err.contains("no strategy 'nope'"), "\(rule.err)")
        var history = ""
        for _ in 0..<300 {
            history = try CLI.run(["jobs", "history", "nightly", "--json", "--db", w.db], in: w.dir).out
            if history.components(separatedBy: "\"status\" : \"succeeded\"").count == (busy.status == 0 ? 4 : 3) { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(history.components(separatedBy: "\"status\" : \"succeeded\"").count == (busy.status == 0 ? 4 : 3), "\(history)")
        // A second start while the first still trains is a conflict (if the first was already done, it simply ran again).
        #expect(busy.status == 4 ? busy.err.contains("job nightly is already running") : busy.status == 0, "\(busy.err)")
        p.signal(SIGTERM)
        #expect(p.wait().status == 0)

        let store = try DataStore(path: w.db, mustExist: true)
        let swaps = try store.jobs.swaps(engine: "paper").filter { $0.status == "swapped" }
        #expect(swaps.count >= 2 && swaps[0].fromModel == "m1@1" && swaps[0].toModel == "m1@2" && swaps[1].toModel == "m1@1", "\(swaps)")
        let audit = try store.control.audit(limit: 50).map(\.action)
        #expect(audit.contains("model-rollback") && audit.contains("jobs-run"))
        // Each order names the model that decided it.
        for o in try store.ledger.orders() {
            let model = swaps.last { $0.barMs <= o.decidedMs }?.toModel ?? "m1@1"
            let shown = try CLI.run(["orders", "explain", o.clientOrderId, "--db", w.db, "--json"], in: w.dir).out
            #expect(shown.contains("\"model\" : \"\(model)\""), "\(o.clientOrderId) at \(o.decidedMs): \(shown.prefix(300))")
        }
    }

    /// The control center on a model strategy: `control set confidence 0.7` makes every later
    /// signal of m1 judged at 0.7, so a p between 0.3 and 0.7 no longer opens a position.
    @Test func confidenceSetThroughTheCLIGatesAServedModelFromTheNextBar() async throws {
        let w = try Self.workspace("jobs-confidence")
        let p = try Spawned(["serve", "--paper", "--strategies", "m1", "--feed", "replay", "--speed", "3000", "--port", "0", "--no-jobs"] + w.common, in: w.dir, label: "serve")
        let api = try await p.apiAddress()
        let connect = ["--url", api, "--db", w.db]
        // Let it trade at its own threshold of 0.5 for a while first.
        _ = try await Self.awaitStatus(connect, in: w.dir) { s in (try? JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
            .flatMap { $0["bar_times"] as? Int }.map { $0 > 300 } ?? false }
        let set = try CLI.run(["control", "set", "confidence", "0.7", "--strategy", "m1", "--reason", "surer trades"] + connect, in: w.dir)
        #expect(set.status == 0, "\(set.out) \(set.err)")
        _ = try await Self.awaitStatus(connect, in: w.dir) { $0.contains(#""last_threshold":0.7"#) }
        try await Task.sleep(nanoseconds: 2_000_000_000)
        p.signal(SIGTERM)
        #expect(p.wait().status == 0)

        let store = try DataStore(path: w.db, mustExist: true)
        let applied = try #require(try store.control.changes().first?.appliedMs)
        let signals = Dictionary(uniqueKeysWithValues: try store.ledger.signals().map { ($0.timeMs, $0) })
        let after = signals.values.filter { $0.timeMs >= applied }
        #expect(!after.isEmpty && after.allSatisfy { $0.threshold == 0.7 }, "from the applied bar on, m1 is judged at 0.7")
        #expect(signals.values.filter { $0.timeMs < applied }.allSatisfy { $0.threshold == 0.5 })
        func opening(_ o: OrderRow) -> Bool { !o.reduceOnly }
        let orders = try store.ledger.orders()
        let weak = { (o: OrderRow) -> Bool in
            guard let p = signals[o.decidedMs]?.probability else { return false }
            return p > 0.3 && p < 0.7
        }
        #expect(orders.contains { $0.decidedMs < applied && opening($0) && weak($0) }, "before the change a p under 0.7 opened positions")
        #expect(!orders.contains { $0.decidedMs >= applied && opening($0) && weak($0) }, "after it, none does")
    }
}
