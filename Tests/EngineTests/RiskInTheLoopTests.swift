import Backtest
import Engine
import Foundation
import Market
import NumericKit
import Risk
import Testing

@Suite struct RiskInTheLoopTests {
    /// A strategy that flips long and short on a fixed rhythm, so it trades all the time.
    static func busy(_ s: BarSeries, fraction: Double = 0.5, name: String = "busy") throws -> StrategyRuntime {
        let p = (0..<s.count).map { t in (t / 10) % 2 == 0 ? 0.8 : 0.2 }
        return try recorded(name, on: s, p: p, rules: SignalRules(threshold: 0.6, exit: .opposite, sizing: .fixed(fraction: fraction), longShort: true))
    }

    @Test func aTightDrawdownLimitStopsEntriesInsideABacktest() throws {
        let s = walk("XUSDT", bars: 3_000, seed: 9)
        var free = try state([grid("XUSDT")], [try Self.busy(s)])
        let unlimited = BacktestDriver.run(&free, series: [s], settings: EngineSettings(risk: looseLimits()))
        var limits = looseLimits()
        limits.maxDrawdown = 0.01
        var tight = try state([grid("XUSDT")], [try Self.busy(s)], limits: limits)
        var reducingSince: Int64?
        var entriesWhileReducing = 0
        let limited = BacktestDriver.run(&tight, series: [s], settings: EngineSettings(risk: limits)) { out, st in
            if reducingSince != nil { entriesWhileReducing += out.orders.filter { !$0.reduceOnly }.count }
            if reducingSince == nil, st.risk.trading == .reducing { reducingSince = out.timeMs }
        }
        #expect(reducingSince != nil, "the 1 % drawdown limit must trip on this path")
        #expect(entriesWhileReducing == 0)
        #expect(limited.orders.count < unlimited.orders.count / 2, "\(limited.orders.count) vs \(unlimited.orders.count)")
        let change = limited.riskEvents.first { $0.kind == .stateChange }
        #expect(change?.finding.rule == .maxDrawdown && change?.to == .reducing)
        let veto = limited.riskEvents.first { $0.kind == .veto }
        #expect(veto?.finding.rule == .reducingOnly && veto?.finding.figures.map(\.name) == ["position", "order"])
        #expect((limited.count(.veto)["reducing_only"] ?? 0) > 10)
    }

    /// Random limits, random strategies on three symbols: after every bar, each order that was
    /// approved keeps the position and gross exposure within the limits at the decision close.
    @Test func noApprovedOrderBreaksALimit() throws {
        var broken: [String] = []
        for run in 0..<60 {
            var rng = SeededRNG(seed: UInt64(run + 77))
            let series = (0..<3).map { walk("S\($0)USDT", bars: 300, seed: UInt64(run * 3 + $0), start: 50 + 10 * Double($0)) }
            var limits = looseLimits()
            limits.maxPosition = 0.05 + 0.4 * rng.uniform()
            limits.maxGrossExposure = 0.2 + 0.8 * rng.uniform()
            limits.maxDailyTrades = 5 + Int(rng.uniform() * 40)
            if run % 2 == 0 { limits.resize = [.maxPosition, .maxGrossExposure] }
            let strategies = try (0..<4).map { try Self.busy(series[$0 % 3], fraction: 0.3 + rng.uniform(), name: "r\($0)") }
            var st = try state(series.map { grid($0.symbol.name) }, strategies, limits: limits)
            var adding = 0
            _ = BacktestDriver.run(&st, series: series, settings: EngineSettings(risk: limits)) { out, s in
                guard !out.orders.isEmpty else { return }
                let equity = out.equity
                var gross = 0.0
                for i in 0..<3 {
                    // Position once this bar's orders fill, at this close.
                    var q = Double(s.ledger.steps[i]) * s.instruments[i].step
                    for o in out.orders where o.symbol == s.instruments[i].symbol { q += Double(o.side.rawValue) * o.quantity.doubleValue }
                    gross += abs(q) * s.lastClose[i]
                    let grew = out.orders.contains { $0.symbol == s.instruments[i].symbol && !$0.reduceOnly }
                    if grew && abs(q) * s.lastClose[i] / equity > limits.maxPosition + 1e-9 { broken.append("run \(run): position \(abs(q) * s.lastClose[i] / equity) > \(limits.maxPosition)") }
                }
                if out.orders.contains(where: { !$0.reduceOnly }) && gross / equity > limits.maxGrossExposure + 1e-9 {
                    broken.append("run \(run): gross \(gross / equity) > \(limits.maxGrossExposure)")
                }
                adding += out.orders.filter { !$0.reduceOnly }.count
            }
            if adding > limits.maxDailyTrades { broken.append("run \(run): \(adding) exposure-adding orders in one day, limit \(limits.maxDailyTrades)") }
        }
        #expect(broken.count == 0, "\(broken.prefix(5))")
    }
}
