import Foundation
import Market
import Risk

/// Between the strategies and the broker: the strategies' changes on each instrument netted into
/// one intent, held to the instrument's minimums, then to the global risk manager. Nothing
/// reaches the broker any other way; every veto and resize is an event in the outcome.
public enum RiskGate {
    static func route(_ s: inout EngineState, time: Int64, equity: Double, limits: RiskLimits, feedStale: Bool = false, into out: inout CycleOutcome) {
        // Positions and cash as if the orders approved so far in this bar had filled at this close,
        // so each later check sees them (equity stays the same; exposure does not).
        var projected: [Double]? = nil
        var projectedCash = s.ledger.cashValue
        for i in s.instruments.indices {
            let on = s.strategiesOn[i]
            guard !on.isEmpty else { continue }
            var parts: [(strategy: Int, steps: Int64)] = []
            var delta: Int64 = 0
            for k in on {
                let d = s.desired[k] - s.books[k].steps
                if d != 0 { parts.append((k, d)); delta += d }
            }
            guard !parts.isEmpty else { continue }
            let grid = s.instruments[i]
            let close = s.lastClose[i]
            if delta == 0 {
                // Opposite wishes cancel: the strategies trade with each other at this close, the account does not trade.
                let ticks = grid.ticks(close, rounding: .toNearestOrAwayFromZero)
                for p in parts { s.books[p.strategy].trade(signedSteps: p.steps, ticks: ticks, grid: grid, fee: .zero) }
                out.intents.append(.init(instrument: i, requestedSteps: 0, approvedSteps: 0, decision: .netted))
                continue
            }
            if let reason = belowMinimum(steps: abs(delta), close: close, grid: grid) {
                out.skipped.append(.init(instrument: i, steps: delta, quantity: grid.quantity(steps: delta), notional: Double(abs(delta)) * grid.step * close, reason: reason))
                out.intents.append(.init(instrument: i, requestedSteps: delta, approvedSteps: 0, decision: .belowMinimum))
                drop(parts, &s)
                continue
            }
            if projected == nil { projected = s.ledger.quantities() }
            // The check reads correlations of instrument i only: its row is all that is computed.
            s.correlation.fillRow(i, into: &s.correlationRow)
            var market = MarketSnapshot(instruments: s.names, lastPrice: s.lastClose, correlation: s.correlationRow)
            market.staleFeed = feedStale
            let side: Side = delta > 0 ? .buy : .sell
            let intent = OrderIntent(instrument: i, side: side, quantity: Double(abs(delta)) * grid.step)
            let decision = RiskManager.check(intent, portfolio: PortfolioSnapshot(cash: projectedCash, positions: projected!), market: market,
                                             limits: limits, state: s.risk)
            if let event = RiskManager.event(for: decision, timeMs: time, state: s.risk) { out.riskEvents.append(event) }
            var approved: Int64
            switch decision {
            case .pass: approved = abs(delta)
            case .resize(let q, _): approved = min(abs(delta), grid.steps(towardZero: q))
            case .veto: approved = 0
            }
            if approved > 0, approved < abs(delta), let reason = belowMinimum(steps: approved, close: close, grid: grid) {
                out.skipped.append(.init(instrument: i, steps: approved * Int64(side.rawValue), quantity: grid.quantity(steps: approved),
                                         notional: Double(approved) * grid.step * close, reason: "resized by the risk manager: " + reason))
                approved = 0
            }
            guard approved > 0 else {
                out.intents.append(.init(instrument: i, requestedSteps: delta, approvedSteps: 0, decision: .vetoed))
                drop(parts, &s)
                continue
            }
            let signedApproved = approved * Int64(side.rawValue)
            if approved < abs(delta) { parts = scale(parts, to: signedApproved, &s) }
            let held = projected![i]
            let reducing = RiskManager.reduces(Double(signedApproved) * grid.step, held: held)
            if !reducing { s.risk = RiskManager.recordApproved(s.risk) }
            projected![i] += Double(signedApproved) * grid.step
            projectedCash -= Double(signedApproved) * grid.step * close
            let owner = parts.count == 1 ? s.strategies[parts[0].strategy].name : "net_" + s.names[i]
            let order = Order(id: ClientOrderID(owner: owner, barTimeMs: time, leg: 0), symbol: grid.symbol, side: side,
                              steps: approved, quantityStep: grid.quantityStep, decidedAtMs: time, reduceOnly: reducing)
            s.contributions[order.id] = parts
            s.broker.submit(order, instrument: i)
            out.orders.append(order)
            out.intents.append(.init(instrument: i, requestedSteps: delta, approvedSteps: signedApproved, decision: approved < abs(delta) ? .resized : .sent))
        }
    }

    /// Why `steps` of `grid` at `close` may not be sent (nil: it may).
    static func belowMinimum(steps: Int64, close: Double, grid: Instrument) -> String? {
        if steps < grid.minSteps { return "quantity \(grid.quantity(steps: steps).exact) is under the minimum \(grid.minQuantity.exact) of \(grid.symbol.name)" }
        let notional = Double(steps) * grid.step * close
        if notional < grid.minNotional.doubleValue {
            return String(format: "notional %.4f is under the minimum %@ of %@", notional, grid.minNotional.exact, grid.symbol.name)
        }
        return nil
    }

    /// Refused: the strategies behind it keep what they hold.
    static func drop(_ parts: [(strategy: Int, steps: Int64)], _ s: inout EngineState) {
        for p in parts { s.desired[p.strategy] = s.books[p.strategy].steps }
    }

    /// Shrinks the contributions in the order's direction so that all of them add up to `target`.
    static func scale(_ parts: [(strategy: Int, steps: Int64)], to target: Int64, _ s: inout EngineState) -> [(strategy: Int, steps: Int64)] {
        let positive = target > 0
        let opposite = parts.filter { ($0.steps > 0) != positive }.reduce(Int64(0)) { $0 + $1.steps }
        let same = parts.filter { ($0.steps > 0) == positive }
        let sameTotal = same.reduce(Int64(0)) { $0 + $1.steps }
        let room = target - opposite
        var left = room
        var result: [(strategy: Int, steps: Int64)] = []
        var seen = 0
        for p in parts {
            if (p.steps > 0) != positive { result.append(p); continue }
            seen += 1
            let share = seen == same.count ? left : p.steps * room / sameTotal
            left -= share
            result.append((p.strategy, share))
        }
        for p in result { s.desired[p.strategy] = s.books[p.strategy].steps + p.steps }
        return result
    }
}
