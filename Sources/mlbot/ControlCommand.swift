import ArgumentParser
import Control
import Engine
import Foundation
import Market
import Store

/// `mlbot control …`: steer a running service over its control API.
struct ControlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control",
        abstract: "Steer a running service: status, settings, pause/resume/halt/flatten, strategies, history, tokens.",
        subcommands: [ControlStatus.self, ControlGet.self, ControlSet.self, ControlPause.self, ControlResume.self, ControlHalt.self,
                      ControlFlatten.self, ControlStrategy.self, ControlModel.self, ControlJobs.self, ControlHistory.self, ControlTokensCommand.self])
}

/// Where the service is and which token to use.
struct ControlConnection: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(help: "The service's API (default: MLBOT_URL, else http://127.0.0.1:8080).") var url: String?
    @Option(help: "File holding the token (one line, or name=token lines; default: MLBOT_TOKEN, else the service's bootstrap file beside the database).")
    var tokenFile: String?
    @Flag(help: "Print the service's JSON answer (stable keys) instead of a table.") var json = false

    func client() throws -> ControlClient {
        let env = ProcessInfo.processInfo.environment
        let cfg = try global.loadConfig()
        let token = try ControlClient.findToken(tokenFile: tokenFile, environment: env, database: global.db ?? cfg.database)
        return ControlClient(baseURL: url ?? env["MLBOT_URL"] ?? "http://127.0.0.1:8080", token: token)
    }

    /// The answer as JSON when asked, else `table` of its decoded object.
    func show(_ bytes: [UInt8], _ table: ([String: Any]) -> Void) {
        if json { print(String(decoding: bytes, as: UTF8.self)); return }
        table(((try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]) ?? [:])
    }
}

/// A JSON value as a table cell.
func cell(_ v: Any?) -> String {
    switch v {
    case nil, is NSNull: return "–"
    case let n as NSNumber where n.isJSONBoolean: return n.boolValue ? "true" : "false"
    case let n as NSNumber: return n.stringValue
    case let s as String: return s
    default: return "\(v!)"
    }
}

struct ControlStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Trading state and why, equity, P&L, limits, confidence, strategies, positions, vetoes.")
    @OptionGroup var connection: ControlConnection

    func run() throws {
        let client = try connection.client()
        let status = try client.get("/status")
        if connection.json {
            // One object: the status with the positions and the risk view beside it.
            let s = (try JSONSerialization.jsonObject(with: Data(status)) as? [String: Any]) ?? [:]
            var all = s
            all["positions"] = try JSONSerialization.jsonObject(with: Data(try client.get("/positions")))
            all["risk"] = try JSONSerialization.jsonObject(with: Data(try client.get("/risk")))
            print(String(decoding: try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        let s = (try JSONSerialization.jsonObject(with: Data(status)) as? [String: Any]) ?? [:]
        print("trading \(cell(s["trading"]))\(s["trading_cause"].map { $0 is NSNull ? "" : " (\(cell($0)))" } ?? "")  ·  settings version \(cell(s["settings_version"]))  ·  last bar \(cell(s["last_bar"]))")
        print(String(format: "equity %.2f  ·  P&L today %.2f  ·  drawdown %.2f%% of %.2f%%  ·  daily loss %.2f%% of %.2f%%",
                     (s["equity"] as? Double) ?? 0, (s["pnl_today"] as? Double) ?? 0, ((s["drawdown"] as? Double) ?? 0) * 100,
                     ((s["max_drawdown"] as? Double) ?? 0) * 100, ((s["daily_loss"] as? Double) ?? 0) * 100, ((s["max_daily_loss"] as? Double) ?? 0) * 100))
        print("confidence \(s["confidence"].map { $0 is NSNull ? "each strategy's own" : cell($0) } ?? "–")")
        var t = TextTable(["strategy", "symbol", "enabled", "model", "model age", "last p", "threshold", "target", "P&L"])
        // The age models.max_age limits: bar time since the model's last training bar.
        let lastBar = (s["last_bar"] as? String).flatMap { try? UTCTime.parse($0) }.map(Double.init) ?? Double(UTCTime.nowMs())
        for st in (s["strategies"] as? [[String: Any]]) ?? [] {
            let expired = (st["model_expired"] as? NSNumber)?.boolValue == true
            let age = (st["model_trained_through_ms"] as? NSNumber).map { String(format: "%.1f d", (lastBar - $0.doubleValue) / 86_400_000) + (expired ? " EXPIRED (exits only)" : "") } ?? "–"
            t.add([cell(st["name"]), cell(st["symbol"]), cell(st["enabled"]), cell(st["model"]), age, cell(st["last_probability"]), cell(st["last_threshold"]),
                   cell(st["last_target"]), String(format: "%.2f", (st["pnl"] as? Double) ?? 0)])
        }
        t.print()
        let jobs = (s["jobs"] as? [[String: Any]]) ?? []
        if !jobs.isEmpty {
            var j = TextTable(["job", "schedule", "next (UTC)", "running", "last run", "last status"])
            for x in jobs { j.add([cell(x["name"]), cell(x["schedule"]), cell(x["next"]), cell(x["running"]), cell(x["last_run"]), cell(x["last_status"])]) }
            j.print()
        }
        let positions = ((try? JSONSerialization.jsonObject(with: Data(try client.get("/positions")))) as? [[String: Any]]) ?? []
        if !positions.isEmpty {
            var p = TextTable(["account", "symbol", "quantity", "average price"])
            for x in positions {
                let account = cell(x["account"])
                p.add([account.isEmpty ? "(account)" : account, cell(x["symbol"]), cell(x["quantity"]), account.isEmpty ? cell(x["average_price"]) : ""])
            }
            p.print()
        }
        let risk = ((try? JSONSerialization.jsonObject(with: Data(try client.get("/risk")))) as? [String: Any]) ?? [:]
        let vetoes = ((risk["recent_vetoes"] as? [[String: Any]]) ?? []).prefix(5)
        if !vetoes.isEmpty {
            print("recent vetoes:")
            for v in vetoes { print("  \(cell(v["time"])) \(cell(v["rule"])): \(cell(v["message"]))") }
        }
    }
}

struct ControlGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Settings in force: value, default, source, type, range, description.")
    @OptionGroup var connection: ControlConnection
    @Argument(help: "One key (default: all).") var key: String?

    func run() throws {
        let path = key.map { "/control/settings?key=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? "/control/settings"
        connection.show(try connection.client().get(path)) { o in
            print("settings version \(cell(o["settings_version"]))")
            var t = TextTable(["key", "strategy", "value", "default", "source", "allowed", "description"])
            for s in (o["settings"] as? [[String: Any]]) ?? [] {
                t.add([cell(s["key"]), cell(s["strategy"]), cell(s["value"]), cell(s["default_value"]),
                       cell(s["source"]) + (s["version"].map { $0 is NSNull ? "" : " v\(cell($0))" } ?? ""), cell(s["allowed"]), cell(s["description"])])
            }
            t.print()
        }
    }
}

struct ControlSet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Change a setting from the next bar (stored, versioned, audited).")
    @OptionGroup var connection: ControlConnection
    @Argument(help: "The key (see `control get`).") var key: String
    @Argument(help: "The new value.") var value: String
    @Option(help: "Set it for one strategy (confidence, enabled).") var strategy: String?
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    @Flag(help: "Show the old and new values; apply nothing.") var dryRun = false
    @Flag(help: "No service running: write the change to the store for the next start (audited as offline).") var offline = false

    func run() throws {
        let request = ControlActions.SetRequest(key: key, value: value, strategy: strategy, reason: reason, dryRun: dryRun)
        if offline {
            let cfg = try connection.global.loadConfig()
            let store = try connection.global.openStore(cfg, mustExist: true)
            // A running service would not see it until restarted, and could be mid-bar: refuse.
            let lock = try ServiceLock(database: store.path)
            defer { withExtendedLifetime(lock) {} }
            let names = try store.strategies.list().filter { $0.status == .paper || $0.status == .live }.map(\.name)
            let r = try ControlActions.set(request, by: .init(token: "offline", role: .admin, source: "offline"), base: EngineSettings(config: cfg),
                                           strategies: names, nowMs: UTCTime.nowMs(), store: store)
            if connection.json { try JSONOutput.print(r) } else { print(r.message) }
            return
        }
        var body: [String: Any] = ["key": key, "value": value, "dry_run": dryRun]
        if let strategy { body["strategy"] = strategy }
        if let reason { body["reason"] = reason }
        connection.show(try connection.client().post("/control/settings", body)) { o in print(cell(o["message"])) }
    }
}

/// The body of the state commands: POST /control/commands and print what it did.
func sendCommand(_ connection: ControlConnection, _ name: String, reason: String?, strategy: String? = nil, job: String? = nil) throws {
    var body: [String: Any] = ["command": name]
    if let reason { body["reason"] = reason }
    if let strategy { body["args"] = ["strategy": strategy] }
    if let job { body["args"] = ["name": job] }
    connection.show(try connection.client().post("/control/commands", body)) { o in print(cell(o["message"])) }
}

/// Asks on a terminal before a halt or a flatten; `--yes` (or no terminal) skips the question.
func confirm(_ question: String, yes: Bool) throws {
    guard !yes, isatty(STDIN_FILENO) == 1 else { return }
    print("\(question) [y/N] ", terminator: "")
    guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else { throw Failure(.refused, "not confirmed: nothing sent") }
}

struct ControlPause: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "REDUCING from the next bar: exits only, until resumed.")
    @OptionGroup var connection: ControlConnection
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    func run() throws { try sendCommand(connection, "pause", reason: reason) }
}

struct ControlResume: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "ACTIVE from the next bar (the high-water mark restarts at the equity then).")
    @OptionGroup var connection: ControlConnection
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    func run() throws { try sendCommand(connection, "resume", reason: reason) }
}

struct ControlHalt: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "halt", abstract: "HALTED from the next bar: nothing new, open orders cancelled.")
    @OptionGroup var connection: ControlConnection
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false
    func run() throws {
        try confirm("Halt trading (open orders are cancelled)?", yes: yes)
        try sendCommand(connection, "halt", reason: reason)
    }
}

struct ControlFlatten: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flatten", abstract: "Close every position through the risk manager at the next bar, then REDUCING.")
    @OptionGroup var connection: ControlConnection
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false
    func run() throws {
        try confirm("Close every position?", yes: yes)
        try sendCommand(connection, "flatten", reason: reason)
    }
}

struct ControlStrategy: ParsableCommand {
    enum Action: String, ExpressibleByArgument, CaseIterable { case enable, disable }
    static let configuration = CommandConfiguration(commandName: "strategy", abstract: "Enable or disable one strategy's new entries from the next bar.")
    @OptionGroup var connection: ControlConnection
    @Argument(help: "enable | disable") var action: Action
    @Argument(help: "The strategy.") var name: String
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    func run() throws { try sendCommand(connection, "strategy-\(action.rawValue)", reason: reason, strategy: name) }
}

struct ControlModel: ParsableCommand {
    enum Action: String, ExpressibleByArgument, CaseIterable { case rollback }
    static let configuration = CommandConfiguration(commandName: "model", abstract: "Roll a strategy's model back to the version before the active one (swapped in at the next bar).")
    @OptionGroup var connection: ControlConnection
    @Argument(help: "rollback") var action: Action
    @Argument(help: "The strategy.") var strategy: String
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    func run() throws { try sendCommand(connection, "model-rollback", reason: reason, strategy: strategy) }
}

struct ControlJobs: ParsableCommand {
    enum Action: String, ExpressibleByArgument, CaseIterable { case run }
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Run one of the service's scheduled jobs now, as its child process.")
    @OptionGroup var connection: ControlConnection
    @Argument(help: "run") var action: Action
    @Argument(help: "The job (jobs/NAME.yaml).") var name: String
    @Option(help: "Why (kept in the audit trail).") var reason: String?
    func run() throws { try sendCommand(connection, "jobs-run", reason: reason, job: name) }
}

struct ControlHistory: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "The audit trail, newest first: every change and every refused call.")
    @OptionGroup var connection: ControlConnection
    @Option(help: "How many entries (1–10000).") var limit = 20
    func run() throws {
        connection.show(try connection.client().get("/control/history?limit=\(limit)")) { o in
            var t = TextTable(["time", "token", "role", "source", "action", "key", "old → new", "outcome", "reason"])
            for e in (o["entries"] as? [[String: Any]]) ?? [] {
                let change = e["new_value"] is String || e["old_value"] is String ? "\(cell(e["old_value"])) → \(cell(e["new_value"]))" : ""
                t.add([cell(e["time"]), cell(e["token"]), cell(e["role"]), cell(e["source"]), cell(e["action"]),
                       e["key"] is String ? cell(e["key"]) + (e["strategy"] is String ? "@\(cell(e["strategy"]))" : "") : "",
                       change, "\(cell(e["outcome"])) \(cell(e["status"]))", cell(e["reason"])])
            }
            t.print()
        }
    }
}

struct ControlTokensCommand: ParsableCommand {
    enum Action: String, ExpressibleByArgument, CaseIterable { case list, create, revoke }
    static let configuration = CommandConfiguration(commandName: "tokens", abstract: "List, create or revoke control tokens (admin).")
    @OptionGroup var connection: ControlConnection
    @Argument(help: "list | create | revoke") var action: Action
    @Argument(help: "The token's name (create, revoke).") var name: String?
    @Option(help: "create: read | control | admin.") var role: ControlRole?
    @Option(help: "create: lifetime, e.g. 30d or 12h.") var expires: String?

    func run() throws {
        let client = try connection.client()
        switch action {
        case .list:
            let bytes = try client.get("/control/tokens")
            if connection.json { print(String(decoding: bytes, as: UTF8.self)); return }
            var t = TextTable(["name", "role", "created", "expires", "last used", "revoked"])
            for x in ((try? JSONSerialization.jsonObject(with: Data(bytes))) as? [[String: Any]]) ?? [] {
                t.add([cell(x["name"]), cell(x["role"]), cell(x["created"]), cell(x["expires"]), cell(x["last_used"]), cell(x["revoked"])])
            }
            t.print()
        case .create:
            guard let name, let role else { throw ValidationError("tokens create needs NAME and --role read|control|admin") }
            var body: [String: Any] = ["name": name, "role": role.rawValue]
            if let expires { body["expires_in_days"] = try Self.days(expires) }
            connection.show(try client.post("/control/tokens", body)) { o in
                print("token \(cell(o["name"])) (\(cell(o["role"]))), expires \(cell(o["expires"])); shown once, keep it:")
                print(cell(o["token"]))
            }
        case .revoke:
            guard let name else { throw ValidationError("tokens revoke needs NAME") }
            connection.show(try client.delete("/control/tokens/\(name)")) { _ in print("token \(name) revoked") }
        }
    }

    /// `30d`, `12h` → days.
    static func days(_ text: String) throws -> Double {
        guard let unit = text.last, let n = Double(text.dropLast()), n > 0 else { throw ValidationError("--expires \(text): expected a number and d or h, e.g. 30d") }
        switch unit {
        case "d": return n
        case "h": return n / 24
        default: throw ValidationError("--expires \(text): expected a number and d or h, e.g. 30d")
        }
    }
}

extension ControlRole: ExpressibleByArgument {}
