import Foundation
@testable import PostgresStore
import Store
import TestSupport
import Testing

/// `mlbot data copy` from SQLite into PostgreSQL, and the research commands on the copy.
@Suite(.serialized) struct CLIDataCopyTests {
    func json(_ text: String) throws -> [String: Any] { try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:] }

    func tables(_ out: String) throws -> [String: [String: Any]] {
        let t = try json(out)["tables"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: t.map { ($0["table"] as! String, $0) })
    }

    @Test func aCopyIsVerifiedIdempotentResumableAndTheResearchCommandsReadTheSame() throws {
        let dir = try Fixtures.temporaryDirectory("copy")
        let db = dir.appendingPathComponent("t.sqlite").path
        #expect(try CLI.run(["data", "synth", "--db", db, "--days", "6"], in: dir).status == 0)
        let space = try Fixtures.write(CLIDiscoverTests.space, named: "space.yaml", in: dir)
        let found = try CLI.run(["discover", "--db", db, "--features-dir", CLIDiscoverTests.features, "--space", space, "--run-id", "c1", "--json"], in: dir)
        #expect(found.status == 0, "\(found.err)")
        let url = try LocalPostgres.shared().database("copy")

        let first = try CLI.run(["data", "copy", "--from", db, "--to", url, "--json"], in: dir)
        #expect(first.status == 0, "\(first.out) \(first.err)")
        let t1 = try tables(first.out)
        #expect(try json(first.out)["verified"] as? Bool == true && (json(first.out)["model_files_copied"] as? Int ?? 0) >= 2)
        #expect(Set(t1.keys) == Set(StoreCopy.tables))
        for (name, t) in t1 {
            #expect(t["copied"] as? Int == t["source_rows"] as? Int && t["destination_rows"] as? Int == t["source_rows"] as? Int && t["mismatched"] as? Int == 0, "\(name): \(t)")
        }
        let listed = try JSONSerialization.jsonObject(with: Data(try CLI.run(["data", "list", "--db", db, "--json"], in: dir).out.utf8)) as? [[String: Any]] ?? []
        let series = listed.count
        #expect(series >= 2 && (t1["bars"]?["source_rows"] as? Int ?? 0) == listed.reduce(0) { $0 + ($1["bars"] as? Int ?? 0) }
                && (t1["discovery_candidates"]?["source_rows"] as? Int ?? 0) > 0 && t1["series"]?["source_rows"] as? Int == series)

        // Again: nothing to copy, still verified, the same content hashes.
        let second = try CLI.run(["data", "copy", "--from", db, "--to", url, "--json"], in: dir)
        #expect(second.status == 0)
        let t2 = try tables(second.out)
        #expect(t2.values.allSatisfy { $0["copied"] as? Int == 0 } && t2.mapValues { $0["source_hash"] as! String } == t1.mapValues { $0["source_hash"] as! String })

        // A copy that stopped part-way (rows missing at the destination) is finished by the next one.
        let pg = try PostgresStore(try PostgresAddress(url, environment: [:]))
        try pg.db.execute("DELETE FROM bars WHERE open_time % 7 = 0")
        try pg.db.execute("DELETE FROM backtests")
        let resumed = try CLI.run(["data", "copy", "--from", db, "--to", url, "--json"], in: dir)
        let t3 = try tables(resumed.out)
        #expect(resumed.status == 0 && (t3["bars"]?["copied"] as? Int ?? 0) > 0 && t3["backtests"]?["copied"] as? Int == t1["backtests"]?["source_rows"] as? Int
                && t3["backtest_trades"]?["copied"] as? Int == t1["backtest_trades"]?["source_rows"] as? Int, "\(resumed.out)")

        // The research commands read the same from either store.
        for command in [["strategies", "list", "--json"], ["strategies", "show", "c1-01", "--json"], ["data", "list", "--json"], ["discover", "--status", "c1", "--json"]] {
            let a = try CLI.run(command + ["--db", db], in: dir), b = try CLI.run(command + ["--db", url], in: dir)
            #expect(a.status == 0 && b.status == 0 && a.out == b.out && !a.out.isEmpty, "\(command): \(a.out.prefix(300)) vs \(b.out.prefix(300)) \(b.err)")
        }

        // A model trained on PostgreSQL's bars registers there, its files in the database.
        let trained = try CLI.run(["train", "--symbol", "ETHUSDT", "--interval", "1m", "--name", "pg-eth", "--db", url, "--features-dir", CLIDiscoverTests.features], in: dir)
        #expect(trained.status == 0, "\(trained.err)")
        let files = try pg.db.rows("SELECT count(*) FROM model_files WHERE name = 'pg-eth'").first!.decode(Int.self)
        let shown = try CLI.run(["models", "show", "pg-eth", "--db", url], in: dir)
        #expect(files >= 2 && shown.status == 0, "\(shown.err)")

        // A row changed at the destination is found, named, and fails the copy.
        try pg.db.execute("UPDATE bars SET close = close * 2 WHERE open_time = (SELECT min(open_time) FROM bars)")
        let differs = try CLI.run(["data", "copy", "--from", db, "--to", url], in: dir)
        #expect(differs.status == 1 && differs.out.contains("NOT verified"), "\(differs.out)")
        let row = differs.out.split(separator: "\n").first { $0.hasPrefix("bars ") }.map(String.init) ?? ""
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first == "\(series)", "every series' first bar differs: \(row)")

        // What PostgreSQL cannot do is refused with one line, changing nothing.
        let serve = try CLI.run(["serve", "--paper", "--db", url], in: dir)
        #expect(serve.status != 0 && serve.err.contains("needs a SQLite file") && serve.err.contains("SQLite-only"), "\(serve.err)")
        for (args, message) in [(["--from", url, "--to", url], "--from: expected a SQLite file"), (["--from", db, "--to", "other.sqlite"], "--to: expected postgres://"),
                                (["--from", db, "--to", "postgres://u:secret@127.0.0.1/x"], "password in the URL is refused"),
                                (["--from", dir.appendingPathComponent("none.sqlite").path, "--to", url], "no such database")] {
            let r = try CLI.run(["data", "copy"] + args, in: dir)
            #expect(r.status != 0 && r.err.contains(message) && !r.err.contains("secret"), "\(args): \(r.err)")
        }
    }
}
