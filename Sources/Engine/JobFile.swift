import ConfigFormat
import Foundation
import Market

/// What the scheduler does about runs it missed while the service was down.
public enum CatchUpPolicy: String, Sendable, Codable, CaseIterable {
    /// One run at start for however many were missed.
    case once
    /// None: wait for the next scheduled time.
    case skip
}

/// A scheduled job, as `jobs/NAME.yaml` declares it: a nightly retrain of model strategies with
/// a champion/challenger gate.
public struct JobFile: Sendable, Equatable {
    public let name: String
    public let path: String
    public var schedule: CronExpression
    /// nil: every paper and live model strategy at the time of the run.
    public var strategies: [String]?
    /// Bars the challenger trains on, ending where the holdout starts.
    public var trainingWindowMs: Int64
    /// The newest bars, never used for training: both models are scored on them.
    public var holdoutMs: Int64
    public var promotion: PromotionRule
    /// > 0: a challenger that passed the holdout is first scored by the service beside the
    /// champion on this many live bars (no orders) and promoted only if still ahead.
    public var shadowBars: Int
    public var timeoutMs: Int64
    public var catchUp: CatchUpPolicy
    public var seed: UInt64

    static let keys: Set<String> = ["kind", "schedule", "strategies", "training_window", "holdout", "promotion", "shadow_bars", "timeout", "catch_up", "seed"]

    /// `jobs/NAME.yaml` in `directory`.
    public static func load(name: String, directory: String = "jobs") throws -> JobFile {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name + ".yaml").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            let known = (try? all(directory: directory).map(\.name)) ?? []
            throw Failure(.notFound, "no job '\(name)': \(path) does not exist" + (known.isEmpty ? "" : " (jobs: \(known.joined(separator: ", ")))"))
        }
        return try parse(yaml: text, name: name, file: path)
    }

    /// Every `*.yaml` in `directory`, by name (a folder without jobs is no error).
    public static func all(directory: String = "jobs") throws -> [JobFile] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return try names.map { try load(name: String($0.dropLast(5)), directory: directory) }
    }

    public static func parse(yaml: String, name: String, file: String) throws -> JobFile {
        let root = try YAMLMap(yaml: yaml, file: file)
        try root.requireOnly(keys)
        let kind = try root.string("kind") ?? "retrain"
        guard kind == "retrain" else { throw root.error("kind", "retrain (the one kind of job there is), got '\(kind)'") }
        guard let scheduleText = try root.string("schedule") else { throw root.error("schedule", "a 5-field cron expression in UTC, e.g. \"0 2 * * *\"") }
        let schedule: CronExpression
        do { schedule = try CronExpression(scheduleText) } catch let e as CronExpression.ParseError {
            throw root.error("schedule", "a 5-field cron expression in UTC (\(e.field): \(e.problem))")
        }
        var strategies: [String]?
        if root.has("strategies") {
            if let list = try? root.strings("strategies"), !list.isEmpty {
                strategies = list
            } else if (try? root.string("strategies")) != "all" {
                throw root.error("strategies", "all, or a non-empty list of strategy names")
            }
        }
        let training = try duration(root, "training_window") ?? 90 * UTCTime.msPerDay
        let holdout = try duration(root, "holdout") ?? 7 * UTCTime.msPerDay
        var rule = PromotionRule()
        if let p = try root.map("promotion") {
            try p.requireOnly(["metric", "margin", "max_drawdown_increase"])
            if let m = try p.string("metric") {
                guard let metric = PromotionRule.Metric(rawValue: m) else {
                    throw p.error("metric", "one of \(PromotionRule.Metric.allCases.map(\.rawValue).joined(separator: ", ")), got '\(m)'")
                }
                rule.metric = metric
            }
            rule.margin = try p.double("margin", range: 0...1) ?? rule.margin
            rule.maxDrawdownIncrease = try p.double("max_drawdown_increase", range: 0...1) ?? rule.maxDrawdownIncrease
        }
        let shadow = try root.int("shadow_bars", range: 0...1_000_000) ?? 0
        if shadow > 0 && rule.metric == .sharpe {
            // In shadow the challenger places no orders, so it has no net returns to compare.
            throw root.error("shadow_bars", "0 with promotion.metric sharpe (a shadow is scored on log_loss or auc)")
        }
        let timeout = try duration(root, "timeout") ?? 2 * 3_600_000
        var catchUp = CatchUpPolicy.once
        if let c = try root.string("catch_up") {
            guard let policy = CatchUpPolicy(rawValue: c) else { throw root.error("catch_up", "once or skip, got '\(c)'") }
            catchUp = policy
        }
        let seed = UInt64(try root.int("seed", range: 0...Int.max) ?? 42)
        return JobFile(name: name, path: file, schedule: schedule, strategies: strategies, trainingWindowMs: training, holdoutMs: holdout,
                       promotion: rule, shadowBars: shadow, timeoutMs: timeout, catchUp: catchUp, seed: seed)
    }

    /// `90d`, `12h`, `30m` or `45s`, positive.
    public static func duration(_ map: YAMLMap, _ key: String) throws -> Int64? {
        guard let text = try map.string(key) else { return nil }
        let units: [Character: Int64] = ["d": UTCTime.msPerDay, "h": 3_600_000, "m": 60_000, "s": 1_000]
        guard let unit = text.last.flatMap({ units[$0] }), let n = Int64(text.dropLast()), n > 0 else {
            throw map.error(key, "a positive duration such as 90d, 12h, 30m or 45s, got '\(text)'")
        }
        return n * unit
    }
}
