import ArgumentParser
import Engine
import Foundation
import Market
import Store

/// `mlbot jobs list`: the jobs, their schedules and next fire times.
struct JobsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the jobs with their schedules, next fire times (UTC) and last runs.",
        discussion: "Example:\n  mlbot jobs list --json"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var jobs: JobsOptions
    @Flag(help: "Print JSON (keys: name, file, schedule, next, strategies, training_window_days, holdout_days, metric, margin, max_drawdown_increase, timeout_seconds, catch_up, last_run, last_status).")
    var json = false

    struct Row: Encodable {
        let name: String, file: String, schedule: String
        @NullWhenAbsent var next: String?
        let strategies: [String]?
        let training_window_days: Double, holdout_days: Double, metric: String, margin: Double, max_drawdown_increase: Double
        let timeout_seconds: Int64, catch_up: String
        @NullWhenAbsent var last_run: String?
        @NullWhenAbsent var last_status: String?
    }

    func run() throws {
        let cfg = try global.loadConfig()
        let store = try? global.openStore(cfg, mustExist: true)
        let now = UTCTime.nowMs()
        let rows = try JobFile.all(directory: jobs.jobsDir).map { j -> Row in
            let last = try store?.jobs.runs(job: j.name, limit: 1).first
            return Row(name: j.name, file: j.path, schedule: j.schedule.text, next: j.schedule.next(after: now).map(UTCTime.iso), strategies: j.strategies,
                       training_window_days: Double(j.trainingWindowMs) / Double(UTCTime.msPerDay), holdout_days: Double(j.holdoutMs) / Double(UTCTime.msPerDay),
                       metric: j.promotion.metric.rawValue, margin: j.promotion.margin, max_drawdown_increase: j.promotion.maxDrawdownIncrease,
                       timeout_seconds: j.timeoutMs / 1000, catch_up: j.catchUp.rawValue, last_run: last.map { UTCTime.iso($0.startedMs) }, last_status: last?.status)
        }
        if json { try JSONOutput.print(rows); return }
        if rows.isEmpty { print("no jobs in \(jobs.jobsDir)/ (a job is a YAML file there; see jobs/nightly-retrain.yaml in the repository)"); return }
        var table = TextTable(["job", "schedule", "next (UTC)", "strategies", "train", "holdout", "rule", "last run"])
        for r in rows {
            table.add([r.name, r.schedule, r.next ?? "never", r.strategies?.joined(separator: ",") ?? "all paper+live", "\(DayCount.days(r.training_window_days))d",
                       "\(DayCount.days(r.holdout_days))d", String(format: "%@ by %g, drawdown +%g", r.metric, r.margin, r.max_drawdown_increase),
                       r.last_run.map { "\($0) \(r.last_status ?? "")" } ?? "never"])
        }
        table.print()
    }
}

/// Day counts printed without a needless fraction.
enum DayCount {
    static func days(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(format: "%.2f", d) }
}
