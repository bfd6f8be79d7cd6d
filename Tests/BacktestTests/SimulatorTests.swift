import Backtest
import Foundation
import Market
import MarketData
import Testing

func series(_ rows: [(o: Double, h: Double, l: Double, c: Double)], interval: Interval = .oneHour) -> BarSeries {
    BarSeries(symbol: try! Symbol("TEST"), interval: interval, bars: rows.enumerated().map { i, r in
        Bar(openTime: 1_704_067_200_000 + Int64(i) * interval.milliseconds, open: r.o, high: r.h, low: r.l, close: r.c, volume: 1)
    })
}

let free = ExecutionModel(takerFee: 0, slippageBps: 0)

@Suite struct SimulatorTests {
    let bars = series([(100, 101, 99, 100), (100, 111, 99, 110), (120, 125, 115, 121), (121, 133, 120, 132), (130, 131, 100, 104)])

    @Test func aDecisionAtTheCloseTradesAtTheNextOpen() {
        // Long from the close of bar 1: filled at bar 2's open (120), not at bar 1's close (110).
        let r = Backtester.run(bars, targets: [0, 1, 1, 0, 0], model: free)
        #expect(r.equity[0] == 1 && r.equity[1] == 1)
        #expect(abs(r.equity[2] - 121.0 / 120) < 1e-15)
        #expect(abs(r.equity[3] - 132.0 / 120) < 1e-15)
        // The exit decided at bar 3's close fills at bar 4's open (130): flat through bar 4's fall.
        #expect(abs(r.equity[4] - 130.0 / 120) < 1e-15)
        #expect(r.trades.count == 1 && r.trades[0].entryPrice == 120 && r.trades[0].exitPrice == 130 && r.trades[0].bars == 2)
        #expect(r.metrics.trades == 1 && r.metrics.hitRate == 1)
    }

    @Test func aSignalCannotTradeOnItsOwnBar() {
        // Every bar's move reverses the previous one, with no gaps. A rule that goes long after an
        // up bar would win everything if it could fill at that bar's open; at the next open it loses.
        var rows: [(o: Double, h: Double, l: Double, c: Double)] = []
        var p = 100.0
        for i in 0..<40 {
            let c = i % 2 == 0 ? p * 1.02 : p / 1.02
            rows.append((p, max(p, c), min(p, c), c))
            p = c
        }
        let b = series(rows)
        let targets = (0..<b.count).map { b.close[$0] > b.open[$0] ? 1.0 : 0.0 }
        let r = Backtester.run(b, targets: targets, model: free)
        #expect(r.equity.last! < 1)
        #expect(r.metrics.hitRate == 0)
    }

    @Test func feesAndSlippageAreChargedAsSpecified() {
        // One buy at bar 2's open of 120 with fee f and s bps: price 120·(1 + s/10⁴), units 1/price, cash −f.
        let m = ExecutionModel(takerFee: 0.001, slippageBps: 10)
        let r = Backtester.run(bars, targets: [0, 1, 1, 1, 1], model: m)
        let price = 120 * 1.001
        #expect(abs(r.equity[2] - (-0.001 + 121 / price)) < 1e-12)
        // More cost, less money, step by step.
        var last = Double.infinity
        for fee in [0.0, 0.0005, 0.001, 0.005] {
            let e = Backtester.run(bars, targets: [0, 1, 0, 1, 0], model: ExecutionModel(takerFee: fee, slippageBps: 2)).equity.last!
            #expect(e < last)
            last = e
        }
    }

    @Test func fillsNeverLeaveTheBarsRange() {
        let m = ExecutionModel(takerFee: 0, slippageBps: 5000, rangeShare: 3)
        let r = Backtester.run(bars, targets: [1, 0, 1, 0, 0], model: m)
        for tr in r.trades {
            let i = bars.openTime.firstIndex(of: tr.entryTime)!
            #expect(tr.entryPrice == bars.high[i])  // a buy capped at the high
            let j = bars.openTime.firstIndex(of: tr.exitTime!)!
            #expect(tr.exitPrice == bars.low[j])    // a sell floored at the low
        }
    }

    @Test func exposureIsLimitedAndShortsNeedPermission() {
        let longOnly = Backtester.run(bars, targets: [-1, -1, 3, 3, 3], model: free)
        #expect(longOnly.exposure[1] == 0 && abs(longOnly.exposure[3] - 1) < 1e-12)
        let shorts = Backtester.run(bars, targets: [-1, -1, -1, -1, -1], model: ExecutionModel(takerFee: 0, slippageBps: 0, allowShort: true))
        // Short 1 unit of equity at 100 (bar 1's open): bar 1 closes at 110 → equity 0.9.
        #expect(abs(shorts.equity[1] - 0.9) < 1e-12 && shorts.exposure[1] < 0)
    }
}

@Suite struct MetricsTests {
    @Test func handComputedPath() {
        // Long from bar 0's close; bar returns from bar 1 on: +10 %, −20 %, +25 %, 0.
        let b = series([(100, 100, 100, 100), (100, 110, 100, 110), (110, 110, 88, 88), (88, 110, 88, 110), (110, 110, 110, 110)])
        let r = Backtester.run(b, targets: [1, 1, 1, 1, 1], model: free)
        let m = r.metrics
        #expect(abs(m.totalReturn - 0.1) < 1e-12)
        #expect(abs(m.maxDrawdown - 0.2) < 1e-12)     // 1.1 → 0.88
        #expect(m.maxDrawdownBars == 1)                // only bar 2 is below the high (bar 3 regains 1.1)
        let rets = [0, 0.1, -0.2, 0.25, 0]
        let mean = rets.reduce(0, +) / 5
        let sd = (rets.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot()
        let bpy = Interval.oneHour.barsPerYear
        #expect(abs(m.sharpe - mean / sd * bpy.squareRoot()) < 1e-9)
        #expect(abs(m.sortino - mean / (0.04 / 5).squareRoot() * bpy.squareRoot()) < 1e-9)
        #expect(abs(m.annualizedReturn - (pow(1.1, bpy / 5) - 1)) < 1e-6 * pow(1.1, bpy / 5))
        #expect(abs(m.exposure - 0.8) < 1e-12)  // held through bars 1…4
        #expect(m.trades == 1 && abs(m.averageTrade - 0.1) < 1e-12)
    }

    @Test func theGridKernelEqualsTheFullBacktest() throws {
        let config = SyntheticMarket.Config(symbols: [try Symbol("BTCUSDT")], interval: .oneMinute, start: 1_704_067_200_000, bars: 20_000, seed: 4)
        let b = try SyntheticMarket(config).generate()[0]
        let model = ExecutionModel()
        let grid = MovingAverageCross.grid(b, fast: [5, 10], slow: [20, 40], model: model)
        #expect(grid.count == 4 && grid.map(\.fast) == [5, 5, 10, 10] && grid.map(\.slow) == [20, 40, 20, 40])
        let sma = MovingAverageCross.averages(b.close, windows: [10, 40])
        let full = Backtester.run(b, targets: MovingAverageCross.targets(fast: sma[10]!, slow: sma[40]!), model: model)
        let g = try #require(grid.first { $0.fast == 10 && $0.slow == 40 })
        #expect(g.metrics == full.metrics)
        #expect(full.metrics.trades > 50 && full.metrics.fees > 0)
        // Same grid twice, same numbers (workers take combinations in any order).
        #expect(MovingAverageCross.grid(b, fast: [5, 10], slow: [20, 40], model: model, threads: 2) == grid)
    }
}
