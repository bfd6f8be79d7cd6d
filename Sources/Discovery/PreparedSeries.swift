import Features
import Foundation
import Market
import MarketData

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

    /// The periods are the signal rules' (`SignalRules.atrPeriod`, `.volatilityPeriod`). Features
    /// are computed over the whole series (from its history anchor) and then the bars before
    /// `fromIndex` are dropped, so a later start never re-seeds an indicator.
    public init(series full: BarSeries, reference: BarSeries?, set: FeatureSet, atrPeriod: Int = 14, volatilityPeriod: Int = 60, fromIndex: Int = 0) {
        let fullInput = FeatureInput(full, reference: reference)
        let fullATR = ATRRatio.averageTrueRange(fullInput, period: atrPeriod)
        var vol = [Double](repeating: .nan, count: full.count)
        vol.withUnsafeMutableBufferPointer { RealizedVolatility(period: volatilityPeriod).batch(fullInput, [$0]) }
        let fullFrame = FeaturePipeline(set).compute(fullInput)
        self.set = set
        self.atrPeriod = atrPeriod
        self.volatilityPeriod = volatilityPeriod
        if fromIndex == 0 {
            series = full; input = fullInput; frame = fullFrame; atr = fullATR; volatility = vol
        } else {
            series = full.slice(fromIndex..<full.count)
            input = FeatureInput(series, reference: reference)
            frame = fullFrame.rows(from: fromIndex)
            atr = Array(fullATR[fromIndex...])
            volatility = Array(vol[fromIndex...])
        }
    }

    /// The series' features from the history anchor, used from `loaded.fromIndex`.
    public init(_ loaded: LoadedSeries, set: FeatureSet, atrPeriod: Int = 14, volatilityPeriod: Int = 60) {
        self.init(series: loaded.series, reference: loaded.reference, set: set, atrPeriod: atrPeriod, volatilityPeriod: volatilityPeriod,
                  fromIndex: loaded.fromIndex)
    }

    /// The frame a strategy trains on: its label, its subset of outputs.
    public func frame(for s: StrategyDefinition) -> FeatureFrame {
        precondition(s.set.name == set.name && s.set.outputs == set.outputs, "strategy's feature set differs from the prepared one")
        var f = s.set.label == frame.label ? frame : frame.relabeled(s.set.label, input: input)
        if let subset = s.features { f = f.selecting(subset) }
        return f
    }
}
