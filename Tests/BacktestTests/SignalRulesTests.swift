import Backtest
import Testing

@Suite struct SignalRulesTests {
    let n = 10
    var flat: [Double] { [Double](repeating: 0, count: n) }

    @Test func holdForTheHorizonThenFlat() {
        var p = [Double](repeating: 0.5, count: n)
        p[2] = 0.8
        let r = SignalRules(threshold: 0.7, exit: .hold(bars: 3))
        let t = r.targets(probability: p, close: [Double](repeating: 100, count: n), atr: flat, volatility: flat, barsPerYear: 1)
        #expect(t == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0])
    }

    @Test func oppositeSignalAndShorts() {
        let p: [Double] = [0.5, 0.8, 0.6, 0.6, 0.2, 0.5, 0.5, 0.1, 0.9, .nan]
        let longOnly = SignalRules(threshold: 0.7, exit: .opposite)
            .targets(probability: p, close: [Double](repeating: 1, count: n), atr: flat, volatility: flat, barsPerYear: 1)
        #expect(longOnly == [0, 1, 1, 1, 0, 0, 0, 0, 1, 0])
        let both = SignalRules(threshold: 0.7, exit: .opposite, longShort: true)
            .targets(probability: p, close: [Double](repeating: 1, count: n), atr: flat, volatility: flat, barsPerYear: 1)
        #expect(both == [0, 1, 1, 1, -1, -1, -1, -1, 1, 0])
    }

    @Test func atrBarriersAndVolatilitySizing() {
        let close: [Double] = [100, 100, 101, 103, 100, 100, 97, 100, 100, 100]
        var p = [Double](repeating: 0.5, count: n)
        p[1] = 0.9; p[5] = 0.9
        let atr = [Double](repeating: 1.5, count: n)
        // Entry at bar 1 (close 100): take profit at +2·1.5 = 103 (bar 3); entry at bar 5: stop at −1.5·1.5 (bar 6).
        let r = SignalRules(threshold: 0.7, exit: .atr(takeProfit: 2, stopLoss: 1.5, bars: 50), sizing: .volatilityTarget(annual: 0.2))
        let vol = [Double](repeating: 0.4 / 100, count: n)  // per bar; annualised with 10,000 bars a year: 0.4
        let t = r.targets(probability: p, close: close, atr: atr, volatility: vol, barsPerYear: 10_000)
        #expect(t == [0, 0.5, 0.5, 0, 0, 0.5, 0, 0, 0, 0])
    }
}
