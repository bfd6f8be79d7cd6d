import Features
import Testing

/// Values produced by TA-Lib 0.8.1 (Python TA-Lib 0.8.2) for a fixed 80-bar series, at rows 40
/// and 79. %B, bandwidth, MACD ÷ close etc. are formed from TA-Lib's outputs exactly as mlbot
/// defines them. Reproduce with bench/talib_features.py's definitions on this series.
@Suite struct ReferenceValuesTests {
    static let n = 80
    static let close: [Double] = (0..<n).map { (i: Int) -> Double in
        let a: Double = Double((i * 13) % 17) * 0.7
        let b: Double = Double((i * 5) % 7) * 0.9
        return 100 + a - b + Double(i) * 0.25
    }
    static let open: [Double] = [100.0] + close.dropLast()
    static let high: [Double] = (0..<n).map { (i: Int) -> Double in
        let top: Double = max(open[i], close[i])
        return top + 0.5 + Double(i % 3) * 0.25
    }
    static let low: [Double] = (0..<n).map { (i: Int) -> Double in
        let bottom: Double = min(open[i], close[i])
        return bottom - 0.4 - Double(i % 4) * 0.2
    }
    static let volume: [Double] = (0..<n).map { (i: Int) -> Double in 1000.0 + Double((i * 37) % 11) * 50 }

    static let expected: [(String, [Double])] = [
        ("rsi_14", [54.28622601932462, 52.232346332272705]),
        ("macd_12_26_9", [0.014355583705132282, 0.015516675121708623]),
        ("macd_signal_12_26_9", [0.014380453471955346, 0.014495312504468541]),
        ("macd_hist_12_26_9", [-2.4869766823062197e-05, 0.00102136261724008]),
        ("bb_percent_b_20_2", [0.6872459409233175, 0.5915297525712004]),
        ("bb_bandwidth_20_2", [0.1394158585436169, 0.1314675794779075]),
        ("atr_ratio_14", [0.04667037491356304, 0.047201669754496633]),
        ("ema_ratio_10_50", [.nan, 0.045499967502360406]),
        ("stoch_k_14_3_3", [60.42637465051259, 66.85236768802228]),
        ("stoch_d_14_3_3", [55.23152462807635, 62.53436527451396]),
        ("adx_14", [8.68260176330024, 21.590813837289563]),
        ("obv_slope_20", [-617.5187969924812, -728.421052631579]),
        ("volume_z_20", [0.3725704116328155, 0.878438127193422]),
    ]

    /// TA-Lib's lookbacks: the first row each function returns a value for.
    static let firstValid: [String: Int] = [
        "rsi_14": 14, "macd_12_26_9": 33, "bb_percent_b_20_2": 19, "atr_ratio_14": 14,
        "stoch_k_14_3_3": 17, "adx_14": 27, "ema_ratio_10_50": 49, "obv_slope_20": 19, "volume_z_20": 19,
    ]

    @Test func matchesTALib() throws {
        let x = input(close: Self.close, open: Self.open, high: Self.high, low: Self.low, volume: Self.volume)
        let set = FeatureSet(name: "ref", reference: nil, indicators: [
            RSI(period: 14), MACD(fast: 12, slow: 26, signal: 9), Bollinger(period: 20, deviations: 2), ATRRatio(period: 14),
            EMARatio(fast: 10, slow: 50), Stochastic(k: 14, slowK: 3, d: 3), ADX(period: 14), OBVSlope(period: 20), VolumeZScore(period: 20),
        ], label: .forwardReturn(horizon: 1))
        let frame = FeaturePipeline(set).compute(x)
        for (name, values) in Self.expected {
            let col = try #require(frame.column(name))
            for (k, row) in [40, 79].enumerated() {
                let want = values[k], got = col[row]
                if want.isNaN { #expect(got.isNaN, "\(name)[\(row)]"); continue }
                #expect(abs(got - want) <= 1e-10 * max(1, abs(want)), "\(name)[\(row)]: \(got) vs TA-Lib \(want)")
            }
        }
        for (name, first) in Self.firstValid {
            let col = try #require(frame.column(name))
            #expect(col[first - 1].isNaN && !col[first].isNaN, "\(name) must start at row \(first)")
        }
    }
}
