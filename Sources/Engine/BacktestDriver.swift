import Backtest
import Foundation
import Market
import Risk

/// A backtest through the bar cycle: the engine's outcome over a period, in memory.
public struct EngineBacktest: Sendable {
    /// Equity curve, bar returns, gross exposure and trades (the stored backtest's form) and metrics.
    public let result: BacktestResult
    public let orders: [Order]
    public let fills: [Fill]
    public let riskEvents: [RiskEvent]
    public let skipped: [CycleOutcome.Skipped]
    /// Netted intents by what became of them.
    public let intents: [CycleOutcome.Decision: Int]
    /// Each strategy's P&L at the end (account currency), in the state's strategy order.
    public let strategyPnL: [Double]
    public let ledger: Ledger
    public let bars: Int

    /// Vetoes and resizes counted by rule.
    public func count(_ kind: RiskEvent.Kind) -> [String: Int] {
        var c: [String: Int] = [:]
        for e in riskEvents where e.kind == kind { c[e.finding.rule.rawValue, default: 0] += 1 }
        return c
    }
}

/// Drives `BarCycle.step` over stored series merged by open time: the backtest driver. The
/// service's driver differs only in where bars come from and in storing each outcome.
public enum BacktestDriver {
    /// Steps every bar-time of `series` (`series[i]` is `state.instruments[i]`'s, possibly empty)
    /// up to `to`; results are recorded from `recordFromMs` on (earlier bars only warm the streams).
    /// `observe` sees each outcome and the state after it.
    public static func run(_ state: inout EngineState, series: [BarSeries], settings: EngineSettings, recordFromMs: Int64 = .min,
                                      to: Int64 = .max, keepCurves: Bool = true,
                                      observe: ((CycleOutcome, EngineState) -> Void)? = nil) -> EngineBacktest {
        precondition(series.count == state.instruments.count, "one series per instrument")
        let interval = (series.first { !$0.isEmpty } ?? series[0]).interval
        let initial = state.ledger.initialMoney.doubleValue
        var metrics = MetricsAccumulator(barsPerYear: interval.barsPerYear, initialEquity: initial)
        var time: [Int64] = [], equity: [Double] = [], returns: [Double] = [], exposure: [Double] = []
        var orders: [Order] = [], fills: [Fill] = [], events: [RiskEvent] = [], skipped: [CycleOutcome.Skipped] = []
        var intents: [CycleOutcome.Decision: Int] = [:]
        var trades = TradeTracker(strategies: state.strategies.count)
        var merged = MergedBars(series)
        var out = CycleOutcome()
        var before = initial
        var recorded = 0
        while let (t, slot) = merged.next(to: to) {
            BarCycle.step(&state, time: t, bars: slot, settings: settings, into: &out)
            observe?(out, state)
            guard t >= recordFromMs else { before = out.equity; continue }
            recorded += 1
            // Equity right after this open's fills, for trade accounting.
            var atOpen = state.ledger.cashValue, gross = 0.0, net = 0.0
            for i in series.indices where state.ledger.steps[i] != 0 {
                let q = Double(state.ledger.steps[i]) * state.instruments[i].step
                atOpen += q * (slot[i]?.open ?? state.lastClose[i])
                gross += abs(q) * state.lastClose[i]
                net += q
            }
            let r = before != 0 ? out.equity / before - 1 : 0
            metrics.add(barReturn: r, equity: out.equity, side: net > 0 ? 1 : (net < 0 ? -1 : 0), equityAtOpen: atOpen)
            trades.observe(out, state, equityAtOpen: atOpen)
            before = out.equity
            if keepCurves {
                time.append(t); equity.append(out.equity); returns.append(r); exposure.append(out.equity != 0 ? gross / out.equity : 0)
                orders.append(contentsOf: out.orders); fills.append(contentsOf: out.fills)
                events.append(contentsOf: out.riskEvents); skipped.append(contentsOf: out.skipped)
            }
            for i in out.intents { intents[i.decision, default: 0] += 1 }
        }
        let fees = state.ledger.feesPaid.doubleValue, traded = state.ledger.traded.doubleValue
        var m = metrics.finish(fees: fees / max(initial, 1e-300), tradedNotional: traded)
        m.fees = fees
        let result = BacktestResult(time: time, equity: equity, returns: returns, exposure: exposure,
                                    trades: trades.finish(state, lastEquity: before), metrics: m)
        return EngineBacktest(result: result, orders: orders, fills: fills, riskEvents: events, skipped: skipped, intents: intents,
                              strategyPnL: state.strategies.indices.map { state.pnl(strategy: $0) }, ledger: state.ledger, bars: recorded)
    }
}

/// Round trips per strategy, from its sub-ledger position: entry when it leaves flat, exit when it
/// returns to flat or flips; the result is the strategy's P&L over the trade ÷ account equity at entry.
struct TradeTracker {
    private var open: [Trade?]
    private var pnlAtEntry: [Double]
    private var closed: [Trade] = []

    init(strategies n: Int) {
        open = [Trade?](repeating: nil, count: n)
        pnlAtEntry = [Double](repeating: 0, count: n)
    }

    mutating func observe(_ out: CycleOutcome, _ s: EngineState, equityAtOpen: Double) {
        for k in s.strategies.indices {
            let steps = s.books[k].steps
            let side = steps > 0 ? 1 : (steps < 0 ? -1 : 0)
            if var t = open[k] {
                if t.side != side {
                    let i = s.instrumentIndex(ofStrategy: k)
                    t.exitTime = out.timeMs
                    t.exitPrice = price(out, s, instrument: i)
                    t.result = t.result != 0 ? (s.pnl(strategy: k) - pnlAtEntry[k]) / t.result : 0
                    closed.append(t)
                    open[k] = nil
                } else {
                    open[k]!.bars += 1
                }
            }
            if side != 0 && open[k] == nil {
                let i = s.instrumentIndex(ofStrategy: k)
                // `result` holds the account equity at entry while the trade is open.
                open[k] = Trade(side: side, entryTime: out.timeMs, entryPrice: price(out, s, instrument: i), result: equityAtOpen, bars: 1)
                pnlAtEntry[k] = s.pnl(strategy: k)
            }
        }
    }

    private func price(_ out: CycleOutcome, _ s: EngineState, instrument i: Int) -> Double {
        out.fills.last(where: { $0.symbol == s.instruments[i].symbol }).map { s.instruments[i].priceValue(ticks: $0.ticks) } ?? s.lastClose[i]
    }

    func finish(_ s: EngineState, lastEquity: Double) -> [Trade] {
        var all = closed
        for k in open.indices {
            guard var t = open[k] else { continue }
            t.result = t.result != 0 ? (s.pnl(strategy: k) - pnlAtEntry[k]) / t.result : 0
            all.append(t)
        }
        return all.sorted { ($0.entryTime, $0.side) < ($1.entryTime, $1.side) }
    }
}
