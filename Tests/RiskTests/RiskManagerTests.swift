import Foundation
import Market
import NumericKit
import Risk
import Testing

/// A, B and C at 100, 50 and 10; A and B move together (ρ 0.9).
func market(prices: [Double] = [100, 50, 10], rhoAB: Double = 0.9) -> MarketSnapshot {
    var c = [Double](repeating: 0.1, count: 9)
    for i in 0..<3 { c[i * 3 + i] = 1 }
    c[1] = rhoAB; c[3] = rhoAB
    return MarketSnapshot(instruments: ["A", "B", "C"], lastPrice: prices, correlation: c)
}

/// Cash chosen so that equity is exactly 10,000 at the default prices.
func book(_ positions: [Double] = [0, 0, 0]) -> PortfolioSnapshot {
    let value = zip(positions, [100.0, 50, 10]).reduce(0) { $0 + $1.0 * $1.1 }
    return PortfolioSnapshot(cash: 10_000 - value, positions: positions)
}

func rule(_ d: RiskDecision) -> RiskRule? {
    switch d {
    case .pass: return nil
    case .resize(_, let f): return f.rule
    case .veto(let f): return f.rule
    }
}

@Suite struct RiskRuleTests {
    let active = RiskState(equity: 10_000, timeMs: 0)

    func check(_ o: OrderIntent, _ p: PortfolioSnapshot = book(), _ m: MarketSnapshot = market(), limits: RiskLimits = RiskLimits(),
               state: RiskState? = nil) -> RiskDecision {
        RiskManager.check(o, portfolio: p, market: m, limits: limits, state: state ?? active)
    }

    @Test func aStaleFeedRefusesEntriesAndPassesExits() {
        var stale = market()
        stale.staleFeed = true
        let entry = check(OrderIntent(instrument: 0, side: .buy, quantity: 1), book(), stale)
        #expect(rule(entry) == .feedStale)
        if case .veto(let f) = entry { #expect(f.message.contains("A") && f.figures.map(\.name) == ["position", "order"]) }
        // Adding to a position and flipping through zero are entries too.
        #expect(rule(check(OrderIntent(instrument: 0, side: .buy, quantity: 1), book([2, 0, 0]), stale)) == .feedStale)
        #expect(rule(check(OrderIntent(instrument: 0, side: .sell, quantity: 4), book([2, 0, 0]), stale)) == .feedStale)
        // Shrinking or closing passes.
        #expect(check(OrderIntent(instrument: 0, side: .sell, quantity: 2), book([2, 0, 0]), stale) == .pass)
        #expect(check(OrderIntent(instrument: 1, side: .buy, quantity: 1), book([0, -3, 0]), stale) == .pass)
        // The same entry on a fresh feed passes.
        #expect(check(OrderIntent(instrument: 0, side: .buy, quantity: 1)) == .pass)
    }

    @Test func maxPositionAtJustBelowAndAbove() {
        #expect(check(OrderIntent(instrument: 0, side: .buy, quantity: 10)) == .pass)          // exactly 10 % of equity
        #expect(check(OrderIntent(instrument: 0, side: .buy, quantity: 9.99)) == .pass)
        let over = check(OrderIntent(instrument: 0, side: .buy, quantity: 10.01))
        #expect(rule(over) == .maxPosition)
        if case .veto(let f) = over { #expect(f.figures.first { $0.name == "position_share" }!.value > 0.1 && !f.message.isEmpty) }
        var resizing = RiskLimits()
        resizing.resize = [.maxPosition]
        #expect(check(OrderIntent(instrument: 0, side: .buy, quantity: 25), limits: resizing).approvedQuantity == 10)
        // A flip may close the current position and open up to the limit on the other side.
        #expect(check(OrderIntent(instrument: 0, side: .sell, quantity: 30), book([8, 0, 0]), limits: resizing).approvedQuantity == 18)
    }

    @Test func grossExposure() {
        var limits = RiskLimits()
        limits.maxGrossExposure = 0.25
        limits.maxCorrelatedExposure = 1
        let p = book([10, 0, 100])                                                                // 1,000 + 1,000 held
        #expect(check(OrderIntent(instrument: 1, side: .buy, quantity: 10), p, limits: limits) == .pass)   // 2,500 = 25 %
        #expect(rule(check(OrderIntent(instrument: 1, side: .buy, quantity: 10.02), p, limits: limits)) == .maxGrossExposure)
    }

    @Test func correlatedSameDirectionExposure() {
        let p = book([10, 0, 0])                                                                  // long A: 10 % of equity
        #expect(check(OrderIntent(instrument: 1, side: .buy, quantity: 10), p) == .pass)          // A + B = 15 %, the limit
        let over = check(OrderIntent(instrument: 1, side: .buy, quantity: 10.02), p)
        #expect(rule(over) == .maxCorrelation)
        if case .veto(let f) = over { #expect(f.message.contains("A") && f.figures.map(\.name).contains("combined_exposure")) }
        #expect(check(OrderIntent(instrument: 1, side: .sell, quantity: 10.02), p) == .pass)      // opposite direction hedges
        #expect(check(OrderIntent(instrument: 1, side: .buy, quantity: 19), p, market(rhoAB: 0.8)) == .pass)   // ρ at the limit: not above
        #expect(rule(check(OrderIntent(instrument: 1, side: .buy, quantity: 19), p, market(rhoAB: 0.8000001))) == .maxCorrelation)
        #expect(check(OrderIntent(instrument: 2, side: .buy, quantity: 99), p) == .pass)          // C is uncorrelated
    }

    @Test func dailyTradesOrderNotionalAndPriceBand() {
        var s = active
        s.tradesToday = 49
        #expect(check(OrderIntent(instrument: 2, side: .buy, quantity: 1), state: s) == .pass)
        s.tradesToday = 50
        #expect(rule(check(OrderIntent(instrument: 2, side: .buy, quantity: 1), state: s)) == .maxDailyTrades)
        #expect(check(OrderIntent(instrument: 2, side: .sell, quantity: 1), book([0, 0, 5]), state: s) == .pass)   // reducing passes

        var limits = RiskLimits()
        limits.maxOrderNotional = 1000
        #expect(check(OrderIntent(instrument: 0, side: .buy, quantity: 10), limits: limits) == .pass)
        #expect(rule(check(OrderIntent(instrument: 0, side: .buy, quantity: 10.001), limits: limits)) == .maxOrderNotional)

        limits.priceBand = 0.25
        let m = market(prices: [64, 50, 10])
        #expect(check(OrderIntent(instrument: 0, side: .buy, quantity: 1, limitPrice: 80), book(), m, limits: limits) == .pass)      // exactly 25 %
        #expect(check(OrderIntent(instrument: 0, side: .buy, quantity: 1, limitPrice: 79.99), book(), m, limits: limits) == .pass)
        #expect(rule(check(OrderIntent(instrument: 0, side: .buy, quantity: 1, limitPrice: 80.01), book(), m, limits: limits)) == .priceBand)
        #expect(rule(check(OrderIntent(instrument: 0, side: .buy, quantity: 1), book(), market(prices: [.nan, 50, 10]))) == .noMarketPrice)
        #expect(rule(check(OrderIntent(instrument: 7, side: .buy, quantity: 1))) == .invalidOrder)
    }

    @Test func reducingAndHaltedStates() {
        var s = active
        s.trading = .reducing
        s.cause = .maxDailyLoss
        let p = book([8, 0, 0])
        #expect(rule(check(OrderIntent(instrument: 0, side: .buy, quantity: 1), p, state: s)) == .reducingOnly)
        #expect(check(OrderIntent(instrument: 0, side: .sell, quantity: 8), p, state: s) == .pass)
        #expect(rule(check(OrderIntent(instrument: 0, side: .sell, quantity: 8.5), p, state: s)) == .reducingOnly)   // would flip short
        #expect(rule(check(OrderIntent(instrument: 1, side: .sell, quantity: 1), p, state: s)) == .reducingOnly)     // opens a position
        s.trading = .halted
        #expect(rule(check(OrderIntent(instrument: 0, side: .sell, quantity: 1), p, state: s)) == .halted)
        #expect(check(.cancel(instrument: 0), p, state: s) == .pass)
        let veto = check(OrderIntent(instrument: 0, side: .sell, quantity: 1), p, state: s)
        let event = RiskManager.event(for: veto, timeMs: 42, state: s)
        #expect(event?.kind == .veto && event?.finding.rule == .halted && event?.timeMs == 42)
        #expect(RiskManager.event(for: .pass, timeMs: 42, state: s) == nil)
    }
}

@Suite struct RiskStateTests {
    let day: Int64 = 86_400_000

    @Test func drawdownAtJustBelowAndAboveTheLimit() {
        let start = RiskState(equity: 10_000, timeMs: 0)
        var loose = RiskLimits()
        loose.maxDailyLoss = 1                   // this test is about the drawdown alone
        #expect(RiskManager.mark(start, equity: 8_501, timeMs: 1, limits: loose).0.trading == .active)
        let (s, events) = RiskManager.mark(start, equity: 8_500, timeMs: 1, limits: RiskLimits())
        #expect(s.trading == .reducing && s.cause == .maxDrawdown)
        #expect(events.count == 1 && events[0].from == .active && events[0].to == .reducing && events[0].finding.rule == .maxDrawdown)
        var halting = RiskLimits()
        halting.drawdownAction = .halted
        #expect(RiskManager.mark(start, equity: 8_400, timeMs: 1, limits: halting).0.trading == .halted)
        // The high-water mark follows equity up (mark-to-market), so the drawdown is from the peak.
        let peak = RiskManager.mark(start, equity: 12_000, timeMs: 2, limits: RiskLimits()).0
        #expect(peak.highWaterMark == 12_000 && RiskManager.mark(peak, equity: 10_199, timeMs: 3, limits: RiskLimits()).0.trading == .reducing)
        // A drawdown REDUCING outlives midnight; only the operator lifts it.
        let midnight = RiskManager.mark(s, equity: 8_500, timeMs: day, limits: RiskLimits()).0
        #expect(midnight.trading == .reducing)
        let (resumed, event) = RiskManager.resume(midnight, equity: 8_500, timeMs: day + 1, reason: "reviewed")
        #expect(resumed.trading == .active && resumed.highWaterMark == 8_500 && event?.finding.rule == .operatorResume)
    }

    @Test func dailyLossUntilTheNextUTCDay() {
        let start = RiskState(equity: 10_000, timeMs: 5 * day + 1)
        #expect(RiskManager.mark(start, equity: 9_501, timeMs: 5 * day + 2, limits: RiskLimits()).0.trading == .active)
        var (s, events) = RiskManager.mark(start, equity: 9_500, timeMs: 5 * day + 2, limits: RiskLimits())
        #expect(s.trading == .reducing && s.cause == .maxDailyLoss && events.first?.finding.rule == .maxDailyLoss)
        s.tradesToday = 12
        (s, events) = RiskManager.mark(s, equity: 9_400, timeMs: 6 * day - 1, limits: RiskLimits())          // 23:59:59.999
        #expect(s.trading == .reducing && events.isEmpty)
        (s, events) = RiskManager.mark(s, equity: 9_400, timeMs: 6 * day, limits: RiskLimits())              // 00:00:00.000
        #expect(s.trading == .active && s.dayStartEquity == 9_400 && s.tradesToday == 0 && events.first?.finding.rule == .newDay)
    }

    @Test func killSwitchHaltsUntilResumed() {
        let (s, event) = RiskManager.kill(RiskState(equity: 1, timeMs: 0), timeMs: 5, reason: "operator")
        #expect(s.trading == .halted && event?.to == .halted && event?.finding.rule == .killSwitch)
        #expect(RiskManager.mark(s, equity: 2, timeMs: 2 * day, limits: RiskLimits()).0.trading == .halted)   // no day roll lifts it
        #expect(RiskManager.resume(s, equity: 2, timeMs: 6, reason: "ok").0.trading == .active)
    }
}

/// Properties over seeded random price paths and order streams (300 runs × 300 bars, four
/// instruments with fat-tailed moves and occasional crashes): the same rules, exercised far
/// beyond the hand-made cases.
@Suite struct RiskPropertyTests {
    @Test func exposureDrawdownAndReasonsHoldOnRandomStreams() {
        for run in 0..<300 {
            var rng = SeededRNG(seed: UInt64(run))
            var limits = RiskLimits()
            limits.maxDrawdown = 0.05 + 0.2 * rng.uniform()
            limits.maxDailyLoss = 0.02 + 0.08 * rng.uniform()
            limits.maxPosition = 0.2 + 0.6 * rng.uniform()
            limits.maxGrossExposure = 1 + 2 * rng.uniform()
            limits.drawdownAction = run % 2 == 0 ? .reducing : .halted
            if run % 3 == 0 { limits.resize = [.maxPosition, .maxGrossExposure, .maxOrderNotional] }
            var prices = [100.0, 50, 20, 5]
            var p = PortfolioSnapshot(cash: 10_000, positions: [0, 0, 0, 0])
            let rho = (0..<16).map { k in k % 5 == 0 ? 1.0 : 0.6 + 0.4 * rng.uniform() }
            var time: Int64 = 1_700_000_000_000
            var m = MarketSnapshot(instruments: ["W", "X", "Y", "Z"], lastPrice: prices, correlation: rho)
            var state = RiskState(equity: p.equity(m), timeMs: time)
            var lastApprovedEquity: Double?
            for _ in 0..<300 {
                time += 3_600_000
                for i in prices.indices {
                    let shock = rng.uniform() < 0.01 ? -0.2 : 0.02 * rng.normal()
                    prices[i] *= exp(shock)
                }
                m = MarketSnapshot(instruments: m.instruments, lastPrice: prices, correlation: rho)
                let equity = p.equity(m)
                let hwmBefore = state.highWaterMark
                (state, _) = RiskManager.mark(state, equity: equity, timeMs: time, limits: limits)
                // Drawdown can pass the limit only by the last bar's move, when orders were approved at the bar before.
                if let before = lastApprovedEquity {
                    let drawdown = 1 - equity / max(hwmBefore, equity)
                    let barMove = max(0, before - equity) / hwmBefore
                    #expect(drawdown <= limits.maxDrawdown + barMove + 1e-12, "run \(run): drawdown \(drawdown)")
                }
                lastApprovedEquity = nil
                for _ in 0..<Int(rng.uniform() * 4) {
                    let i = Int(rng.next() % 4)
                    let side: Side = rng.uniform() < 0.5 ? .buy : .sell
                    let quantity = (0.01 + rng.uniform()) * 3_000 / prices[i]
                    let limitPrice: Double? = rng.uniform() < 0.3 ? prices[i] * (1 + 0.1 * (rng.uniform() - 0.5)) : nil
                    let order = OrderIntent(instrument: i, side: side, quantity: quantity, limitPrice: limitPrice)
                    let decision = RiskManager.check(order, portfolio: p, market: m, limits: limits, state: state)
                    if case .veto(let f) = decision {
                        #expect(!f.message.isEmpty && !f.figures.isEmpty || f.rule == .halted, "run \(run): a veto without its reasons")
                        continue
                    }
                    let filled = decision.approvedQuantity ?? quantity
                    let before = p.positions[i]
                    let after = before + Double(side.rawValue) * filled
                    if state.trading != .active {
                        #expect(abs(after) <= abs(before) + 1e-12 && (after == 0 || before == 0 || (after > 0) == (before > 0)),
                                "run \(run): \(state.trading) approved an order that adds exposure")
                    } else {
                        #expect(1 - equity / state.highWaterMark < limits.maxDrawdown, "run \(run): approved past the drawdown limit")
                        lastApprovedEquity = equity
                    }
                    p.positions[i] = after
                    p.cash -= Double(side.rawValue) * filled * (limitPrice ?? prices[i])
                    state = RiskManager.recordApproved(state)
                }
            }
        }
    }
}

@Suite struct RollingCorrelationTests {
    func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var ab = 0.0, aa = 0.0, bb = 0.0
        for k in a.indices { ab += (a[k] - ma) * (b[k] - mb); aa += (a[k] - ma) * (a[k] - ma); bb += (b[k] - mb) * (b[k] - mb) }
        return ab / (aa * bb).squareRoot()
    }

    @Test func matchesADirectComputationOverTheWindow() {
        var rng = SeededRNG(seed: 8)
        var rolling = RollingCorrelation(instruments: 3, window: 50)
        var history: [[Double]] = []
        for bar in 0..<500 {
            let common = rng.normal()
            let r = [common + 0.3 * rng.normal(), common + rng.normal(), rng.normal()].map { 0.01 * $0 }
            history.append(r)
            rolling.add(r)
            if bar % 37 == 0 || bar == 499, bar >= 1 {
                let recent = Array(history.suffix(50))
                let m = rolling.matrix
                for i in 0..<3 {
                    for j in 0..<3 {
                        let expected = pearson(recent.map { $0[i] }, recent.map { $0[j] })
                        #expect(abs(m[i * 3 + j] - expected) < 1e-9, "bar \(bar) (\(i), \(j))")
                    }
                }
            }
        }
        let empty = RollingCorrelation(instruments: 2, window: 5).matrix
        #expect(empty.allSatisfy { $0.isNaN })
    }
}

@Suite struct CorrelationRowTests {
    @Test func aRowEqualsTheMatrixRow() {
        var c = RollingCorrelation(instruments: 4, window: 30)
        var rng = SeededRNG(seed: 8)
        for _ in 0..<75 {
            let common = rng.normal()
            c.add([common + rng.normal(), common, 0.5 * rng.normal() - common, rng.normal()])
        }
        let m = c.matrix
        var buffer = [Double](repeating: 7, count: 16)
        c.fillRow(2, into: &buffer)
        for j in 0..<4 { #expect(abs(buffer[8 + j] - m[8 + j]) < 1e-12) }
        #expect(buffer[0] == 7 && buffer[15] == 7, "other rows untouched")
    }
}
