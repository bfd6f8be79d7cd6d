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
    /// `commands` are the operator's, applied at this bar-time: a halt cancels the open orders
    /// before step 1; pause, halt, flatten and resume change the trading state after step 2; a
    /// flatten sets every strategy's target to zero in step 3. A strategy the operator disabled, or
    /// whose model is past its age limit, may only shrink or close its position.
    public static func step(_ s: inout EngineState, time: Int64, bars: [Bar?], settings: EngineSettings, feedStale: Bool = false,
                            commands: [OperatorCommand] = [], into out: inout CycleOutcome) {
        precondition(bars.count == s.instruments.count, "one slot per instrument")
        precondition(time > s.lastTimeMs, "bar-times must increase")
        out.reset(time)
        s.lastTimeMs = time
        if !commands.isEmpty {
            out.commands = commands
            if commands.contains(.halt) && s.broker.hasOpenOrders {
                for order in s.broker.cancelAll() {
                    for p in s.contributions.removeValue(forKey: order.id) ?? [] { s.desired[p.strategy] = s.books[p.strategy].steps }
                    out.cancelled.append(order)
                }
            }
        }
        if let m = settings.portfolioMethod, m != s.allocator.settings.method { s.allocator.use(method: m) }

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
        var flatten = false
        for c in commands {
            if c == .flatten { flatten = true }
            let event: RiskEvent?
            (s.risk, event) = c.apply(to: s.risk, equity: equity, timeMs: time)
            if let event { out.riskEvents.append(event) }
        }
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
            let threshold = runtime.followsConfidence ? ConfidenceGate.threshold(strategy: runtime.name, own: runtime.rules.threshold, settings: settings)
                : runtime.rules.threshold
            guard var target = runtime.step(input, threshold: threshold) else { continue }
            if flatten { target = 0 }
            else if (!settings.disabled.isEmpty && settings.disabled.contains(runtime.name)) || runtime.modelExpired(at: time) {
                target = exitsOnly(target, from: s.previousTarget[k])
            }
            out.signals.append(.init(strategy: k, probability: runtime.lastProbability, threshold: threshold, target: target))
            if target != s.previousTarget[k] {
                s.previousTarget[k] = target
                s.desired[k] = s.allocator.quantity(strategy: k, target: target, equity: equity, close: bar.close, grid: s.instruments[i])
                anyChange = true
            }
        }
        if flatten {
            // Also what a strategy without a bar now holds, or one whose exit was refused earlier.
            for k in s.strategies.indices where s.books[k].steps != 0 || s.desired[k] != 0 {
                s.desired[k] = 0; s.previousTarget[k] = 0; anyChange = true
            }
        }
        guard anyChange else { out.trading = s.risk.trading; return }

        // 4. Net, check, send.
        RiskGate.route(&s, time: time, equity: equity, limits: settings.risk, feedStale: feedStale, into: &out)
        out.trading = s.risk.trading
    }

    /// A disabled strategy's target: it may shrink towards zero or close, never grow or flip.
    static func exitsOnly(_ target: Double, from previous: Double) -> Double {
        if previous == 0 || (target > 0) != (previous > 0) { return 0 }
        return abs(target) < abs(previous) ? target : previous
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
