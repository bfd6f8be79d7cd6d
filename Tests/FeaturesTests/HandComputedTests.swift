import Features
import Market
import Foundation
import Testing

@Suite struct HandComputedTests {
    @Test func logReturn() {
        let c = column(LogReturn(period: 2), input(close: [100, 110, 121, 133.1]))
        #expect(c[0].isNaN && c[1].isNaN)
        #expect(abs(c[2] - log(1.21)) < 1e-15 && abs(c[3] - log(1.21)) < 1e-12)
    }

    @Test func rsiExtremes() {
        // Only gains → 100; only losses → 0; no change at all → 0 (TA-Lib's convention for 0/0).
        let up = column(RSI(period: 3), input(close: [1, 2, 3, 4, 5, 6]))
        #expect(up[0...2].allSatisfy { $0.isNaN } && up[3...].allSatisfy { $0 == 100 })
        #expect(column(RSI(period: 3), input(close: [6, 5, 4, 3, 2])).last == 0)
        #expect(column(RSI(period: 3), input(close: [5, 5, 5, 5, 5])).last == 0)
        // Gains 1,1 and a loss 1 → avg gain 2/3, avg loss 1/3 → 66.67; then a gain of 2 →
        // gain (2/3·2 + 2)/3 = 10/9, loss (1/3·2)/3 = 2/9 → 83.33.
        let r = column(RSI(period: 3), input(close: [10, 11, 12, 11, 13]))
        #expect(abs(r[3] - 200.0 / 3) < 1e-12 && abs(r[4] - 250.0 / 3) < 1e-12)
    }

    @Test func emaRatioSeedsWithTheSimpleAverage() {
        // EMA(2) seeded with mean(1,2)=1.5, then (3−1.5)·2/3+1.5 = 2.5; EMA(3) seeded with mean(1,2,3)=2.
        let c = column(EMARatio(fast: 2, slow: 3), input(close: [1, 2, 3, 4]))
        #expect(c[0].isNaN && c[1].isNaN)
        #expect(abs(c[2] - (2.5 / 2 - 1)) < 1e-15)
        // Next: EMA(2) = (4−2.5)·2/3+2.5 = 3.5, EMA(3) = (4−2)·0.5+2 = 3.
        #expect(abs(c[3] - (3.5 / 3 - 1)) < 1e-15)
    }

    @Test func macdOfALinearTrend() {
        // close = t + 1: every EMA of a line lags it by a constant, (period − 1) / 2 bars at the
        // seed. Fast EMA(2) seeded at t = 3 with mean(3, 4) = 3.5; slow EMA(4) with mean(1…4) = 2.5.
        // Both then keep their lag exactly: line = 1 for ever, signal (EMA(2) of 1s) = 1, hist = 0.
        let closes = (1...12).map(Double.init)
        let f = FeaturePipeline(single(MACD(fast: 2, slow: 4, signal: 2))).compute(input(close: closes))
        #expect(f.warmUp == 4)
        #expect(f.matrix.column(0)[3].isNaN)
        for t in 4..<12 {
            #expect(abs(f.matrix.column(0)[t] - 1 / closes[t]) < 1e-15)
            #expect(abs(f.matrix.column(1)[t] - 1 / closes[t]) < 1e-15)
            #expect(abs(f.matrix.column(2)[t]) < 1e-15)
        }
    }

    @Test func bollingerOnAFlatAndAKnownWindow() {
        let flat = FeaturePipeline(single(Bollinger(period: 3, deviations: 2))).compute(input(close: [5, 5, 5, 5]))
        #expect(flat.matrix.column(0)[3] == 0.5 && flat.matrix.column(1)[3] == 0)
        // Window 1,2,3: mean 2, population σ √(2/3); close 3 → %B = (3 − (2 − 2σ)) / 4σ.
        let f = FeaturePipeline(single(Bollinger(period: 3, deviations: 2))).compute(input(close: [1, 2, 3]))
        let sd = (2.0 / 3).squareRoot()
        #expect(abs(f.matrix.column(0)[2] - (1 + 2 * sd) / (4 * sd)) < 1e-12)
        #expect(abs(f.matrix.column(1)[2] - 4 * sd / 2) < 1e-12)
    }

    @Test func atrOfAConstantRange() {
        // Every bar: range 2 around a close of 10 → TR 2, ATR 2, ratio 0.2.
        let n = 10
        let c = column(ATRRatio(period: 3), input(close: [Double](repeating: 10, count: n), high: [Double](repeating: 11, count: n),
                                                  low: [Double](repeating: 9, count: n)))
        #expect(c[0...2].allSatisfy { $0.isNaN } && c[3...].allSatisfy { abs($0 - 0.2) < 1e-15 })
    }

    @Test func stochasticAtTheTopOfTheRange() {
        let closes = (0..<10).map { Double($0) }
        let f = FeaturePipeline(single(Stochastic(k: 3, slowK: 2, d: 2))).compute(input(close: closes, high: closes, low: closes.map { $0 - 1 }))
        // Close at the highest high every bar → fast %K 100, smoothed 100.
        #expect(f.warmUp == 4)
        #expect(f.matrix.column(0)[4...].allSatisfy { $0 == 100 } && f.matrix.column(1)[4...].allSatisfy { $0 == 100 })
        #expect(f.matrix.column(0)[3].isNaN)
    }

    @Test func volumeZScoreAndRealizedVolatility() {
        let z = column(VolumeZScore(period: 4), input(close: [1, 1, 1, 1, 1], volume: [1, 2, 3, 4, 9]))
        // Window 2,3,4,9: mean 4.5, population σ √(6.25+2.25+0.25+20.25)/2 = √7.25.
        #expect(abs(z[4] - (9 - 4.5) / 7.25.squareRoot()) < 1e-12)
        #expect(column(VolumeZScore(period: 3), input(close: [1, 1, 1], volume: [5, 5, 5]))[2] == 0)
        // Alternating ±10 % moves: log returns ±a; the sample σ of (a, −a, a) is √(4a²/3·… ) — check numerically.
        let closes = [100, 110, 100, 110.0]
        let rv = column(RealizedVolatility(period: 3), input(close: closes))
        let r = (1..<4).map { log(closes[$0] / closes[$0 - 1]) }
        let m = r.reduce(0, +) / 3
        #expect(abs(rv[3] - (r.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 2).squareRoot()) < 1e-15)
    }

    @Test func obvSlopeOfASteadyRise() {
        // Every close higher, volume 5 → OBV rises 5 per bar → slope 5.
        let c = column(OBVSlope(period: 4), input(close: (1...10).map(Double.init), volume: [Double](repeating: 5, count: 10)))
        #expect(c[2].isNaN && c[3...].allSatisfy { abs($0 - 5) < 1e-12 })
    }

    @Test func adxOfAPerfectTrendIsOneHundred() {
        // Highs and lows rise by 1 each bar: +DM every bar, no −DM → DX 100 → ADX 100.
        let closes = (0..<40).map { Double($0) + 10 }
        let c = column(ADX(period: 5), input(close: closes, high: closes.map { $0 + 0.5 }, low: closes.map { $0 - 0.5 }))
        #expect(c[8].isNaN && abs(c[9] - 100) < 1e-12 && abs(c[39] - 100) < 1e-12)
    }

    @Test func crossAssetAgainstItselfAndAScaledCopy() {
        var rng = (1...200).map { _ in Double.random(in: -0.01...0.01) }
        rng[0] = 0
        var p = 100.0
        let closes = rng.map { p *= exp($0); return p }
        let f = FeaturePipeline(single(CrossAsset(reference: "REF", window: 30))).compute(input(close: closes, reference: closes))
        #expect(f.matrix.column(1)[30...].allSatisfy { abs($0 - 1) < 1e-9 })
        #expect(f.matrix.column(2)[30...].allSatisfy { abs($0 - 1) < 1e-9 })
        #expect(f.matrix.column(1)[29].isNaN)
        // A reference that moves half as much: correlation 1, beta 2.
        var q = 100.0
        let half = rng.map { q *= exp($0 / 2); return q }
        let g = FeaturePipeline(single(CrossAsset(reference: "REF", window: 30))).compute(input(close: closes, reference: half))
        #expect(g.matrix.column(2)[199] > 1.999 && g.matrix.column(2)[199] < 2.001)
    }

    @Test func referenceGapsCarryForwardAndMissingStartIsNaN() throws {
        let sym = try Market.Symbol("AAA"), ref = try Market.Symbol("BBB")
        let bars = (0..<5).map { Market.Bar(openTime: Int64($0) * 60_000, open: 1, high: 1, low: 1, close: Double($0 + 1), volume: 1) }
        // Reference starts at bar 1 and misses bar 3.
        let refBars = [1, 2, 4].map { Market.Bar(openTime: Int64($0) * 60_000, open: 1, high: 1, low: 1, close: Double(10 * $0), volume: 1) }
        let x = FeatureInput(Market.BarSeries(symbol: sym, interval: .oneMinute, bars: bars),
                             reference: Market.BarSeries(symbol: ref, interval: .oneMinute, bars: refBars))
        #expect(x.referenceLogClose[0].isNaN)
        #expect(x.referenceLogClose[1...].map { exp($0) }.map { ($0 * 1e9).rounded() / 1e9 } == [10, 20, 20, 40])
    }

    @Test func cyclicTime() {
        // 2024-01-01 00:00 UTC is a Monday: phase 0 for both cycles; 06:00 is a quarter day.
        let x = FeatureInput(time: [1_704_067_200_000, 1_704_067_200_000 + 6 * 3_600_000, 1_704_067_200_000 + 2 * 86_400_000],
                             open: [1, 1, 1], high: [1, 1, 1], low: [1, 1, 1], close: [1, 1, 1], volume: [1, 1, 1], intervalMs: 60_000)
        let tod = FeaturePipeline(single(CyclicTime(cycle: .timeOfDay))).compute(x)
        #expect(tod.matrix.column(0)[0] == 0 && tod.matrix.column(1)[0] == 1)
        #expect(abs(tod.matrix.column(0)[1] - 1) < 1e-15 && abs(tod.matrix.column(1)[1]) < 1e-15)
        let dow = FeaturePipeline(single(CyclicTime(cycle: .dayOfWeek))).compute(x)
        #expect(dow.matrix.column(0)[0] == 0 && dow.matrix.column(1)[0] == 1)
        #expect(abs(dow.matrix.column(0)[2] - sin(2 * Double.pi * 2 / 7)) < 1e-15)
    }
}
