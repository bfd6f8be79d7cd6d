import Foundation
import Market

/// The global risk manager: pure functions of (order, portfolio, market, limits, state). It never
/// does I/O and keeps no state of its own; the caller stores `RiskState` and the events.
public enum RiskManager {
    /// Pass, resize (for rules listed in `limits.resize`) or veto one order. Rules are checked in
    /// a fixed order — trading state, order sanity, a stale feed, price band, trade count, order notional,
    /// position, gross exposure, correlation — and the first refusal is the answer.
    public static func check(_ order: OrderIntent, portfolio p: PortfolioSnapshot, market m: MarketSnapshot, limits: RiskLimits,
                             state: RiskState) -> RiskDecision {
        if order.isCancel { return .pass }
        let i = order.instrument
        guard i >= 0, i < m.instruments.count, i < p.positions.count, order.quantity > 0, order.quantity.isFinite else {
            return .veto(RiskFinding(rule: .invalidOrder, figures: [RiskFigure("quantity", order.quantity), RiskFigure("instrument", Double(i))],
                                     message: "order needs a known instrument and a positive quantity"))
        }
        let name = m.instruments[i]
        let held = p.positions[i]
        let signed = Double(order.side.rawValue) * order.quantity
        let reducing = reduces(signed, held: held)

        switch state.trading {
        case .halted:
            return .veto(RiskFinding(rule: .halted, figures: [RiskFigure("position", held), RiskFigure("order", signed)],
                                     message: "trading is HALTED (\(state.cause?.rawValue ?? "halted")): only cancels pass"))
        case .reducing where !reducing:
            return .veto(RiskFinding(rule: .reducingOnly, figures: [RiskFigure("position", held), RiskFigure("order", signed)],
                                     message: "trading is REDUCING (\(state.cause?.rawValue ?? "reducing")): only orders that shrink a position pass; \(name) \(held) → \(held + signed)"))
        default: break
        }
        if m.staleFeed && !reducing {
            return .veto(RiskFinding(rule: .feedStale, figures: [RiskFigure("position", held), RiskFigure("order", signed)],
                                     message: "the feed is stale: no new exposure on \(name) until it recovers; only orders that shrink a position pass"))
        }

        let last = m.lastPrice[i]
        guard last.isFinite, last > 0 else {
            return .veto(RiskFinding(rule: .noMarketPrice, figures: [RiskFigure("last_price", last)], message: "no last price for \(name)"))
        }
        if let limit = order.limitPrice {
            let distance = abs(limit / last - 1)
            if !(distance <= limits.priceBand) {
                return .veto(RiskFinding(rule: .priceBand, figures: [RiskFigure("limit_price", limit), RiskFigure("last_price", last),
                                                                    RiskFigure("distance", distance), RiskFigure("limit", limits.priceBand)],
                                         message: String(format: "%@ limit %.8g is %.2f%% from the last price %.8g (band %.2f%%)", name, limit, distance * 100, last, limits.priceBand * 100)))
            }
        }
        // Orders that only shrink a position are never blocked by exposure or count limits.
        if reducing { return .pass }

        if state.tradesToday >= limits.maxDailyTrades {
            return .veto(RiskFinding(rule: .maxDailyTrades, figures: [RiskFigure("trades_today", Double(state.tradesToday)), RiskFigure("limit", Double(limits.maxDailyTrades))],
                                     message: "\(state.tradesToday) orders today; the limit is \(limits.maxDailyTrades) until the next UTC day"))
        }
        let equity = p.equity(m)
        guard equity > 0 else {
            return .veto(RiskFinding(rule: .noEquity, figures: [RiskFigure("equity", equity)], message: "equity is not positive"))
        }
        let price = order.limitPrice ?? last
        var quantity = order.quantity
        var resized: RiskFinding?
        func limit(_ rule: RiskRule, allowed: Double, figures: [RiskFigure], _ message: String) -> RiskDecision? {
            let finding = RiskFinding(rule: rule, figures: figures, message: message)
            if limits.resize.contains(rule), allowed > 0 {
                quantity = min(quantity, allowed)
                resized = finding
                return nil
            }
            return .veto(finding)
        }

        let notional = quantity * price
        if notional > limits.maxOrderNotional, let d = limit(.maxOrderNotional, allowed: limits.maxOrderNotional / price,
            figures: [RiskFigure("notional", notional), RiskFigure("limit", limits.maxOrderNotional)],
            String(format: "order notional %.2f exceeds %.2f", notional, limits.maxOrderNotional)) { return d }

        // Not reducing, so the order grows the position, opens it, or flips it: at most the
        // current size (to flat) plus the room on the other side may be filled.
        let flips = held != 0 && (signed > 0) != (held > 0)
        func fill(room: Double) -> Double { flips ? abs(held) + room : room - abs(held) }
        // The position after the order, at its quantity so far (a resize may shrink it).
        func after() -> Double { held + Double(order.side.rawValue) * quantity }
        let positionShare = abs(after()) * last / equity
        if positionShare > limits.maxPosition,
           let d = limit(.maxPosition, allowed: fill(room: limits.maxPosition * equity / last),
                         figures: [RiskFigure("position_share", positionShare), RiskFigure("limit", limits.maxPosition)],
                         String(format: "%@ position would be %.2f%% of equity (limit %.2f%%)", name, positionShare * 100, limits.maxPosition * 100)) { return d }

        var others = 0.0
        for j in p.positions.indices where j != i && p.positions[j] != 0 { others += abs(p.positions[j]) * m.lastPrice[j] }
        let grossShare = (others + abs(after()) * last) / equity
        if grossShare > limits.maxGrossExposure,
           let d = limit(.maxGrossExposure, allowed: fill(room: max(0, limits.maxGrossExposure * equity - others) / last),
                         figures: [RiskFigure("gross_share", grossShare), RiskFigure("limit", limits.maxGrossExposure)],
                         String(format: "gross exposure would be %.2f%% of equity (limit %.2f%%)", grossShare * 100, limits.maxGrossExposure * 100)) { return d }

        // Correlation: same-direction exposure to instruments moving together counts as one risk.
        let finalPosition = after()
        var combined = abs(finalPosition) * last, strongest = -Double.infinity, partner = -1
        for j in p.positions.indices where j != i && p.positions[j] != 0 && (p.positions[j] > 0) == (finalPosition > 0) {
            let rho = m.correlation(i, j)
            guard rho > limits.maxCorrelation else { continue }
            combined += abs(p.positions[j]) * m.lastPrice[j]
            if rho > strongest { strongest = rho; partner = j }
        }
        if partner >= 0, combined / equity > limits.maxCorrelatedExposure {
            return .veto(RiskFinding(rule: .maxCorrelation, figures: [RiskFigure("correlation", strongest), RiskFigure("correlation_limit", limits.maxCorrelation),
                                                                     RiskFigure("combined_exposure", combined / equity), RiskFigure("limit", limits.maxCorrelatedExposure)],
                                     message: String(format: "%@ moves with %@ (ρ %.2f > %.2f); together they would be %.2f%% of equity (limit %.2f%%)",
                                                     name, m.instruments[partner], strongest, limits.maxCorrelation, combined / equity * 100, limits.maxCorrelatedExposure * 100)))
        }
        if let resized { return .resize(quantity: quantity, finding: resized) }
        return .pass
    }

    /// Whether an order of signed quantity `signed` only shrinks a position of `held` (to zero at
    /// most, never through it): such orders pass every exposure and count limit.
    @inline(__always) public static func reduces(_ signed: Double, held: Double) -> Bool {
        held != 0 && (signed > 0) != (held > 0) && abs(signed) <= abs(held)
    }

    /// The state after marking the book at `timeMs` with mark-to-market `equity`: the UTC-day
    /// roll (new starting equity, trade count reset, a daily-loss REDUCING lifted), the
    /// high-water mark, then the drawdown and daily-loss limits.
    public static func mark(_ s: RiskState, equity: Double, timeMs: Int64, limits: RiskLimits) -> (RiskState, [RiskEvent]) {
        var state = s
        var events: [RiskEvent] = []
        func change(to target: TradingState, cause: RiskRule?, _ finding: RiskFinding) {
            guard target != state.trading else { return }
            events.append(RiskEvent(timeMs: timeMs, kind: .stateChange, from: state.trading, to: target, finding: finding))
            state.trading = target
            state.cause = cause
        }
        let day = RiskState.utcDay(timeMs)
        if day != state.day {
            state.day = day
            state.dayStartEquity = equity
            state.tradesToday = 0
            if state.trading == .reducing && state.cause == .maxDailyLoss {
                change(to: .active, cause: nil, RiskFinding(rule: .newDay, figures: [RiskFigure("day_start_equity", equity)],
                                                           message: "new UTC day: the daily-loss limit is reset"))
            }
        }
        state.highWaterMark = max(state.highWaterMark, equity)
        let drawdown = state.highWaterMark > 0 ? 1 - equity / state.highWaterMark : 0
        if drawdown >= limits.maxDrawdown && state.trading != .halted {
            let target: TradingState = limits.drawdownAction == .halted ? .halted : .reducing
            if state.trading != target || state.cause != .maxDrawdown {
                let finding = RiskFinding(rule: .maxDrawdown, figures: [RiskFigure("drawdown", drawdown), RiskFigure("limit", limits.maxDrawdown),
                                                                        RiskFigure("equity", equity), RiskFigure("high_water_mark", state.highWaterMark)],
                                          message: String(format: "drawdown %.2f%% from the high-water mark reached the %.2f%% limit", drawdown * 100, limits.maxDrawdown * 100))
                if state.trading == target { state.cause = .maxDrawdown } else { change(to: target, cause: .maxDrawdown, finding) }
            }
        }
        let dailyLoss = state.dayStartEquity > 0 ? 1 - equity / state.dayStartEquity : 0
        if dailyLoss >= limits.maxDailyLoss && state.trading == .active {
            change(to: .reducing, cause: .maxDailyLoss,
                   RiskFinding(rule: .maxDailyLoss, figures: [RiskFigure("daily_loss", dailyLoss), RiskFigure("limit", limits.maxDailyLoss),
                                                              RiskFigure("equity", equity), RiskFigure("day_start_equity", state.dayStartEquity)],
                               message: String(format: "loss %.2f%% since the UTC day began reached the %.2f%% limit: reducing only until the next day", dailyLoss * 100, limits.maxDailyLoss * 100)))
        }
        return (state, events)
    }

    /// The kill switch: HALTED until an operator resumes.
    public static func kill(_ s: RiskState, timeMs: Int64, reason: String) -> (RiskState, RiskEvent?) {
        guard s.trading != .halted || s.cause != .killSwitch else { return (s, nil) }
        var state = s
        let event = RiskEvent(timeMs: timeMs, kind: .stateChange, from: s.trading, to: .halted,
                              finding: RiskFinding(rule: .killSwitch, figures: [], message: "kill switch: \(reason)"))
        state.trading = .halted
        state.cause = .killSwitch
        return (state, event)
    }

    /// An operator's pause, halt or flatten: `target` (REDUCING or HALTED) with `cause` until an
    /// operator resumes. A drawdown or daily-loss state is taken over (the operator's word is the
    /// stronger one); nothing changes if the state and cause are already these.
    public static func hold(_ s: RiskState, to target: TradingState, cause: RiskRule, timeMs: Int64, reason: String) -> (RiskState, RiskEvent?) {
        guard s.trading != target || s.cause != cause else { return (s, nil) }
        var state = s
        let event = RiskEvent(timeMs: timeMs, kind: .stateChange, from: s.trading, to: target,
                              finding: RiskFinding(rule: cause, figures: [], message: "\(cause.rawValue.replacingOccurrences(of: "_", with: " ")) by the operator: \(reason)"))
        state.trading = target
        state.cause = cause
        return (state, event)
    }

    /// An operator's explicit return to ACTIVE (the only way out of HALTED or a drawdown
    /// REDUCING); the high-water mark restarts at the current equity.
    public static func resume(_ s: RiskState, equity: Double, timeMs: Int64, reason: String) -> (RiskState, RiskEvent?) {
        guard s.trading != .active else { return (s, nil) }
        var state = s
        let event = RiskEvent(timeMs: timeMs, kind: .stateChange, from: s.trading, to: .active,
                              finding: RiskFinding(rule: .operatorResume, figures: [RiskFigure("equity", equity), RiskFigure("previous_high_water_mark", s.highWaterMark)],
                                                   message: "resumed by the operator: \(reason)"))
        state.trading = .active
        state.cause = nil
        state.highWaterMark = equity
        return (state, event)
    }

    /// The event to store for a decision: every veto and every resize is one; a pass is not.
    public static func event(for decision: RiskDecision, timeMs: Int64, state: RiskState) -> RiskEvent? {
        switch decision {
        case .pass: return nil
        case .resize(_, let f): return RiskEvent(timeMs: timeMs, kind: .resize, from: state.trading, to: state.trading, finding: f)
        case .veto(let f): return RiskEvent(timeMs: timeMs, kind: .veto, from: state.trading, to: state.trading, finding: f)
        }
    }

    /// Counts an approved order against the day's trade limit.
    public static func recordApproved(_ s: RiskState) -> RiskState {
        var state = s
        state.tradesToday += 1
        return state
    }
}
