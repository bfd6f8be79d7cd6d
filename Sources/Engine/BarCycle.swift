import Features
import Foundation
import Market
import Risk

/// The one path from bars to fills that backtests and the service both run. `step` is a
/// function of (state, the bars of one bar-time, the settings snapshot) → (state', outcome): no
/// I/O, no clock (time is the bars'), deterministic. The state is passed `inout` so the streams
/// inside it are stepped in place rather than copied.
public enum BarCycle {
    /// One bar-time `time`: `bars[i]` is instrument i's bar opening at `time` (nil when it has none).
    ///
    /// 1. orders decided at the previous close fill at this open (broker);
    /// 2. the book is marked at this close; the risk manager marks its state; the allocator
    ///    records the strategies' returns and re-estimates weights when due;
    /// 3. each strategy with a bar steps its features, model and signal rules → a target; a changed
    ///    target becomes a quantity (allocator), fixed now;
    /// 4. per instrument the strategies' changes are netted into one intent, checked against the
    ///    instrument's minimums and by the risk manager, and sent (or recorded as refused).
    /// `feedStale` (live feeds only) says the bars are late: the risk manager refuses entries.
    public static func step(_ s: inout EngineState, time: Int64, bars: [Bar?], settings: EngineSettings, feedStale: Bool = false,
                                       into out: inout CycleOutcome) {
        precondition(bars.count == s.instruments.count, "one slot per instrument")
        precondition(time > s.lastTimeMs, "bar-times must increase")
        out.reset(time)
        s.lastTimeMs = time

        // 1. Fills at this open.
        for i in bars.indices {
            guard let bar = bars[i], s.broker.hasOpenOrders else { continue }
            for fill in s.broker.open(instrument: i, bar: bar, grid: s.instruments[i]) {
                book(fill, instrument: i, in: &s)
                out.fills.append(fill)
            }
        }

        // 2. Mark at this close.
        for i in bars.indices {
            guard let bar = bars[i] else { s.returnsRow[i] = 0; continue }
            let log = Foundation.log(bar.close)
            s.returnsRow[i] = s.lastLogClose[i].isNaN ? 0 : log - s.lastLogClose[i]
            s.lastLogClose[i] = log
            s.lastClose[i] = bar.close
        }
        s.correlation.add(s.returnsRow)
        let equity = s.ledger.equity(s.lastClose)
        out.equity = equity
        let (risk, events) = RiskManager.mark(s.risk, equity: equity, timeMs: time, limits: settings.risk)
        s.risk = risk
        out.riskEvents.append(contentsOf: events)
        if s.strategies.count > 1 {
            for k in s.strategies.indices {
                let pnl = s.pnl(strategy: k)
                s.strategyReturns[k] = equity > 0 ? (pnl - s.pnlBefore[k]) / equity : 0
                s.pnlBefore[k] = pnl
            }
            s.strategyReturns.withUnsafeBufferPointer { s.allocator.record($0) }
            out.rebalanced = s.allocator.rebalanceIfDue(timeMs: time)
        }

        // 3. Decisions at this close.
        var anyChange = false
        for k in s.strategies.indices {
            let i = s.symbolOf[k]
            guard let bar = bars[i] else { continue }
            let runtime = s.strategies[k]
            let reference = s.referenceOf[k] >= 0 ? s.lastLogClose[s.referenceOf[k]] : .nan
            let input = InputBar(time: time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume,
                                 logClose: s.lastLogClose[i], referenceLogClose: reference)
            let threshold = ConfidenceGate.threshold(strategy: runtime.name, own: runtime.rules.threshold, settings: settings)
            guard let target = runtime.step(input, threshold: threshold) else { continue }
            out.signals.append(.init(strategy: k, probability: runtime.lastProbability, threshold: threshold, target: target))
            if target != s.previousTarget[k] {
                s.previousTarget[k] = target
                s.desired[k] = s.allocator.quantity(strategy: k, target: target, equity: equity, close: bar.close, grid: s.instruments[i])
                anyChange = true
            }
        }
        guard anyChange else { out.trading = s.risk.trading; return }

        // 4. Net, check, send.
        RiskGate.route(&s, time: time, equity: equity, limits: settings.risk, feedStale: feedStale, into: &out)
        out.trading = s.risk.trading
    }

    /// Books a fill into the account and into the sub-ledgers of the strategies behind the order.
    static func book(_ fill: Fill, instrument i: Int, in s: inout EngineState) {
        let grid = s.instruments[i]
        let signedSteps = fill.signedSteps
        s.ledger.apply(fill, instrument: i)
        let parts = s.contributions.removeValue(forKey: fill.orderID) ?? []
        // The fee belongs to the strategies trading in the order's direction, pro rata (rounded
        // to the money unit; the last of them takes the remainder, so the shares add up exactly).
        let sameSide = parts.filter { ($0.steps > 0) == (signedSteps > 0) }
        let sameTotal = sameSide.reduce(Int64(0)) { $0 + abs($1.steps) }
        var feeLeft = fill.feeAmount
        var sameSeen = 0
        for part in parts {
            var fee = Money.zero
            if (part.steps > 0) == (signedSteps > 0) {
                sameSeen += 1
                if sameSeen == sameSide.count { fee = feeLeft } else {
                    fee = Money(units: fill.feeAmount.units * Int128(abs(part.steps)) / Int128(sameTotal))
                    feeLeft -= fee
                }
            }
            s.books[part.strategy].trade(signedSteps: part.steps, ticks: fill.ticks, grid: grid, fee: fee)
        }
    }
}
