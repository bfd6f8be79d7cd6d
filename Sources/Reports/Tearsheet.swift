import Backtest
import Charts
import Foundation
import Market
import Mustache

/// An HTML tearsheet of one run: headline figures, the honesty box, charts as inline SVG, the
/// model's calibration, costs and the risk manager's decisions — one file that opens from disk.
public enum Tearsheet {
    static let template: MustacheTemplate = {
        do { return try MustacheTemplate(string: TearsheetTemplate.text) } catch { fatalError("the tearsheet template does not parse: \(error)") }
    }()

    public static func html(_ i: TearsheetInput, figures f: TearsheetFigures) -> String {
        let pct = SVGText.Format.percent(digits: 2), num = SVGText.Format.number(digits: 2)
        let m = i.metrics
        let days = f.max_drawdown_duration_seconds / 86_400
        var figures: [[String: String]] = [
            fig("total_return", "Return", pct.text(m.totalReturn), tone: m.totalReturn),
            fig("cagr", "CAGR", pct.text(m.annualizedReturn), tone: m.annualizedReturn),
            fig("volatility", "Volatility (annual)", pct.text(m.annualizedVolatility)),
            fig("sharpe", "Sharpe", num.text(m.sharpe), tone: m.sharpe),
            fig("sortino", "Sortino", num.text(m.sortino), tone: m.sortino),
            fig("max_drawdown", "Max drawdown", pct.text(m.maxDrawdown), tone: -m.maxDrawdown),
            fig("max_drawdown_duration", "Longest drawdown", days >= 1 ? String(format: "%.1f days", days) : String(format: "%.1f hours", days * 24)),
            fig("calmar", "Calmar", num.text(m.calmar)),
            fig("trades", "Trades", "\(m.trades)"),
            fig("hit_rate", "Hit rate", pct.text(m.hitRate)),
            fig("fees", "Fees", SVGText.Format.money.text(i.costs.fees)),
            fig("exposure", "Exposure", pct.text(m.exposure)),
            fig("turnover", "Turnover", String(format: "%.1f× / year", m.annualizedTurnover)),
            fig("final_equity", "Final equity", SVGText.Format.money.text(f.final_equity)),
        ]
        if let psr = i.psr { figures.append(fig("psr", "PSR (vs 0)", String(format: "%.4f", psr))) }
        let traded = m.trades > 0 || (i.orders ?? 0) > 0 || i.exposure?.contains(where: { $0 != 0 }) == true
        var view: [String: Any] = [
            "css": PageStyle.css, "title": i.title, "symbol": i.symbol, "figures": figures,
            "subtitle": "\(i.strategies.joined(separator: ", ")) · \(i.symbol) · \(f.first ?? "—") … \(f.last ?? "—") (\(f.bars) bars) · \(i.source)",
            "costs": costRows(i, f), "hasNotes": !i.notes.isEmpty, "notes": i.notes,
        ]
        if !traded {
            view["noTrades"] = "No trades over these \(f.bars) bars: the strategy never took a position, so there is no equity path, drawdown or trade distribution to draw."
        } else {
            view["charts"] = charts(i, f)
        }
        if let h = f.honesty {
            view["honesty"] = ["trials": h.trials.map(String.init) ?? "—", "dsr": h.dsr.map { String(format: "%.4f", $0) } ?? "—",
                               "psr": h.psr.map { String(format: "%.4f", $0) } ?? "—", "inSample": h.in_sample_sharpe.map(num.text) ?? "—",
                               "outOfSample": h.out_of_sample_sharpe.map(num.text) ?? "—", "degradation": h.degradation.map(pct.text) ?? "—"]
        }
        if let model = i.model {
            let diagonal = LineChart.Series(name: "ideal", color: Palette.benchmark, x: [0, 1], y: [0, 1], dashed: true)
            let observed = LineChart.Series(name: "observed", color: Palette.equity, x: model.reliability.map(\.meanProbability),
                                            y: model.reliability.map(\.frequency), markers: true)
            var chart = LineChart(title: "Reliability diagram", series: [diagonal, observed],
                                  yFormat: .number(digits: 1), xAxis: .numeric(.number(digits: 1), title: "predicted P(up)"), yRange: 0...1, xRange: 0...1)
            chart.width = 480; chart.height = 320
            view["model"] = [
                "name": model.name, "ece": String(format: "%.4f", model.ece), "eceUncalibrated": model.eceUncalibrated.map { String(format: "%.4f", $0) } as Any,
                "reliability": chart.svg(id: "reliability-chart"),
                "folds": model.folds.map { ["fold": "\($0.fold)", "rows": "\($0.testSamples)", "auc": String(format: "%.4f", $0.metrics.auc),
                                             "logLoss": String(format: "%.4f", $0.metrics.logLoss), "brier": String(format: "%.4f", $0.metrics.brier),
                                             "accuracy": pct.text($0.metrics.accuracy)] },
            ]
        }
        let rules = Set(i.vetoes.keys).union(i.resizes.keys).sorted()
        view["hasRisk"] = !rules.isEmpty
        view["riskRows"] = rules.map { ["rule": $0, "vetoes": "\(i.vetoes[$0] ?? 0)", "resizes": "\(i.resizes[$0] ?? 0)"] }
        view["riskNote"] = i.source == "backtest"
            ? "A stored backtest keeps no risk decisions; `mlbot report --strategy NAME` runs it again with the risk manager in the loop."
            : "The risk manager passed every order unchanged: no vetoes or resizes."
        if !rules.isEmpty {
            view["riskChart"] = BarChart(title: "Vetoes and resizes by rule", labels: rules, values: rules.map { Double((i.vetoes[$0] ?? 0) + (i.resizes[$0] ?? 0)) },
                                         colors: Palette.cycle).svg(id: "risk-chart")
        }
        return template.render(view)
    }

    static func fig(_ key: String, _ label: String, _ value: String, tone: Double? = nil) -> [String: String] {
        ["key": key, "label": label, "value": value, "tone": tone.map { $0 > 0 ? "good" : ($0 < 0 ? "bad" : "") } ?? ""]
    }

    static func costRows(_ i: TearsheetInput, _ f: TearsheetFigures) -> [[String: String]] {
        let money = SVGText.Format.money, pct = SVGText.Format.percent(digits: 2)
        var rows = [["label": "Fees paid", "value": money.text(i.costs.fees)]]
        if let s = i.costs.slippage { rows.append(["label": "Slippage (fill price against the bar's open)", "value": money.text(s)]) }
        if let w = i.costs.withoutCosts {
            rows.append(["label": "Return with costs", "value": pct.text(i.metrics.totalReturn)])
            rows.append(["label": "Return without fees or slippage", "value": pct.text(w.totalReturn)])
            rows.append(["label": "Sharpe with costs / without", "value": String(format: "%.2f / %.2f", i.metrics.sharpe, w.sharpe)])
            if let e = i.costs.withoutCostsFinalEquity { rows.append(["label": "Final equity without costs", "value": money.text(e)]) }
        }
        return rows
    }

    static func charts(_ i: TearsheetInput, _ f: TearsheetFigures) -> [String: Any] {
        let x = i.time.map(Double.init)
        var equity = [LineChart.Series(name: "strategy", color: Palette.equity, x: x, y: i.equity)]
        if let b = i.benchmark, let first = b.first(where: { $0 > 0 }) {
            equity.append(LineChart.Series(name: "buy and hold \(i.symbol)", color: Palette.benchmark, x: x, y: b.map { $0 / first * i.initialEquity }))
        }
        let linear = LineChart(title: "Equity", series: equity, yFormat: .money)
        var log = linear
        log.logY = true; log.title = "Equity (log scale)"
        let under = LineChart(title: "Drawdown", series: [LineChart.Series(name: "drawdown", color: Palette.drawdown, x: x,
                                                                             y: CurveAnalytics.underwater(i.equity, initial: i.initialEquity), area: true)],
                              yFormat: .percent(digits: 0))
        var rolling = LineChart(title: "Rolling Sharpe (\(f.rolling_sharpe_window_bars) bars, annualised)",
                                series: [LineChart.Series(name: "Sharpe", color: Palette.neutral, x: x,
                                                          y: CurveAnalytics.rollingSharpe(i.returns, window: f.rolling_sharpe_window_bars, barsPerYear: i.barsPerYear))],
                                guides: [LineChart.Guide(value: 0, label: "0", color: Palette.benchmark, inLegend: false)], yFormat: .number(digits: 1))
        let bins = f.trades.histogram
        var distribution = BarChart(title: "Trade returns (\(f.trades.count) trades)", labels: bins.map { SVGText.Format.percent(digits: 2).text(($0.from + $0.to) / 2) },
                                    values: bins.map { Double($0.count) }, colors: bins.map { ($0.from + $0.to) / 2 >= 0 ? Palette.positive : Palette.negative },
                                    xTitle: "return of the trade (share of equity at entry)")
        rolling.width = 480; distribution.width = 480
        var out: [String: Any] = [
            "equityLinear": linear.svg(id: "equity-chart"), "equityLog": log.svg(id: "equity-log-chart"), "underwater": under.svg(id: "underwater-chart"),
            "monthly": monthlyHeatmap(f.monthly_returns).svg(id: "monthly-chart"), "rolling": rolling.svg(id: "rolling-chart"),
            "distribution": bins.isEmpty ? "<p class=\"note\">No closed trades.</p>" : distribution.svg(id: "distribution-chart"),
        ]
        if let e = i.exposure {
            out["exposure"] = LineChart(title: "Gross exposure (share of equity)", series: [LineChart.Series(name: "exposure", color: Palette.equity, x: x, y: e, area: true)],
                                        yFormat: .percent(digits: 0)).svg(id: "exposure-chart")
        }
        return out
    }

    static func monthlyHeatmap(_ months: [CurveAnalytics.Month]) -> Heatmap {
        let years = Array(Set(months.map { String($0.month.prefix(4)) })).sorted()
        var grid = [[Double]](repeating: [Double](repeating: .nan, count: 13), count: years.count)
        for m in months {
            let y = years.firstIndex(of: String(m.month.prefix(4)))!, k = Int(m.month.suffix(2))! - 1
            grid[y][k] = m.return
        }
        for y in grid.indices {
            let known = grid[y][0..<12].filter(\.isFinite)
            grid[y][12] = known.isEmpty ? .nan : known.reduce(1) { $0 * (1 + $1) } - 1
        }
        return Heatmap(title: "Return by month (UTC); last column: the year", rows: years,
                       columns: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Year"], values: grid)
    }
}
