import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CLITrainTests {
    static let features = Fixtures.repositoryRoot.appendingPathComponent("features").path

    @Test func backtestAStrategyFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("t.sqlite").path
        _ = try CLI.run(["data", "synth", "--db", db, "--symbols", "BTCUSDT,ETHUSDT", "--days", "3"], in: dir)
        let strategy = Fixtures.repositoryRoot.appendingPathComponent("config/strategy.example.yaml").path
        let trades = dir.appendingPathComponent("trades.csv").path, equity = dir.appendingPathComponent("equity.csv").path
        let fills = dir.appendingPathComponent("fills.csv").path
        let r = try CLI.run(["backtest", "--db", db, "--features-dir", Self.features, "--file", strategy, "--json",
                             "--trades", trades, "--equity", equity, "--fills", fills], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        #expect(Set(json.keys) == ["strategies", "mode", "symbols", "first", "last", "bars", "initial_equity", "final_equity", "metrics", "psr",
                                   "orders", "fills", "fees", "intents", "vetoes", "resizes", "skipped", "stored_as"])
        #expect(json["symbols"] as? [String] == ["ETHUSDT", "BTCUSDT"] && (json["bars"] as! Int) > 1000 && json["mode"] as? String == "walk-forward")
        // The shipped example sizes within the shipped risk limits: its entries are not vetoed.
        #expect((json["vetoes"] as? [String: Int])?.isEmpty == true, "\(json["vetoes"] ?? "")")
        #expect(try String(contentsOfFile: fills, encoding: .utf8).hasPrefix("client_order_id,symbol,side,quantity,decided_at,reduce_only,filled_at,price,fee"))
        let curve = try String(contentsOfFile: equity, encoding: .utf8).split(separator: "\n")
        #expect(curve.first == "timestamp,equity,return,exposure" && curve.count == (json["bars"] as! Int) + 1)
        #expect(try String(contentsOfFile: trades, encoding: .utf8).hasPrefix("side,entry_time,entry_price,exit_time,exit_price,result,bars"))
        let bad = try CLI.run(["backtest", "--db", db, "--file", dir.appendingPathComponent("missing.yaml").path], in: dir)
        #expect(bad.status != 0 && bad.err.contains("missing.yaml"))
    }

    @Test(arguments: [["backtest"], ["train"], ["models"], ["models", "list"], ["models", "show"], ["models", "promote"], ["models", "rollback"], ["models", "delete"]])
    func helpHasAnExample(path: [String]) throws {
        let r = try CLI.run(path + ["--help"])
        #expect(r.status == 0 && r.out.contains("Example"), "\(path): \(r.out)")
    }

    @Test func trainRegisterPromoteRollbackDelete() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("t.sqlite").path
        _ = try CLI.run(["data", "synth", "--db", db, "--symbols", "BTCUSDT,ETHUSDT", "--days", "3"], in: dir)
        let base = ["train", "--db", db, "--features-dir", Self.features, "--symbol", "ETHUSDT", "--interval", "1m", "--folds", "3", "--name", "eth"]
        let first = try CLI.run(base + ["--model", "logistic"], in: dir)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("fold 3/3") && first.out.contains("expected calibration error") && first.out.contains("eth@1"), "\(first.out)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/eth/1/model.json").path))
        let second = try CLI.run(base + ["--model", "mlp", "--hidden", "8", "--epochs", "2", "--calibration", "isotonic"], in: dir)
        #expect(second.status == 0 && second.out.contains("inactive"), "\(second.out)\(second.err)")

        let list = try CLI.run(["models", "list", "--db", db, "--json"], in: dir)
        let rows = try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as! [[String: Any]]
        #expect(rows.map { $0["version"] as! Int } == [1, 2] && rows.map { $0["active"] as! Bool } == [true, false])
        #expect(Set(rows[0].keys) == ["name", "version", "kind", "active", "feature_set", "feature_hash", "symbol", "interval", "created", "path", "summary"])

        #expect(try CLI.run(["models", "promote", "--db", db, "eth@2"], in: dir).status == 0)
        let show = try CLI.run(["models", "show", "--db", db, "eth"], in: dir)
        #expect(show.out.contains("eth@2 (active)") && show.out.contains("\"kind\" : \"mlp\""), "\(show.out)")
        #expect(try CLI.run(["models", "rollback", "--db", db, "eth"], in: dir).out.contains("eth@1 is now active"))
        let refused = try CLI.run(["models", "delete", "--db", db, "eth@1"], in: dir)
        #expect(refused.status != 0 && refused.err.contains("active version"))
        #expect(try CLI.run(["models", "delete", "--db", db, "eth@2"], in: dir).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/eth/2").path))

        // Versions are never reissued; a damaged model cannot be promoted.
        let third = try CLI.run(base + ["--model", "ridge"], in: dir)
        #expect(third.out.contains("eth@3"), "\(third.out)")
        try Data("{".utf8).write(to: dir.appendingPathComponent("models/eth/3/model.json"))
        let bad = try CLI.run(["models", "promote", "--db", db, "eth@3"], in: dir)
        #expect(bad.status != 0 && bad.err.contains("not a valid mlbot model description"), "\(bad.err)")
    }

    @Test func badOptionsAreClearErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("t.sqlite").path
        _ = try CLI.run(["data", "synth", "--db", db, "--symbols", "BTCUSDT,ETHUSDT", "--days", "1"], in: dir)
        let base = ["train", "--db", db, "--features-dir", Self.features, "--symbol", "ETHUSDT", "--interval", "1m"]
        #expect(try CLI.run(base + ["--model", "forest"], in: dir).err.contains("Please provide one of 'ridge', 'logistic' or 'mlp'"))
        #expect(try CLI.run(base + ["--model", "mlp", "--hidden", "64,32,16"], in: dir).err.contains("1 or 2 layer sizes"))
        #expect(try CLI.run(base + ["--calibration", "magic"], in: dir).err.contains("Please provide one of 'platt' and 'isotonic'"))
        #expect(try CLI.run(["train", "--db", db, "--features-dir", Self.features, "--symbol", "SOLUSDT", "--interval", "1m"], in: dir).err.contains("SOLUSDT"))
    }
}
