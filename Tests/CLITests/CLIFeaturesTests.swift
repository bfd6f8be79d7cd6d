import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CLIFeaturesTests {
    static let features = Fixtures.repositoryRoot.appendingPathComponent("features").path

    @Test(arguments: [["features"], ["features", "list"], ["features", "compute"], ["features", "check"]])
    func helpHasAnExample(path: [String]) throws {
        let r = try CLI.run(path + ["--help"])
        #expect(r.status == 0 && r.out.contains("Example"), "\(r.out)")
    }

    @Test func listShowsTheDefaultSet() throws {
        let r = try CLI.run(["features", "list", "--json", "--features-dir", Self.features])
        let rows = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [[String: Any]]
        let d = try #require(rows.first { $0["name"] as? String == "default" })
        #expect((d["outputs"] as! [String]).count == 26 && d["warm_up"] as? Int == 60 && (d["hash"] as! String).count == 64)
    }

    @Test func computeWritesOneColumnPerOutputEmptyBeforeWarmUp() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("f.sqlite").path
        _ = try CLI.run(["data", "synth", "--db", db, "--symbols", "BTCUSDT,ETHUSDT", "--days", "1"], in: dir)
        let out = dir.appendingPathComponent("f.csv").path
        let r = try CLI.run(["features", "compute", "--db", db, "--features-dir", Self.features, "--set", "default",
                             "--symbol", "ETHUSDT", "--interval", "1m", "--out", out, "--labels"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
        #expect(header.first == "timestamp" && header.count == 28 && header.last == "label")
        let rsi = header.firstIndex(of: "rsi_14")!
        let row13 = lines[14].split(separator: ",", omittingEmptySubsequences: false)
        let row14 = lines[15].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row13[rsi].isEmpty && !row14[rsi].isEmpty)
        #expect(lines.count == 1440 + 2)  // header, rows, trailing newline

        // --from trims rows but keeps the warm-up history.
        let part = dir.appendingPathComponent("p.csv").path
        _ = try CLI.run(["features", "compute", "--db", db, "--features-dir", Self.features, "--symbol", "ETHUSDT",
                         "--interval", "1m", "--from", "2024-01-01T12:00:00Z", "--out", part], in: dir)
        let partLines = try String(contentsOfFile: part, encoding: .utf8).split(separator: "\n")
        #expect(partLines.count == 1 + 720 && !partLines[1].contains(",,"))
    }

    @Test func missingReferenceAndUnknownSetAreClearErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("f.sqlite").path
        _ = try CLI.run(["data", "synth", "--db", db, "--symbols", "ETHUSDT", "--days", "1"], in: dir)
        let noRef = try CLI.run(["features", "compute", "--db", db, "--features-dir", Self.features, "--symbol", "ETHUSDT",
                                 "--interval", "1m", "--out", dir.appendingPathComponent("x.csv").path], in: dir)
        #expect(noRef.status != 0 && noRef.err.contains("needs reference BTCUSDT"), "\(noRef.err)")
        let unknown = try CLI.run(["features", "check", "--features-dir", Self.features, "--set", "nosuch"], in: dir)
        #expect(unknown.status != 0 && unknown.err.contains("known: default"), "\(unknown.err)")
    }

    @Test func checkPassesTheDefaultSetAndFailsABadOne() throws {
        let ok = try CLI.run(["features", "check", "--features-dir", Self.features, "--set", "default", "--bars", "2000"])
        #expect(ok.status == 0 && ok.out.contains("ok: no look-ahead"), "\(ok.out)\(ok.err)")
        let dir = try Fixtures.temporaryDirectory()
        _ = try Fixtures.write("name: typo\nlabel: {kind: direction, horizon: 5}\nfeatures:\n  - {indicator: rsi, period: 14}\n  - {indicator: rsii, period: 14}\n",
                               named: "typo.yaml", in: dir)
        let bad = try CLI.run(["features", "check", "--features-dir", dir.path, "--set", "typo"])
        #expect(bad.status != 0 && bad.err.contains("typo.yaml:5: features[1].indicator"), "\(bad.err)")
    }
}
