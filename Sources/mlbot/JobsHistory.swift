import ArgumentParser
import Engine
import Foundation
import Market
import Store

/// `mlbot jobs history [NAME]`: past runs and what each did per strategy.
struct JobsHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show past job runs, newest first, with each strategy's outcome.",
        discussion: "Examples:\n  mlbot jobs history\n  mlbot jobs history nightly-retrain --limit 5 --json"
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only this job's runs.") var name: String?
    @Option(help: "At most this many runs.") var limit = 20
    @Flag(help: "Print JSON (keys: run, job, trigger, status, scheduled, started, ended, detail, outcomes[strategy, outcome, champion, challenger, reason]).")
    var json = false

    struct Outcome: Encodable {
        let strategy: String, outcome: String
        @NullWhenAbsent var champion: String?
        @NullWhenAbsent var challenger: String?
        let reason: String
    }
    struct Row: Encodable {
        let run: Int64, job: String, trigger: String, status: String
        @NullWhenAbsent var scheduled: String?
        let started: String
        @NullWhenAbsent var ended: String?
        let detail: String, outcomes: [Outcome]
    }

    func validate() throws { guard (1...10_000).contains(limit) else { throw ValidationError("--limit: expected 1...10000") } }

    func run() throws {
        let store = try global.openStore(try global.loadConfig(), mustExist: true)
        let rows = try store.jobs.runs(job: name, limit: limit).map { r in
            Row(run: r.id!, job: r.job, trigger: r.trigger, status: r.status, scheduled: r.scheduledMs.map(UTCTime.iso), started: UTCTime.iso(r.startedMs),
                ended: r.endedMs.map(UTCTime.iso), detail: r.detail,
                outcomes: try store.jobs.outcomes(run: r.id!).map { Outcome(strategy: $0.strategy, outcome: $0.outcome, champion: $0.champion, challenger: $0.challenger, reason: $0.reason) })
        }
        if json { try JSONOutput.print(rows); return }
        if rows.isEmpty { print("no job runs\(name.map { " of \($0)" } ?? "") in \(store.path)"); return }
        var table = TextTable(["run", "job", "trigger", "status", "started", "ended", "detail"], align: [.right, .left, .left, .left, .left, .left, .left])
        for r in rows { table.add(["\(r.run)", r.job, r.trigger, r.status, r.started, r.ended ?? "", r.detail]) }
        table.print()
        defer {
            let shadows = (try? store.jobs.shadows()) ?? []
            if !shadows.isEmpty {
                print("shadows:")
                for s in shadows where name == nil || rows.contains(where: { $0.run == s.runId }) {
                    print("  \(s.strategy): \(s.model)@\(s.challengerVersion) beside \(s.model)@\(s.championVersion) for \(s.bars) bars — \(s.status)"
                          + (s.decidedBarMs.map { " at \(UTCTime.iso($0))" } ?? "") + ": \(s.reason)")
                }
            }
        }
        for r in rows where !r.outcomes.isEmpty {
            print("run \(r.run):")
            for o in r.outcomes {
                print("  \(o.strategy): \(o.outcome.replacingOccurrences(of: "_", with: " "))  champion \(o.champion ?? "none"), challenger \(o.challenger ?? "none") — \(o.reason)")
            }
        }
    }
}
