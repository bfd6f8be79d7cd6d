import Foundation
import TestSupport
import Testing

/// The `mlbot` binary, run as a separate process.
struct CLI {
    /// `mlbot` is built into the same folder as the test bundle.
    static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("mlbot").path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("mlbot")
    }()

    struct Result { let status: Int32; let out: String; let err: String }

    static func run(_ args: [String], in dir: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let dir { p.currentDirectoryURL = dir }
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        // Files, not pipes: a run that writes more than a pipe's buffer to the stream not being read would block.
        let dir = try Fixtures.temporaryDirectory("cli-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        p.standardOutput = out
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

@Suite(.serialized) struct CLITests {
    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CLI.binary.path), "\(CLI.binary.path)")
    }

    @Test(arguments: [[], ["data"], ["data", "synth"], ["data", "import"], ["data", "download"], ["data", "list"], ["data", "export"]])
    func everyHelpHasAnExample(path: [String]) throws {
        let r = try CLI.run(path + ["--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("Example"), "\(path): \(r.out)")
    }

    @Test func synthListExportImportRoundTrip() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("cli.sqlite").path
        let synth = try CLI.run(["data", "synth", "--db", db, "--symbols", "BTCUSDT,ETHUSDT", "--days", "1", "--seed", "9"], in: dir)
        #expect(synth.status == 0, "\(synth.err)")
        #expect(synth.out.contains("2880 new"))

        let list = try CLI.run(["data", "list", "--db", db, "--json"], in: dir)
        let rows = try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as! [[String: Any]]
        #expect(rows.count == 2)
        #expect(Set(rows[0].keys) == ["symbol", "interval", "first", "last", "first_ms", "last_ms", "bars", "missing_bars", "gaps"])
        #expect(rows[0]["symbol"] as? String == "BTCUSDT" && rows[0]["bars"] as? Int == 1440 && rows[0]["first"] as? String == "2024-01-01T00:00:00Z")

        let csv = dir.appendingPathComponent("btc.csv").path
        let export = try CLI.run(["data", "export", "--db", db, "--symbol", "BTCUSDT", "--interval", "1m", "--from", "2024-01-01T01:00:00Z", "--to", "2024-01-01T01:59:00Z", "--out", csv], in: dir)
        #expect(export.status == 0 && export.out.contains("exported 60 bars"), "\(export.err)")

        let other = dir.appendingPathComponent("other.sqlite").path
        let imported = try CLI.run(["data", "import", csv, "--db", other, "--symbol", "BTCUSDT", "--interval", "1m"], in: dir)
        #expect(imported.status == 0 && imported.out.contains("60 new"), "\(imported.err)")
        let again = try CLI.run(["data", "import", csv, "--db", other, "--symbol", "BTCUSDT", "--interval", "1m"], in: dir)
        #expect(again.out.contains("0 new, 60 unchanged"))
    }

    @Test func badInputIsAClearErrorAndChangesNothing() throws {
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("cli.sqlite").path
        let bad = try Fixtures.write("1704067200000,100,101,99,100,1\n1704067260000,100,99,98,100,1\n", named: "bad.csv", in: dir)
        let r = try CLI.run(["data", "import", bad, "--db", db, "--symbol", "BTCUSDT", "--interval", "1m"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("bad.csv: line 2: field 'high'"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: db), "a rejected import must not create the database")
        let missing = try CLI.run(["data", "list", "--db", dir.appendingPathComponent("typo.sqlite").path], in: dir)
        #expect(missing.status != 0 && missing.err.contains("no such database"), "\(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("typo.sqlite").path))

        _ = try CLI.run(["data", "synth", "--db", db, "--days", "1", "--symbols", "BTCUSDT"], in: dir)
        let rejected = try CLI.run(["data", "import", bad, "--db", db, "--symbol", "BTCUSDT", "--interval", "1m"], in: dir)
        #expect(rejected.status != 0)
        let list = try CLI.run(["data", "list", "--db", db, "--json"], in: dir)
        #expect(list.out.contains("\"bars\" : 1440") && !list.out.contains("1441"), "\(list.out)")
        let badInterval = try CLI.run(["data", "synth", "--db", db, "--interval", "7m"], in: dir)
        #expect(badInterval.status != 0 && badInterval.err.contains("invalid interval '7m'"))

        let config = try Fixtures.write("data:\n  interval: 1m\n  symbolz: [BTCUSDT]\n", named: "c.yaml", in: dir)
        let badConfig = try CLI.run(["data", "list", "--config", config, "--db", db], in: dir)
        #expect(badConfig.status != 0 && badConfig.err.contains("c.yaml:3: data.symbolz"), "\(badConfig.err)")
    }

    @Test func downloadAgainstAnUnreachableExchangeFailsClearly() throws {
        let dir = try Fixtures.temporaryDirectory()
        let r = try CLI.run(["data", "download", "--db", dir.appendingPathComponent("d.sqlite").path, "--symbol", "BTCUSDT",
                             "--interval", "1", "--since", "2024-01-01", "--base-url", "http://127.0.0.1:1", "--attempts", "2"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("gave up after 2 attempts"), "\(r.err)")
        #expect(r.err.contains("retry 1"), "\(r.err)")
    }
}
