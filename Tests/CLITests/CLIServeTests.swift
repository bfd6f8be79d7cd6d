import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Market
import NumericKit
import Store
import TestSupport
import Testing

/// `mlbot` started in the background, as an operator (or a crash) would treat it.
final class Spawned {
    let process = Process()
    let out: URL, err: URL

    init(_ args: [String], in dir: URL, label: String, environment: [String: String] = [:]) throws {
        out = dir.appendingPathComponent("\(label).out")
        err = dir.appendingPathComponent("\(label).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.executableURL = CLI.binary
        process.arguments = args
        process.currentDirectoryURL = dir
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
    }

    func signal(_ s: Int32) { kill(process.processIdentifier, s) }

    /// The API's address, once `serve` has printed it on standard error (within 10 s).
    func apiAddress() async throws -> String {
        for _ in 0..<200 {
            let text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            if let r = text.range(of: "API on ") { return String(text[r.upperBound...].prefix { !$0.isWhitespace }) }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw Failure(.internal, "no API address on standard error: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
    }

    func wait() -> (status: Int32, out: String, err: String) {
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

@Suite(.serialized) struct CLIServeTests {
    static let features = Fixtures.repositoryRoot.appendingPathComponent("features").path

    /// A store with 3 days of synthetic bars and two rule strategies (named, so no graduation is needed).
    static func workspace(_ label: String) throws -> (dir: URL, db: String, args: [String]) {
        let dir = try Fixtures.temporaryDirectory(label)
        let db = dir.appendingPathComponent("s.sqlite").path
        #expect(try CLI.run(["data", "synth", "--db", db, "--days", "5", "--seed", "11"], in: dir).status == 0)
        for (name, symbol, signal) in [("eth-ema", "ETHUSDT", "{rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}"),
                                       ("sol-rsi", "SOLUSDT", "{rule: band, feature: rsi_14, lower: 35, upper: 65}")] {
            let f = try Fixtures.write("name: \(name)\nsymbol: \(symbol)\ninterval: 1m\nfeature_set: default\nhorizon: 10\nsignal: \(signal)\nexit: {kind: opposite}\n",
                                       named: "\(name).yaml", in: dir)
            let r = try CLI.run(["strategies", "import", "--db", db, "--features-dir", features, f], in: dir)
            #expect(r.status == 0, "\(r.err)")
        }
        return (dir, db, ["serve", "--paper", "--db", db, "--features-dir", features, "--strategies", "eth-ema,sol-rsi", "--feed", "replay", "--speed", "max", "--port", "0"])
    }

    /// The committed ledger as text.
    static func dump(_ db: String) throws -> String {
        let store = try DataStore(path: db, mustExist: true)
        let l = store.ledger
        return try [l.orders().map { "\($0)" }, l.fills().map { "\($0)" }, l.positions().map { "\($0)" }, l.equity().map { "\($0)" },
                    l.signals().map { "\($0)" }, l.intents().map { "\($0)" }, l.riskEvents().map { "\($0)" }, [String(describing: try l.cursor("paper"))]]
            .map { $0.joined(separator: "\n") }.joined(separator: "\n--\n")
    }

    @Test func killedAtTwentyRandomPointsItEndsExactlyWhereAnUninterruptedRunEnds() async throws {
        let whole = try Self.workspace("serve-whole")
        let done = try CLI.run(whole.args + ["--json"], in: whole.dir)
        #expect(done.status == 0, "\(done.err)")
        #expect(done.out.contains("\"bar_times\" : 7200"), "\(done.out)")
        let expected = try Self.dump(whole.db)
        #expect(expected.contains("Buy") && expected.contains("Sell"), "the run must trade")

        let crashed = try Self.workspace("serve-crash")
        // Each run is killed with SIGKILL once it has committed a seeded random number (40…300) of
        // new bar-times: so every kill lands mid-run whatever the machine's load, at a moment
        // between or inside commits that nothing in the service can anticipate.
        let paced = crashed.args.map { $0 == "max" ? "100000" : $0 }
        let db = crashed.db, dir = crashed.dir
        // Polled on a thread of its own: the test pool's threads may be busy with other suites.
        let (cursors, killed, others) = try await onDedicatedThread { () throws -> (Set<Int64>, Int, [String]) in
            var rng = SeededRNG(seed: 2026)
            let reader = try DataStore(path: db, mustExist: true)
            var cursors: Set<Int64> = [], killed = 0, others: [String] = []
            for k in 0..<20 {
                let before = try reader.ledger.cursor("paper")?.lastBarMs ?? 1_704_067_200_000   // synth's first bar
                let target = before + Int64(40 + Int(rng.next() % 260)) * 60_000
                let p = try Spawned(paced, in: dir, label: "run\(k)")
                for _ in 0..<12_000 where p.process.isRunning {
                    if let c = try? reader.ledger.cursor("paper"), c.lastBarMs >= target { break }
                    Thread.sleep(forTimeInterval: 0.005)
                }
                p.signal(SIGKILL)
                let r = p.wait()
                if p.process.terminationReason == .uncaughtSignal { killed += 1 } else { others.append("run \(k): exit \(r.status): \(r.err.suffix(300))") }
                if let c = try reader.ledger.cursor("paper") { cursors.insert(c.lastBarMs) }
            }
            return (cursors, killed, others)
        }
        // The kills landed at many different points of the run, not all before or after it.
        #expect(cursors.count >= 10 && killed >= 10, "\(killed) runs killed, leaving the cursor at \(cursors.count) distinct bars; \(others.joined(separator: "\n"))")
        let last = try CLI.run(crashed.args, in: crashed.dir)
        #expect(last.status == 0 && last.out.contains("resumed after"), "\(last.out) \(last.err)")
        #expect(try Self.dump(crashed.db) == expected, "the ledger after 20 kills differs from the uninterrupted one")
    }

    @Test func sigtermFinishesTheBarCommitsAndExitsZeroThenARestartContinues() async throws {
        let w = try Self.workspace("serve-term")
        // 2000× real time: 30 ms a bar, so the replay outlasts the checks below on a loaded machine (SIGTERM ends it).
        let slow = w.args.map { $0 == "max" ? "2000" : $0 }
        let p = try Spawned(slow, in: w.dir, label: "term")
        // The API over its real (random) port while the loop runs.
        let api = try await p.apiAddress()
        func get(_ path: String) async throws -> (Int, String) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: api + path)!)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
        let health = try await get("/health")
        #expect(health.0 == 200 && health.1 == #"{"status":"ok"}"#)
        var ready = try await get("/ready")
        for _ in 0..<40 where ready.0 != 200 { try await Task.sleep(nanoseconds: 50_000_000); ready = try await get("/ready") }
        #expect(ready.0 == 200, "\(ready.1)")
        let status = try await get("/status")
        #expect(status.0 == 200 && status.1.contains(#""mode":"paper""#) && status.1.contains(#""trading":"ACTIVE""#), "\(status.1)")
        let metrics = try await get("/metrics")
        #expect(metrics.1.contains("mlbot_bars_processed_total") && metrics.1.contains("mlbot_equity") && metrics.1.contains(#"mlbot_trading_state{state="ACTIVE"} 1"#), "\(metrics.1)")
        let positions = try await get("/positions"), orders = try await get("/orders?limit=5")
        #expect(positions.0 == 200 && orders.0 == 200 && orders.1.hasPrefix("["))
        let bad = try await get("/orders?limit=lots")
        #expect(bad.0 == 400 && bad.1.contains("limit"), "\(bad.1)")
        let nowhere = try await get("/nowhere")
        #expect(nowhere.0 == 404 && nowhere.1.contains("error"))
        try await Task.sleep(nanoseconds: 300_000_000)
        // A second service on the same database is refused, naming the holder.
        let second = try CLI.run(w.args, in: w.dir)
        #expect(second.status == 4 && second.err.contains("pid \(p.process.processIdentifier)"), "\(second.err)")
        p.signal(SIGTERM)
        let r = p.wait()
        #expect(r.status == 0 && r.out.contains("stopped on request"), "status \(r.status): \(r.out) \(r.err)")
        let rest = try CLI.run(w.args + ["--compare-backtest"], in: w.dir)
        #expect(rest.status == 0 && rest.out.contains("resumed after") && rest.out.contains("compared with backtest --mode model: the same"),
                "\(rest.out) \(rest.err)")
        let whole = try Self.workspace("serve-term-whole")
        #expect(try CLI.run(whole.args, in: whole.dir).status == 0)
        #expect(try Self.dump(w.db) == Self.dump(whole.db))
    }

    @Test func jsonLogsAreOneObjectPerLineAndCarryNoSecret() throws {
        let w = try Self.workspace("serve-logs")
        let secrets = ["BYBIT_API_KEY": "test-key-Zq81", "BYBIT_API_SECRET": "test-secret-Kd27", "MLBOT_CONTROL_TOKEN": "test-token-Xu55"]
        let p = try Spawned(w.args + ["--log-format", "json"], in: w.dir, label: "logs", environment: secrets)
        let r = p.wait()
        #expect(r.status == 0, "\(r.err.suffix(500))")
        let lines = r.err.split(separator: "\n").filter { !$0.hasPrefix("mlbot serve: API on") }
        #expect(lines.count > 10)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["message"] is String, "not a JSON log line: \(line)")
        }
        #expect(lines.contains { $0.contains(#""message":"warm-up done""#) } && lines.contains { $0.contains(#""message":"loop stopped""#) })
        // Orders and their fills each get a line.
        #expect(lines.contains { $0.contains(#""message":"order""#) } && lines.contains { $0.contains(#""message":"fill""#) })
        for (name, value) in secrets { #expect(!(r.err + r.out).contains(value), "\(name) leaked into the output") }
    }
}
