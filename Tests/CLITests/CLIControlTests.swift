import Foundation
import Store
import TestSupport
import Testing

/// `mlbot control` as a subprocess against `mlbot serve --paper` on a replay feed.
@Suite(.serialized) struct CLIControlTests {
    @Test func setConfidenceTakesEffectNextBarIsAuditedAndSurvivesARestart() async throws {
        let w = try CLIServeTests.workspace("control-e2e")
        let slow = w.args.map { $0 == "max" ? "3000" : $0 }    // 20 ms a bar
        let p = try Spawned(slow, in: w.dir, label: "serve")
        let api = try await p.apiAddress()
        let connect = ["--url", api, "--db", w.db]
        // The service wrote its first tokens beside the database, readable by its user only.
        let tokens = w.db + ".tokens"
        let mode = try FileManager.default.attributesOfItem(atPath: tokens)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let status = try CLI.run(["control", "status"] + connect, in: w.dir)
        #expect(status.status == 0 && status.out.contains("trading ACTIVE") && status.out.contains("settings version 1"), "\(status.out) \(status.err)")
        let dry = try CLI.run(["control", "set", "confidence", "0.7", "--dry-run"] + connect, in: w.dir)
        #expect(dry.status == 0 && dry.out.contains("dry run") && dry.out.contains("unset → 0.7"), "\(dry.out) \(dry.err)")
        let set = try CLI.run(["control", "set", "confidence", "0.7", "--reason", "fewer, surer trades"] + connect, in: w.dir)
        #expect(set.status == 0 && set.out.contains("settings version 2, in force from the next bar"), "\(set.out) \(set.err)")
        let bad = try CLI.run(["control", "set", "confidence", "1.5"] + connect, in: w.dir)
        #expect(bad.status == 64 && bad.err.contains("out of range; allowed 0.5–0.99"), "\(bad.err)")
        // A read token may look but not change.
        let readFile = w.dir.appendingPathComponent("read.token").path
        let readToken = try #require(try String(contentsOfFile: tokens, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("read=") }?.dropFirst(5))
        try String(readToken).write(toFile: readFile, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["control", "set", "max-drawdown", "0.1", "--token-file", readFile] + connect, in: w.dir)
        #expect(refused.status == 7 && refused.err.contains("needs control"), "\(refused.status) \(refused.err)")
        var shown = ""
        for _ in 0..<100 {
            shown = try CLI.run(["control", "status", "--json"] + connect, in: w.dir).out
            if shown.contains(#""settings_version":2"#) { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(shown.contains(#""confidence":0.7"#) && shown.contains(#""settings_version":2"#), "\(shown.prefix(400))")
        let get = try CLI.run(["control", "get", "confidence", "--json"] + connect, in: w.dir)
        #expect(get.out.contains(#""source":"stored""#) && get.out.contains(#""value":"0.7""#), "\(get.out)")
        let halt = try CLI.run(["control", "halt", "--yes"] + connect, in: w.dir)
        #expect(halt.status == 0 && halt.out.contains("applies at the next bar"), "\(halt.out) \(halt.err)")
        let again = try CLI.run(["control", "halt", "--yes"] + connect, in: w.dir)
        #expect(again.status == 0 && again.out.contains("nothing changed"), "\(again.out)")
        let history = try CLI.run(["control", "history", "--json"] + connect, in: w.dir)
        #expect(history.out.contains(#""action":"set""#) && history.out.contains(#""new_value":"0.7""#) && history.out.contains(#""reason":"fewer, surer trades""#)
                && history.out.contains(#""outcome":"forbidden""#) && history.out.contains(#""token":"viewer""#) == false, "\(history.out.prefix(600))")
        p.signal(SIGTERM)
        #expect(p.wait().status == 0)

        // Every signal from the change's bar on carries the version in force (these are rule
        // strategies: their thresholds stay their own, a model strategy's would be 0.7).
        let store = try DataStore(path: w.db, mustExist: true)
        let change = try #require(try store.control.changes().first)
        let applied = try #require(change.appliedMs)
        let signals = try store.ledger.signals()
        #expect(signals.filter { $0.timeMs < applied }.allSatisfy { $0.settingsVersion == 1 })
        #expect(signals.contains { $0.timeMs >= applied } && signals.filter { $0.timeMs >= applied }.allSatisfy { $0.settingsVersion! >= 2 && $0.threshold != 0.7 })
        // With no service: a clear message naming the address; --offline stores the change for the next start.
        let down = try CLI.run(["control", "status"] + connect, in: w.dir)
        #expect(down.status != 0 && down.err.contains("no service answers at \(api)"), "\(down.err)")
        let offline = try CLI.run(["control", "set", "max-daily-trades", "20", "--offline", "--db", w.db], in: w.dir)
        #expect(offline.status == 0 && offline.out.contains("settings version 3"), "\(offline.out) \(offline.err)")
        // The restart rebuilds through the stored changes, keeps 0.7 and picks up the offline one.
        let p2 = try Spawned(slow, in: w.dir, label: "serve2")
        let api2 = try await p2.apiAddress()
        var after = ""
        for _ in 0..<100 {
            after = try CLI.run(["control", "status", "--json", "--url", api2, "--db", w.db], in: w.dir).out
            if after.contains(#""settings_version":3"#) { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(after.contains(#""confidence":0.7"#) && after.contains(#""settings_version":3"#) && after.contains(#""trading":"HALTED""#), "\(after.prefix(400))")
        p2.signal(SIGTERM)
        #expect(p2.wait().status == 0)
        #expect(try store.control.audit(limit: 100).contains { $0.source == "offline" && $0.key == "max-daily-trades" })
    }
}
