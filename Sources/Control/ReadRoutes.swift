import Engine
import Foundation
import Hummingbird
import Market
import Risk
import Store

/// The bodies of the read API (field names are snake_case of these properties; README lists them).
enum ReadRoutes {
    struct Status: Encodable {
        let mode: String, feed: String, database: String, started: String
        let trading: String
        @NullWhenAbsent var tradingCause: String?
        let equity: Double, pnlToday: Double, drawdown: Double, maxDrawdown: Double, dailyLoss: Double, maxDailyLoss: Double
        @NullWhenAbsent var confidence: Double?
        let settingsVersion: Int
        @NullWhenAbsent var lastBar: String?
        @NullWhenAbsent var lagSeconds: Double?
        let barTimes: Int, warm: Bool
        let feedStale: Bool
        let strategies: [ServiceSnapshot.Strategy]
        let jobs: [Job]
    }

    struct Job: Encodable {
        let name: String, schedule: String
        @NullWhenAbsent var next: String?
        let running: Bool
        @NullWhenAbsent var lastRun: String?
        @NullWhenAbsent var lastStatus: String?
    }

    static func jobs(_ c: ControlContext) -> [Job] {
        guard let supervisor = c.jobs else { return [] }
        let running = Set(supervisor.running)
        let next = Dictionary(uniqueKeysWithValues: supervisor.nextRuns().map { ($0.job, $0.atMs) })
        return supervisor.jobs.map { j in
            let last = (try? c.store.jobs.runs(job: j.name, limit: 1))?.first
            return Job(name: j.name, schedule: j.schedule.text, next: (next[j.name] ?? nil).map(UTCTime.iso), running: running.contains(j.name),
                       lastRun: last.map { UTCTime.iso($0.startedMs) }, lastStatus: last?.status)
        }
    }

    static func status(_ c: ControlContext) -> Status {
        let s = c.status.snapshot
        return Status(mode: s.mode, feed: s.feed, database: s.database, started: UTCTime.iso(s.startedMs), trading: s.trading.rawValue,
                      tradingCause: s.tradingCause, equity: s.equity, pnlToday: s.pnlToday, drawdown: s.drawdown, maxDrawdown: s.maxDrawdown,
                      dailyLoss: s.dayStartEquity > 0 ? max(0, -s.pnlToday / s.dayStartEquity) : 0, maxDailyLoss: s.maxDailyLoss,
                      confidence: s.confidence, settingsVersion: s.settingsVersion, lastBar: s.lastBarMs.map(UTCTime.iso),
                      lagSeconds: s.lagSeconds(nowMs: c.clock(), intervalMs: c.intervalMs), barTimes: s.barTimes, warm: s.warm, feedStale: s.feedStale, strategies: s.strategies,
                      jobs: jobs(c))
    }

    struct Ready: Encodable { let ready: Bool; let reasons: [String] }

    /// 200 when warm, the store answers and takes writes, and the feed is fresh (a replay is fresh while it runs); 503 with the reasons otherwise.
    static func ready(_ c: ControlContext) throws -> Response {
        let s = c.status.snapshot
        var reasons: [String] = []
        if !s.warm { reasons.append("warming up: rebuilding the streaming state from the stored bars") }
        do { _ = try c.store.ledger.cursor("paper") } catch { reasons.append("the store does not answer: \(error)") }
        do { try c.store.probeWrite() } catch { reasons.append("the store does not take writes: \(error)") }
        if s.feedStale { reasons.append("feed_stale: \(s.feedDetail ?? "the feed is behind")") }
        else if s.feed != "replay", let commit = s.lastCommitMs, c.clock() - commit > 2 * c.intervalMs {
            reasons.append("feed_stale: no closed bar for \(Double(c.clock() - commit) / 1000) s")
        }
        return try API.json(Ready(ready: reasons.isEmpty, reasons: reasons), status: reasons.isEmpty ? .ok : .serviceUnavailable)
    }

    struct Position: Encodable { let account: String; let symbol: String; let quantity: String; let averagePrice: String; let realizedPnl: String; let cash: String; let fees: String }

    static func positions(_ c: ControlContext) throws -> [Position] {
        try c.store.ledger.positions().map {
            Position(account: $0.account.isEmpty ? "account" : $0.account, symbol: $0.symbol, quantity: $0.quantity, averagePrice: $0.averagePrice,
                     realizedPnl: $0.realizedPnl, cash: $0.cash, fees: $0.fees)
        }
    }

    struct Order: Encodable { let clientOrderId: String; let symbol: String; let side: String; let quantity: String; let decided: String; let reduceOnly: Bool; let status: String }

    static func orders(_ c: ControlContext, _ p: Page) throws -> [Order] {
        try c.store.ledger.recentOrders(since: p.since, limit: p.limit).map {
            Order(clientOrderId: $0.clientOrderId, symbol: $0.symbol, side: $0.side, quantity: $0.quantity, decided: UTCTime.iso($0.decidedMs),
                  reduceOnly: $0.reduceOnly, status: $0.status)
        }
    }

    struct Fill: Encodable { let clientOrderId: String; let symbol: String; let side: String; let quantity: String; let price: String; let fee: String; let time: String }

    static func fills(_ c: ControlContext, _ p: Page) throws -> [Fill] {
        try c.store.ledger.recentFills(since: p.since, limit: p.limit).map {
            Fill(clientOrderId: $0.clientOrderId, symbol: $0.symbol, side: $0.side, quantity: $0.quantity, price: $0.price, fee: $0.fee, time: UTCTime.iso($0.timeMs))
        }
    }

    struct EquityPoint: Encodable { let time: String; let equity: Double; let cash: String; let trading: String }

    static func equity(_ c: ControlContext, _ p: Page) throws -> [EquityPoint] {
        try c.store.ledger.recentEquity(since: p.since, limit: p.limit).map { EquityPoint(time: UTCTime.iso($0.timeMs), equity: $0.equity, cash: $0.cash, trading: $0.trading) }
    }

    struct RiskBody: Encodable {
        struct Event: Encodable { let time: String; let kind: String; let rule: String; let message: String; let figures: String }
        let trading: String
        /// `null` while trading is ACTIVE, never absent.
        @NullWhenAbsent var cause: String?
        let drawdown: Double
        let limits: RiskLimits
        let recent: [Event]
    }

    static func risk(_ c: ControlContext) throws -> RiskBody {
        let s = c.status.snapshot
        let events = try c.store.ledger.riskEvents(limit: 50).map {
            RiskBody.Event(time: UTCTime.iso($0.timeMs), kind: $0.kind, rule: $0.rule, message: $0.message, figures: $0.figures)
        }
        // The limits in force: the config's with the stored changes the service has applied.
        let applied = try c.store.control.changes().filter { $0.appliedMs != nil }.map(SettingChange.init)
        let limits = EngineSettings.applying(applied, to: c.baseSettings).risk
        return RiskBody(trading: s.trading.rawValue, cause: s.tradingCause, drawdown: s.drawdown, limits: limits, recent: events)
    }
}
