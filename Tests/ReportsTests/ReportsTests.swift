import Backtest
import Foundation
import Learning
import Reports
import Testing

@Suite struct ReportsTests {
    static let jan1: Int64 = 1_704_067_200_000   // 2024-01-01T00:00Z
    static let day: Int64 = 86_400_000

    @Test func monthlyReturnsChainFromEachMonthsLastEquity() {
        // Jan ends at 110 (from 100), Feb at 99 (−10 %), Mar at 108.9 (+10 %).
        let time = [Self.jan1, Self.jan1 + 30 * Self.day, Self.jan1 + 35 * Self.day, Self.jan1 + 59 * Self.day, Self.jan1 + 70 * Self.day]
        let equity = [105.0, 110, 120, 99, 108.9]
        let m = CurveAnalytics.monthly(time: time, equity: equity, initial: 100)
        #expect(m.map(\.month) == ["2024-01", "2024-02", "2024-03"])
        #expect(zip(m.map(\.return), [0.10, -0.10, 0.10]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(m)")
        #expect(CurveAnalytics.underwater([100, 120, 90, 130], initial: 100) == [0, 0, -0.25, 0])
    }

    @Test func rollingSharpeIsTheWindowsMeanOverItsDeviation() {
        let r = (0..<200).map { sin(Double($0) * 0.7) * 0.01 + 0.001 }
        let rolled = CurveAnalytics.rollingSharpe(r, window: 30, barsPerYear: 365)
        #expect(rolled[..<29].allSatisfy { $0.isNaN })
        for i in [29, 100, 199] {
            let w = r[(i - 29)...i]
            let mean = w.reduce(0, +) / 30
            let sd = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 29).squareRoot()
            #expect(abs(rolled[i] - mean / sd * 365.0.squareRoot()) < 1e-9)
        }
        let h = CurveAnalytics.histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], bins: 5)
        #expect(h.map(\.count) == [2, 2, 2, 2, 3] && h.first?.from == 0 && h.last?.to == 10)
        let b = CurveAnalytics.buyAndHold([100, 110, 99, 121], barsPerYear: 1)
        #expect(abs(b.totalReturn - 0.21) < 1e-12 && abs(b.maxDrawdown - 0.1) < 1e-12)
    }

    static func input(trades: Bool) -> TearsheetInput {
        let n = 400
        let time = (0..<n).map { Self.jan1 + Int64($0) * 3_600_000 }
        var equity: [Double] = [], returns: [Double] = [], e = 1000.0
        for i in 0..<n { let r = trades ? sin(Double(i) / 9) * 0.004 + 0.0005 : 0; e *= 1 + r; equity.append(e); returns.append(r) }
        var m = MetricsAccumulator(barsPerYear: 8760).finish(fees: 0, tradedNotional: 0)
        m.bars = n; m.sharpe = trades ? 1.5 : 0; m.trades = trades ? 3 : 0; m.maxDrawdownBars = 24
        return TearsheetInput(source: "test", title: "t <1>", strategies: ["t"], symbol: "ETHUSDT", intervalMs: 3_600_000, barsPerYear: 8760, initialEquity: 1000,
                              time: time, equity: equity, returns: returns, exposure: trades ? returns.map { _ in 0.5 } : [Double](repeating: 0, count: n),
                              trades: trades ? [.init(entryMs: time[0], exitMs: time[10], result: 0.01), .init(entryMs: time[20], exitMs: time[30], result: -0.02),
                                                .init(entryMs: time[40], exitMs: time[50], result: 0.005)] : [],
                              metrics: m, psr: 0.8, benchmark: (0..<n).map { 100 + Double($0) },
                              honesty: .init(trials: 40, dsr: 0.7, psr: 0.9, inSampleSharpe: 2, outOfSampleSharpe: 1.5),
                              model: .init(name: "logistic", ece: 0.02, eceUncalibrated: 0.1,
                                           reliability: Calibration.reliability(p: [0.1, 0.15, 0.6, 0.65, 0.9], y: [0, 0, 1, 0, 1]), folds: []),
                              costs: .init(fees: 12.5, slippage: 3, withoutCosts: m, withoutCostsFinalEquity: 1100), vetoes: ["max_drawdown": 2], resizes: ["max_position": 1],
                              riskEventTimes: [], orders: trades ? 6 : 0, fills: trades ? 6 : 0, notes: ["a note & more"])
    }

    @Test func figuresCarryTheMetricsAndTheHonestyBoxAsData() throws {
        let f = TearsheetFigures(Self.input(trades: true))
        #expect(f.metrics.sharpe == 1.5 && f.max_drawdown_duration_seconds == 24 * 3600)
        let json = String(decoding: try JSONEncoder().encode(f), as: UTF8.self)
        #expect(json.contains("\"degradation\":0.25") && json.contains("\"trials\":40") && json.contains("\"median\":0.005"))
        #expect(json.contains("\"vetoes\":{\"max_drawdown\":2}") && json.contains("\"rolling_sharpe_window_bars\":200"))
        let bins = Calibration.reliability(p: [0.1, 0.15, 0.6, 0.65, 0.9], y: [0, 0, 1, 0, 1])
        #expect(bins.map(\.count) == [2, 2, 1] && bins[1].frequency == 0.5)
        let ece = Calibration.expectedCalibrationError(p: [0.1, 0.15, 0.6, 0.65, 0.9], y: [0, 0, 1, 0, 1])
        #expect(abs(ece - (2.0 / 5 * 0.125 + 2.0 / 5 * 0.125 + 1.0 / 5 * 0.1)) < 1e-12)
    }

    @Test func thePageHasEveryChartOrSaysThereWereNoTrades() {
        let traded = Tearsheet.html(Self.input(trades: true), figures: TearsheetFigures(Self.input(trades: true)))
        for id in ["equity-chart", "equity-log-chart", "underwater-chart", "monthly-chart", "rolling-chart", "distribution-chart", "exposure-chart", "reliability-chart", "risk-chart"] {
            #expect(traded.contains("id=\"\(id)\""), "\(id) is drawn")
        }
        #expect(traded.contains("<title>t &lt;1&gt; — mlbot report</title>") && traded.contains("a note &amp; more") && traded.contains("Found among <strong>40</strong>"))
        #expect(!traded.contains("<script") && !traded.contains("http://") && !traded.contains("https://") || traded.contains("http://www.w3.org/2000/svg"))
        #expect(!traded.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"), "nothing from another host")
        let none = Tearsheet.html(Self.input(trades: false), figures: TearsheetFigures(Self.input(trades: false)))
        #expect(none.contains("id=\"no-trades\"") && !none.contains("id=\"equity-chart\"") && !none.contains("id=\"distribution-chart\""))
    }
}
