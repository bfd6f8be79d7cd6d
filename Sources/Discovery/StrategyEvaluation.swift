import Backtest
import Features
import Foundation
import Learning
import Market

/// One candidate strategy as data: what it trades, the features and model it predicts with, how
/// predictions become positions, and what trading costs.
public struct StrategyDefinition: Sendable {
    public var set: FeatureSet
    public var model: ModelSpec
    public var cv: WalkForward
    public var calibration: Calibration.Method
    public var rules: SignalRules
    public var execution: ExecutionModel

    public init(set: FeatureSet, model: ModelSpec, cv: WalkForward, calibration: Calibration.Method, rules: SignalRules, execution: ExecutionModel) {
        self.set = set
        self.model = model
        self.cv = cv
        self.calibration = calibration
        self.rules = rules
        self.execution = execution
    }
}

/// A candidate's out-of-sample record: the costed backtest over the bars it could trade (from the
/// second walk-forward test block on), with the model evaluation behind it.
public struct StrategyEvaluation: Sendable {
    public let backtest: BacktestResult
    public let training: TrainReport
    /// Index in the series of the first bar with an out-of-sample prediction.
    public let firstRow: Int
    public let moments: SharpeStatistics.Moments
    /// Probability that the true per-bar Sharpe ratio is above 0 (not yet corrected for trials).
    public let psr: Double
}

public enum StrategyEvaluator {
    public struct EvaluationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Walk-forward predictions (each block from a model trained on the past only, calibrated on
    /// earlier folds only) → signal rules → simulator with costs.
    public static func evaluate(_ s: StrategyDefinition, series: BarSeries, reference: BarSeries? = nil) throws -> StrategyEvaluation {
        let input = FeatureInput(series, reference: reference)
        let frame = FeaturePipeline(s.set).compute(input)
        let data = Dataset(frame, closes: series.close)
        let report = try Trainer.train(data, spec: s.model, cv: s.cv, calibration: s.calibration, span: frame)
        let p = report.spanProbabilities!
        guard let first = p.firstIndex(where: { !$0.isNaN }) else {
            throw EvaluationError(description: "no out-of-sample predictions (too few folds or rows)")
        }
        let atr = ATRRatio.averageTrueRange(input, period: 14)
        var vol = [Double](repeating: .nan, count: series.count)
        vol.withUnsafeMutableBufferPointer { RealizedVolatility(period: 60).batch(input, [$0]) }
        let targets = s.rules.targets(probability: p, close: series.close, atr: atr, volatility: vol, barsPerYear: series.interval.barsPerYear)
        let window = BarSeries(symbol: series.symbol, interval: series.interval, bars: (first..<series.count).map { series[$0] })
        let result = Backtester.run(window, targets: Array(targets[first...]), model: s.execution)
        let moments = SharpeStatistics.Moments(returns: result.returns)
        return StrategyEvaluation(backtest: result, training: report, firstRow: first, moments: moments,
                                  psr: SharpeStatistics.probabilistic(moments, benchmark: 0))
    }
}
