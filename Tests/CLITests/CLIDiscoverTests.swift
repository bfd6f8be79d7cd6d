import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CLIDiscoverTests {
    static let features = Fixtures.repositoryRoot.appendingPathComponent("features").path

    static let space = """
        symbols: [ETHUSDT, SOLUSDT]
        interval: 1m
        feature_set: default
        models: [{kind: logistic, l2: 1.0}]
        horizons: [15]
        thresholds: [0.5, 0.51]
        exits: [{kind: hold}, {kind: opposite}]
        long_short: [false, true]
        cv: {folds: 3}
        search: {min_trades: 5, top_k: 2, eta: 2, rungs: 2}
        """

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test(arguments: [["discover"], ["strategies"], ["strategies", "list"], ["strategies", "show"], ["strategies", "export"],
                      ["strategies", "import"], ["strategies", "promote"], ["strategies", "retire"]])
    func helpHasAnExample(path: [String]) throws {
        let r = try CLI.run(path + ["--help"])
        #expect(r.status == 0 && r.out.contains("Example"), "\(path): \(r.out)")
    }

    @Test func discoverSavesRankedStrategiesThatBacktestReproduces() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("t.sqlite").path
        _ = try CLI.run(["data", "synth", "--db", db, "--days", "6"], in: dir)
        let space = try Fixtures.write(Self.space, named: "space.yaml", in: dir)
        let common = ["--db", db, "--features-dir", Self.features]
        let r = try CLI.run(["discover"] + common + ["--space", space, "--run-id", "t1", "--json"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let out = try json(r.out) as! [String: Any]
        #expect(Set(out.keys) == ["run_id", "resumed", "trials", "sharpe_variance", "evaluated_per_rung", "ranked", "saved"])
        #expect(out["trials"] as? Int == 16 && out["evaluated_per_rung"] as? [Int] == [16, 8])
        let ranked = out["ranked"] as! [[String: Any]]
        #expect(!ranked.isEmpty && Set(ranked[0].keys).isSuperset(of: ["rank", "dsr", "psr", "sharpe", "trades", "in_sample_sharpe", "degradation", "saved_as"]))
        let saved = out["saved"] as! [String]
        #expect(saved == Array(["t1-01", "t1-02"].prefix(ranked.count)))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/t1-01/1/model.json").path))

        let list = try json(try CLI.run(["strategies", "list", "--db", db, "--json"], in: dir).out) as! [[String: Any]]
        #expect(list.map { $0["name"] as! String } == saved && list.allSatisfy { $0["status"] as? String == "candidate" && $0["run_id"] as? String == "t1" })
        // The backtest of a saved strategy gives its recorded figures exactly.
        let b = try CLI.run(["backtest"] + common + ["--strategy", "t1-01", "--json"], in: dir)
        #expect(b.status == 0, "\(b.err)")
        let metrics = (try json(b.out) as! [String: Any])["metrics"] as! [String: Any]
        #expect(metrics["sharpe"] as? Double == list[0]["sharpe"] as? Double && metrics["trades"] as? Int == list[0]["trades"] as? Int)
        // The stored figures come from the bar cycle (instruments, lots, risk limits), not the search kernel.
        #expect((list[0]["trades"] as? Int ?? 0) > 0, "the saved strategy trades under the shipped limits")
        // The model registered for trading was fitted on every stored bar: model mode runs it only
        // over the last few bars, which no training label reached.
        let model = try CLI.run(["backtest"] + common + ["--strategy", "t1-01", "--mode", "model", "--json"], in: dir)
        #expect(model.status == 0, "\(model.err)")
        let m = try json(model.out) as! [String: Any]
        #expect((m["bars"] as! Int) < 60 && m["mode"] as? String == "model" && m["stored_as"] is NSNull)
        #expect((m["strategies"] as! [[String: Any]])[0]["model"] as? String == "t1-01@1")
        let after = try CLI.run(["backtest"] + common + ["--strategy", "t1-01", "--mode", "model", "--from", "2030-01-01"], in: dir)
        #expect(after.status != 0 && after.err.contains("bars after the training range of model t1-01@1"), "\(after.err)")
        let badMode = try CLI.run(["backtest"] + common + ["--strategy", "t1-01", "--mode", "live"], in: dir)
        #expect(badMode.status != 0 && badMode.err.contains("walk-forward"), "\(badMode.err)")
        if saved.count == 2 {
            let p = try json(try CLI.run(["backtest"] + common + ["--portfolio", "t1-01,t1-02", "--json"], in: dir).out) as! [String: Any]
            let lines = p["strategies"] as! [[String: Any]]
            #expect(lines.map { $0["name"] as! String } == ["t1-01", "t1-02"] && p["stored_as"] is NSNull)
            let pnl = lines.map { $0["pnl"] as! Double }.reduce(0, +)
            #expect(abs(pnl - ((p["final_equity"] as! Double) - (p["initial_equity"] as! Double))) < 1e-6, "strategy P&L adds up to the account's")
        }

        // A rerun with the same id re-prints it; another seed is another run.
        let again = try CLI.run(["discover"] + common + ["--space", space, "--run-id", "t1", "--json"], in: dir)
        #expect((try json(again.out) as! [String: Any])["resumed"] as? Bool == true)
        let other = try CLI.run(["discover"] + common + ["--space", space, "--run-id", "t1", "--seed", "7"], in: dir)
        #expect(other.status != 0 && other.err.contains("different seed"), "\(other.err)")
    }

    @Test func exportImportPromoteRetire() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("t.sqlite").path
        _ = try CLI.run(["data", "synth", "--db", db, "--days", "3"], in: dir)
        let common = ["--db", db, "--features-dir", Self.features]
        let example = Fixtures.repositoryRoot.appendingPathComponent("config/strategy.example.yaml").path
        let imported = try CLI.run(["strategies", "import"] + common + [example], in: dir)
        #expect(imported.status == 0, "\(imported.err)")
        let exported = try CLI.run(["strategies", "export", "eth-logistic-example", "--db", db], in: dir)
        #expect(exported.out.hasPrefix("name: eth-logistic-example\n") && exported.out.contains("signal: {threshold: 0.55, long_short: false}"))
        // The export reads back as the same strategy under another name.
        let copy = try Fixtures.write(exported.out.replacingOccurrences(of: "name: eth-logistic-example", with: "name: copy"), named: "copy.yaml", in: dir)
        let copied = try CLI.run(["strategies", "import"] + common + [copy], in: dir)
        #expect(copied.status == 0, "\(copied.err)")
        #expect(try CLI.run(["strategies", "export", "copy", "--db", db], in: dir).out == exported.out.replacingOccurrences(of: "name: eth-logistic-example", with: "name: copy"))
        // Bad files and duplicates change nothing.
        let dup = try CLI.run(["strategies", "import"] + common + [copy], in: dir)
        #expect(dup.status != 0 && dup.err.contains("already exists"))
        let bad = try Fixtures.write("name: bad\nsymbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nmodel: {kind: ridge}\nsignal: {threshold: 0.6}\nstop: 2\n",
                                     named: "bad.yaml", in: dir)
        let rejected = try CLI.run(["strategies", "import"] + common + [bad], in: dir)
        #expect(rejected.status != 0 && rejected.err.contains("bad.yaml:7") && rejected.err.contains("stop"), "\(rejected.err)")
        #expect((try json(try CLI.run(["strategies", "list", "--db", db, "--json"], in: dir).out) as! [Any]).count == 2)

        // Graduation: an imported strategy has no trial count to deflate by; live never comes first.
        let promote = try CLI.run(["strategies", "promote", "copy", "--db", db], in: dir)
        // Exit statuses say the kind (README): 5 refused by a rule, 3 not found, 4 conflict, 64 bad input.
        #expect(promote.status == 5 && promote.err.contains("no deflated Sharpe ratio"), "\(promote.err)")
        let live = try CLI.run(["strategies", "promote", "copy", "--to", "live", "--db", db], in: dir)
        #expect(live.status == 5 && live.err.contains("paper first"))
        let nowhere = try CLI.run(["strategies", "promote", "copy", "--to", "retired", "--db", db], in: dir)
        #expect(nowhere.status == 64 && nowhere.err.contains("paper") && nowhere.err.contains("live"), "\(nowhere.err)")
        #expect(try CLI.run(["strategies", "promote", "nosuch", "--db", db], in: dir).status == 3)
        #expect(try CLI.run(["strategies", "retire", "copy", "--db", db, "--reason", "test"], in: dir).status == 0)
        let again = try CLI.run(["strategies", "retire", "copy", "--db", db, "--reason", "test"], in: dir)
        #expect(again.status == 4 && again.err.contains("already retired"), "\(again.err)")
        let show = try json(try CLI.run(["strategies", "show", "copy", "--db", db, "--json"], in: dir).out) as! [String: Any]
        #expect((show["events"] as! [[String: Any]]).map { $0["to"] as! String } == ["candidate", "retired"])
        #expect(show["backtest"] is NSNull)

        // A backtest of a stored strategy is stored with it and exportable.
        #expect(try CLI.run(["backtest"] + common + ["--strategy", "eth-logistic-example"], in: dir).status == 0)
        let equity = dir.appendingPathComponent("e.csv").path
        #expect(try CLI.run(["strategies", "export", "eth-logistic-example", "--db", db, "--equity", equity, "--out", dir.appendingPathComponent("s.yaml").path], in: dir).status == 0)
        #expect(try String(contentsOfFile: equity, encoding: .utf8).hasPrefix("timestamp,equity,return,exposure\n"))
    }
}
