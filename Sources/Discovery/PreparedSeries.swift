import Features
import Foundation
import Market

/// One symbol's bars made ready for evaluating many strategies on them: the feature set's
/// frame, ATR and realised volatility are computed once and shared by every candidate.
public struct PreparedSeries: Sendable {
    public let series: BarSeries
    public let input: FeatureInput
    public let set: FeatureSet
    /// Every output of `set`, with the set's own label.
    public let frame: FeatureFrame
    /// ATR in price units (the `atr` exit's unit), over `atrPeriod` bars.
    public let atr: [Double]
    /// Realised volatility (the volatility-target sizing's input), over `volatilityPeriod` bars.
    public let volatility: [Double]
    public let atrPeriod: Int
    public let volatilityPeriod: Int

    /// The periods are the signal rules' (`SignalRules.atrPeriod`, `.volatilityPeriod`).
    public init(series: BarSeries, reference: BarSeries?, set: FeatureSet, atrPeriod: Int = 14, volatilityPeriod: Int = 60) {
        self.series = series
        self.set = set
        input = FeatureInput(series, reference: reference)
        frame = FeaturePipeline(set).compute(input)
        self.atrPeriod = atrPeriod
        self.volatilityPeriod = volatilityPeriod
        atr = ATRRatio.averageTrueRange(input, period: atrPeriod)
        var vol = [Double](repeating: .nan, count: series.count)
        vol.withUnsafeMutableBufferPointer { [input] in RealizedVolatility(period: volatilityPeriod).batch(input, [$0]) }
        volatility = vol
    }

    /// The frame a strategy trains on: its label, its subset of outputs.
    public func frame(for s: StrategyDefinition) -> FeatureFrame {
        precondition(s.set.name == set.name && s.set.outputs == set.outputs, "strategy's feature set differs from the prepared one")
        var f = s.set.label == frame.label ? frame : frame.relabeled(s.set.label, input: input)
        if let subset = s.features { f = f.selecting(subset) }
        return f
    }
}
