import Charts
import Engine
import Foundation
import Market
import Store

/// What the dashboard shows after the last committed bar, drawn from the live snapshot and the
/// store: the values the panels template renders, and the few figures the page and its tests
/// read directly.
struct DashboardView {
    /// The figures sent beside the rendered panels.
    struct Summary: Encodable {
        let barTimes: Int
        @NullWhenAbsent var lastBar: String?
        let equity: Double
        let trading: String
        let finished: Bool
        let html: String
    }

    /// `s` is the snapshot the caller keyed its cache on, so a body is never stored under a newer bar's key.
    static func build(_ c: ControlContext, snapshot s: ServiceSnapshot) throws -> Summary {
        let pct = SVGText.Format.percent(digits: 2), money = SVGText.Format.money
        let curve = try c.store.ledger.equityCurve(limit: 50_000)
        let times = curve.time.map(Double.init), equity = curve.equity
        var peak = -Double.infinity
        let underwater = equity.map { e -> Double in peak = max(peak, e); return peak > 0 ? e / peak - 1 : 0 }
        var equityChart = LineChart(title: "Equity", series: [LineChart.Series(name: "equity", color: Palette.equity, x: times, y: equity)], yFormat: .money)
        equityChart.height = 260
        var drawdownChart = LineChart(title: "Drawdown", series: [LineChart.Series(name: "drawdown", color: Palette.drawdown, x: times, y: underwater, area: true)],
                                      guides: [LineChart.Guide(value: -s.maxDrawdown, label: "limit \(pct.text(s.maxDrawdown))")], yFormat: .percent(digits: 1))
        drawdownChart.height = 200

        // Vetoes and resizes, counted by rule as they happened.
        let events = try c.store.ledger.riskDecisions(limit: 20_000)
        var byRule: [String: (x: [Double], y: [Double])] = [:]
        for e in events {
            let key = "\(e.rule) (\(e.kind))"
            var line = byRule[key] ?? ([], [])
            line.x.append(Double(e.timeMs)); line.y.append(Double(line.y.count + 1))
            byRule[key] = line
        }
        let lastX = times.last ?? Double(s.lastBarMs ?? 0)
        let riskSeries = byRule.keys.sorted().enumerated().map { k, key -> LineChart.Series in
            var line = byRule[key]!
            if let x = line.x.last, x < lastX { line.x.append(lastX); line.y.append(line.y.last!) }
            return LineChart.Series(name: key, color: Palette.cycle[k % Palette.cycle.count], x: line.x, y: line.y, step: true)
        }
        var riskChart = LineChart(title: "Vetoes and resizes by rule (cumulative)", series: riskSeries, yFormat: .number(digits: 0),
                                  xRange: times.first.map { $0...max($0 + 1, lastX) })
        riskChart.height = 240; riskChart.width = 480
        riskChart.emptyText = "no vetoes or resizes yet"

        let dailyLimit = s.maxDailyLoss * s.dayStartEquity
        let loss = max(0, -s.pnlToday)
        // The account's net position per symbol is marked; a strategy's share of it has no average price of its own.
        let positions = try c.store.ledger.positions().compactMap { p -> [String: String]? in
            let q = Double(p.quantity) ?? 0
            guard q != 0 else { return nil }
            let mark = s.marks[p.symbol], avg = Double(p.averagePrice)
            let unrealized = avg.flatMap { a in mark.map { q * ($0 - a) } }
            return ["account": p.account.isEmpty ? "account (net)" : p.account, "symbol": p.symbol, "quantity": p.quantity,
                    "average": p.averagePrice.isEmpty ? "—" : p.averagePrice, "mark": mark.map { String(format: "%.4f", $0) } ?? "—",
                    "unrealized": unrealized.map(money.text) ?? "—", "tone": unrealized.map { $0 >= 0 ? "good" : "bad" } ?? ""]
        }
        let orders = try c.store.ledger.recentOrders(since: nil, limit: 15).reversed().map { o in
            ["id": o.clientOrderId, "time": UTCTime.iso(o.decidedMs), "symbol": o.symbol, "side": o.side, "quantity": o.quantity,
             "status": o.status, "reduce": o.reduceOnly ? "reduce-only" : ""]
        }
        let fills = try c.store.ledger.recentFills(since: nil, limit: 15).reversed().map { f in
            ["id": f.clientOrderId, "time": UTCTime.iso(f.timeMs), "symbol": f.symbol, "side": f.side, "quantity": f.quantity, "price": f.price, "fee": f.fee]
        }
        let strategies = s.strategies.map { st -> [String: String] in
            let age = st.modelTrainedThroughMs.flatMap { through in s.lastBarMs.map { Double($0 - through) / 86_400_000 } }
            return ["name": st.name, "symbol": st.symbol,
                    "status": !st.enabled ? "disabled (exits only)" : (st.modelExpired ? "model expired (exits only)" : "trading"),
                    "tone": !st.enabled || st.modelExpired ? "warn" : "good",
                    "allocation": st.allocation.map { pct.text($0) } ?? "—", "model": st.model ?? "rule",
                    "age": age.map { String(format: "%.1f d", $0) } ?? "—", "target": st.lastTarget.map { String(format: "%+.2f", $0) } ?? "—",
                    "p": st.lastProbability.map { String(format: "%.3f", $0) } ?? "—", "threshold": st.lastThreshold.map { String(format: "%.2f", $0) } ?? "—",
                    "pnl": money.text(st.pnl)]
        }
        let jobs = ReadRoutes.jobs(c).map { j in
            ["name": j.name, "schedule": j.schedule, "next": j.next ?? "—", "running": j.running ? "running" : "", "last": j.lastStatus ?? "never run"]
        }
        let runs = try c.store.jobs.runs(limit: 8).map { r -> [String: Any] in
            let outcomes = (try? c.store.jobs.outcomes(run: r.id ?? 0)) ?? []
            return ["job": r.job, "started": UTCTime.iso(r.startedMs), "status": r.status, "trigger": r.trigger,
                    "decisions": outcomes.map { ["strategy": $0.strategy, "outcome": $0.outcome, "reason": $0.reason] }]
        }
        let lag = s.lagSeconds(nowMs: c.clock(), intervalMs: c.intervalMs)
        let view: [String: Any] = [
            "equity": String(format: "%.2f", s.equity), "equityValue": "\(s.equity)",
            "trading": s.trading.rawValue, "cause": s.tradingCause ?? "", "hasCause": s.tradingCause != nil,
            "drawdown": pct.text(s.drawdown), "maxDrawdown": pct.text(s.maxDrawdown),
            "pnlToday": money.text(s.pnlToday), "pnlTone": s.pnlToday >= 0 ? "good" : "bad",
            "dailyLimit": money.text(dailyLimit), "dailyUsed": dailyLimit > 0 ? String(format: "%.1f", min(100, loss / dailyLimit * 100)) : "0",
            "dailyUsedPct": dailyLimit > 0 ? pct.text(min(1, loss / dailyLimit)) : "0%",
            "confidence": s.confidence.map { String(format: "%.2f", $0) } ?? "each strategy's own", "settingsVersion": "\(s.settingsVersion)",
            "feed": s.feed, "lastBar": s.lastBarMs.map(UTCTime.iso) ?? "—", "lag": lag.map { String(format: "%.1f s", $0) } ?? "—",
            "feedTone": s.feedStale ? "bad" : "good", "feedState": s.feedStale ? "stale: \(s.feedDetail ?? "behind")" : (s.finished ? "replay finished" : "fresh"),
            "barTimes": "\(s.barTimes)",
            "equityChart": equityChart.svg(id: "equity-chart"), "drawdownChart": drawdownChart.svg(id: "drawdown-chart"),
            "riskChart": riskChart.svg(id: "risk-chart"), "riskCounts": byRule.keys.sorted().map { ["rule": $0, "count": "\(byRule[$0]!.y.count)"] },
            "positions": positions, "hasPositions": !positions.isEmpty, "orders": Array(orders), "hasOrders": !orders.isEmpty,
            "fills": Array(fills), "hasFills": !fills.isEmpty, "strategies": strategies, "jobs": jobs, "hasJobs": !jobs.isEmpty,
            "runs": runs, "hasRuns": !runs.isEmpty,
        ]
        return Summary(barTimes: s.barTimes, lastBar: s.lastBarMs.map(UTCTime.iso), equity: s.equity, trading: s.trading.rawValue,
                       finished: s.finished, html: DashboardTemplates.panels.render(view))
    }
}
