import ArgumentParser
import Foundation
import Learning
import Market
import Store

/// `mlbot models …`: the registry of trained models.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, inspect, promote, roll back and delete trained models.",
        discussion: """
            Exactly one version of each name is active (the one the service uses).

            Examples:
              mlbot models list --json
              mlbot models show default-ETHUSDT-1m-logistic@2
              mlbot models promote default-ETHUSDT-1m-logistic@2
              mlbot models rollback default-ETHUSDT-1m-logistic
              mlbot models delete default-ETHUSDT-1m-logistic@1
            """,
        subcommands: [List.self, Show.self, Promote.self, Rollback.self, Delete.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered models.", discussion: "Example:\n  mlbot models list --json")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON (keys: name, version, kind, active, feature_set, feature_hash, symbol, interval, created, path, summary).") var json = false

        struct Row: Encodable {
            let name: String, version: Int, kind: String, active: Bool, feature_set: String, feature_hash: String
            let symbol: String, interval: String, created: String, path: String, summary: String
        }

        func run() throws {
            let store = try global.openResearchStore(try global.loadConfig())
            let rows = try store.models.list(name: nil).map {
                Row(name: $0.name, version: $0.version, kind: $0.kind, active: $0.active, feature_set: $0.featureSet, feature_hash: $0.featureHash,
                    symbol: $0.symbol, interval: $0.interval, created: UTCTime.iso($0.createdMs), path: $0.path, summary: $0.summary)
            }
            if json { try JSONOutput.print(rows); return }
            if rows.isEmpty { print("no models registered; try: mlbot train --symbol ETHUSDT --interval 1m"); return }
            for r in rows {
                print("\(r.active ? "*" : " ") \(r.name)@\(r.version)  \(r.kind)  \(r.symbol) \(r.interval)  set \(r.feature_set)  \(r.created)")
                print("    \(r.summary)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one model's description (model.json), after checking its files.",
                                                        discussion: "Example:\n  mlbot models show default-ETHUSDT-1m-logistic@1")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "NAME (the active version) or NAME@VERSION.") var model: String

        func run() throws {
            let ref = try ModelReference(parsing: model, requireVersion: false)
            let store = try global.openResearchStore(try global.loadConfig())
            let entry = try store.models.entry(ref.name, version: ref.version)
            let (manifest, _) = try ModelArtifact.load(URL(fileURLWithPath: entry.path))
            print("\(entry.name)@\(entry.version)\(entry.active ? " (active)" : "")  \(entry.path)")
            try JSONOutput.print(manifest)
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version the active one.", discussion: "Example:\n  mlbot models promote eth@2")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "NAME@VERSION.") var model: String
        func run() throws {
            let ref = try ModelReference(parsing: model, requireVersion: true)
            let store = try global.openResearchStore(try global.loadConfig())
            let e = try ModelRegistryRules.promote(store, name: ref.name, version: ref.version!)
            print("\(e.name)@\(e.version) is now active")
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Activate the newest version older than the active one.", discussion: "Example:\n  mlbot models rollback eth")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "NAME.") var name: String
        func run() throws {
            let store = try global.openResearchStore(try global.loadConfig())
            let e = try ModelRegistryRules.rollback(store, name: name)
            print("\(name)@\(e.version) is now active")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an inactive version no paper or live strategy trades, and its files.", discussion: "Example:\n  mlbot models delete eth@1")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "NAME@VERSION.") var model: String
        func run() throws {
            let ref = try ModelReference(parsing: model, requireVersion: true)
            let store = try global.openResearchStore(try global.loadConfig())
            let e = try ModelRegistryRules.delete(store, name: ref.name, version: ref.version!)
            print("deleted \(e.name)@\(e.version) (\(e.path))")
        }
    }
}
