import Features
import Foundation

/// A set holding one indicator.
func single(_ indicator: any Indicator, label: LabelSpec = .forwardReturn(horizon: 1)) -> FeatureSet {
    FeatureSet(name: "t", reference: "REF", indicators: [indicator], label: label)
}

/// Every shipped indicator with the default set's parameters.
let everyIndicator: [any Indicator] = [
    LogReturn(period: 1), LogReturn(period: 15), RSI(period: 14), MACD(fast: 12, slow: 26, signal: 9),
    Bollinger(period: 20, deviations: 2), ATRRatio(period: 14), RealizedVolatility(period: 20),
    VolumeZScore(period: 20), EMARatio(fast: 10, slow: 50), Stochastic(k: 14, slowK: 3, d: 3),
    ADX(period: 14), OBVSlope(period: 20), CrossAsset(reference: "REF", window: 60),
    CyclicTime(cycle: .timeOfDay), CyclicTime(cycle: .dayOfWeek),
]

/// Columns as a FeatureInput on 1-minute bars from t0 = 2024-01-01 (a Monday).
func input(close: [Double], open: [Double]? = nil, high: [Double]? = nil, low: [Double]? = nil,
           volume: [Double]? = nil, reference: [Double]? = nil) -> FeatureInput {
    let n = close.count
    let o = open ?? close
    return FeatureInput(
        time: (0..<n).map { 1_704_067_200_000 + Int64($0) * 60_000 }, open: o,
        high: high ?? zip(o, close).map { max($0, $1) }, low: low ?? zip(o, close).map { min($0, $1) }, close: close,
        volume: volume ?? [Double](repeating: 1, count: n), referenceLogClose: reference?.map { log($0) }, intervalMs: 60_000)
}

/// The one output column of a single-indicator computation.
func column(_ indicator: any Indicator, _ x: FeatureInput, output: Int = 0) -> [Double] {
    FeaturePipeline(single(indicator)).compute(x).matrix.column(output)
}
