import Foundation
import TestSupport
import Testing
import Yams

/// deploy/k8s/ parsed as Kubernetes reads it, and checked where the manifests wire together: one
/// image, command lines mlbot knows, the Indexed Job's index and worker count, one trader, the
/// Secret's and ConfigMap's names and keys, and a ConfigMap equal to the repository's files.
@Suite struct CLIKubernetesTests {
    typealias Object = [String: Any]
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("deploy/k8s")

    /// Every document of every manifest, by kind and name.
    static func objects() throws -> [String: Object] {
        var out: [String: Object] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where file.hasSuffix(".yaml") {
            for case let doc as Object in try Yams.load_all(yaml: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) {
                let kind = doc["kind"] as? String ?? "?", name = (doc["metadata"] as? Object)?["name"] as? String ?? "?"
                #expect(doc["apiVersion"] is String && kind != "?" && name != "?", "\(file): a document without apiVersion, kind or metadata.name")
                out["\(kind)/\(name)"] = doc
            }
        }
        return out
    }

    /// The pod spec of a workload (Deployment, Job, CronJob).
    static func pod(_ o: Object) -> Object {
        let spec = o["spec"] as? Object ?? [:]
        if let jt = spec["jobTemplate"] as? Object { return ((jt["spec"] as? Object)?["template"] as? Object)?["spec"] as? Object ?? [:] }
        return (spec["template"] as? Object)?["spec"] as? Object ?? [:]
    }

    static func containers(_ o: Object) -> [Object] { pod(o)["containers"] as? [Object] ?? [] }

    @Test func theManifestsWireTogether() throws {
        let all = try Self.objects()
        let workloads = all.filter { ["Deployment", "Job", "CronJob"].contains($0.value["kind"] as? String) }
        #expect(Set(workloads.keys) == ["Deployment/mlbot-serve", "Job/mlbot-discovery-search-1", "CronJob/mlbot-nightly-retrain"])
        let configMap = try #require(all["ConfigMap/mlbot-files"]?["data"] as? [String: String])
        let secret = try #require(all["Secret/mlbot-secrets"]?["stringData"] as? [String: String])
        #expect(all["PersistentVolumeClaim/mlbot-data"] != nil && all["Service/mlbot-serve"] != nil)

        var images = Set<String>()
        for (name, w) in workloads {
            let volumes = Dictionary(uniqueKeysWithValues: (Self.pod(w)["volumes"] as? [Object] ?? []).map { ($0["name"] as! String, $0) })
            for c in Self.containers(w) {
                images.insert(c["image"] as? String ?? "")
                // The command is a subcommand mlbot has, with options it takes (`--help` after them parses them all).
                let command = c["command"] as? [String] ?? []
                #expect(command.first == "mlbot", "\(name): \(command)")
                let help = try CLI.run(Array(command.dropFirst()) + ["--help"])
                #expect(help.status == 0 && !help.out.isEmpty, "\(name): mlbot \(command.dropFirst().joined(separator: " ")) --help → \(help.err)")
                // Every Secret key read exists; every volume mounted is declared.
                for env in c["env"] as? [Object] ?? [] {
                    if let ref = ((env["valueFrom"] as? Object)?["secretKeyRef"]) as? Object {
                        #expect(ref["name"] as? String == "mlbot-secrets" && secret[ref["key"] as? String ?? ""] != nil, "\(name): \(env)")
                        #expect(env["name"] as? String == ref["key"] as? String, "\(name): the variable is the one mlbot reads")
                    }
                }
                for mount in c["volumeMounts"] as? [Object] ?? [] {
                    let volume = try #require(volumes[mount["name"] as? String ?? ""], "\(name): mount of an undeclared volume \(mount)")
                    if let claim = (volume["persistentVolumeClaim"] as? Object)?["claimName"] as? String { #expect(all["PersistentVolumeClaim/\(claim)"] != nil) }
                    if let sub = mount["subPath"] as? String {
                        #expect(mount["mountPath"] as? String == "\(c["workingDir"] as? String ?? "")/\(sub)", "\(name): \(mount)")
                    }
                }
            }
            // A ConfigMap volume names keys the ConfigMap has, each at its folder/file path.
            for v in volumes.values {
                guard let cm = v["configMap"] as? Object else { continue }
                #expect(cm["name"] as? String == "mlbot-files")
                for item in cm["items"] as? [Object] ?? [] {
                    let key = item["key"] as? String ?? "", path = item["path"] as? String ?? ""
                    #expect(configMap[key] != nil && key.replacingOccurrences(of: ".", with: "/", options: [], range: key.range(of: ".")) == path, "\(name): \(item)")
                }
            }
        }
        #expect(images.count == 1, "one image for every workload: \(images)")

        // The discovery Job: Indexed, N workers everywhere it is said, the index from the downward API, PostgreSQL.
        let job = try #require(workloads["Job/mlbot-discovery-search-1"])
        let spec = job["spec"] as? Object ?? [:]
        let command = Self.containers(job)[0]["command"] as? [String] ?? []
        func option(_ name: String) -> String? { command.firstIndex(of: name).map { command[$0 + 1] } }
        #expect(spec["completionMode"] as? String == "Indexed" && spec["completions"] as? Int == spec["parallelism"] as? Int)
        #expect(option("--workers-total") == "\(spec["completions"] as? Int ?? -1)" && option("--run-id") != nil && option("--worker-index") == nil)
        #expect(option("--db")?.hasPrefix("postgres://") == true && option("--db")?.contains("@") == true && option("--db")?.contains(":") == true)
        let index = (Self.containers(job)[0]["env"] as? [Object] ?? []).first { $0["name"] as? String == "JOB_COMPLETION_INDEX" }
        #expect(((index?["valueFrom"] as? Object)?["fieldRef"] as? Object)?["fieldPath"] as? String == "metadata.annotations['batch.kubernetes.io/job-completion-index']")
        #expect(FileManager.default.fileExists(atPath: Fixtures.repositoryRoot.appendingPathComponent(option("--space") ?? "").path))

        // The service: one pod, never two during an update, on its volume, SQLite (the ledger is SQLite-only).
        let serve = try #require(workloads["Deployment/mlbot-serve"])
        let serveSpec = serve["spec"] as? Object ?? [:]
        #expect(serveSpec["replicas"] as? Int == 1 && (serveSpec["strategy"] as? Object)?["type"] as? String == "Recreate")
        let serveCommand = Self.containers(serve)[0]["command"] as? [String] ?? []
        #expect(serveCommand.contains("--no-jobs") && !serveCommand.joined(separator: " ").contains("postgres://"))
        #expect((Self.pod(serve)["volumes"] as? [Object] ?? []).contains { ($0["persistentVolumeClaim"] as? Object)?["claimName"] as? String == "mlbot-data" })

        // The CronJob runs a job that exists, on that job's schedule.
        let cron = try #require(workloads["CronJob/mlbot-nightly-retrain"])
        let jobName = (Self.containers(cron)[0]["command"] as? [String] ?? [])[3]
        let jobFile = try #require(try Yams.load(yaml: String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("jobs/\(jobName).yaml"), encoding: .utf8)) as? Object)
        #expect((cron["spec"] as? Object)?["schedule"] as? String == jobFile["schedule"] as? String)

        // The ConfigMap is the repository's files (scripts/k8s-configmap writes it).
        var files: [String: String] = [:]
        for dir in ["config", "features", "jobs"] {
            for f in try FileManager.default.contentsOfDirectory(atPath: Fixtures.repositoryRoot.appendingPathComponent(dir).path) where f.hasSuffix(".yaml") {
                files["\(dir).\(f)"] = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("\(dir)/\(f)"), encoding: .utf8)
            }
        }
        #expect(configMap == files, "deploy/k8s/configmap.yaml differs from config/, features/, jobs/: run scripts/k8s-configmap")
    }
}
