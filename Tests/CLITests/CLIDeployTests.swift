import Foundation
import TestSupport
import Testing

/// The examples under deploy/ name commands and options that exist: each mlbot command line in
/// them is run (in a folder with the repository's config/, features/ and jobs/, as the pods have
/// them from the ConfigMap, but no database) and must fail for that reason, never for a usage error.
@Suite struct CLIDeployTests {
    static func commandLines() throws -> [(file: String, args: [String])] {
        let root = Fixtures.repositoryRoot.appendingPathComponent("deploy")
        var out: [(String, [String])] = []
        for name in try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted() where name.contains(".") && !name.hasSuffix(".md") {
            let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                if let r = line.range(of: "/usr/local/bin/mlbot ") {
                    let rest = line[r.upperBound...].split(separator: ">").first ?? ""
                    out.append((name, rest.split(separator: " ").map(String.init)))
                } else if let r = line.range(of: #"command: ["mlbot", "#) {
                    let list = line[r.upperBound...].split(separator: "]").first ?? ""
                    out.append((name, list.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }))
                }
            }
        }
        return out
    }

    @Test func everyExampleCommandParses() throws {
        let lines = try Self.commandLines()
        #expect(lines.count >= 4, "\(lines)")
        let dir = try Fixtures.temporaryDirectory("deploy")
        for folder in ["config", "features", "jobs"] {
            try FileManager.default.copyItem(at: Fixtures.repositoryRoot.appendingPathComponent(folder), to: dir.appendingPathComponent(folder))
        }
        for (file, args) in lines {
            // As the Indexed Job's pods have it from the downward API.
            let r = try CLI.run(args, in: dir, environment: ["JOB_COMPLETION_INDEX": "0"])
            #expect(r.status != 0 && !r.err.contains("Usage:") && !r.err.contains("Unknown option") && !r.err.contains("Missing expected"), "\(file): mlbot \(args.joined(separator: " ")) → \(r.status) \(r.err)")
            #expect(r.err.contains("no such database") || r.err.contains("cannot use postgres://mlbot@mlbot-postgres:5432/mlbot"), "\(file): \(r.err)")
        }
    }
}
