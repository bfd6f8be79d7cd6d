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
    /// The outputs of `set` the model sees (nil: all).
    public var features: [String]?
    /// A rule strategy's signal: when set, P(up) comes from this rule over one feature output and
    /// `model`, `cv` and `calibration` are not used (nothing is trained).
    public var rule: FeatureRule?

    public init(set: FeatureSet, model: ModelSpec, cv: WalkForward, calibration: Calibration.Method, rules: SignalRules, execution: ExecutionModel,
                features: [String]? = nil, rule: FeatureRule? = nil) {
        self.rule = rule
        self.set = set
        self.model = model
        self.cv = cv
        self.calibration = calibration
        self.rules = rules
        self.execution = execution
        self.features = features
    }
}

/// The model stage of an evaluation, shared by every rule variant of one model.
public struct StrategyPredictions: Sendable {
    /// The walk-forward training behind the predictions (nil for a rule strategy).
    public let training: TrainReport?
    /// Index in the series of the first bar with an out-of-sample prediction.
    public let firstRow: Int
    /// Calibrated out-of-sample P(up) per bar (NaN where there is none).
    public let outOfSample: [Double]
    /// The final model's (fitted on every row) calibrated P(up) for bars `firstRow…`: in sample.
    public let inSample: [Double]
    /// Open times of the first and last training sample, and how many there were.
    public let firstSampleMs: Int64
    public let lastSampleMs: Int64
    public let samples: Int
}

/// A candidate's out-of-sample record: the costed backtest over the bars it could trade (from the
/// second walk-forward test block on), with the model evaluation behind it.
public struct StrategyEvaluation: Sendable {
    public let backtest: BacktestResult
    /// nil for a rule strategy.
    public let training: TrainReport?
    /// Index in the series of the first bar with an out-of-sample prediction.
    public let firstRow: Int
    public let moments: SharpeStatistics.Moments
    /// Probability that the true per-bar Sharpe ratio is above 0 (not yet corrected for trials).
    public let psr: Double
    /// The same rules and costs over the same bars with the final model's in-sample predictions:
    /// what a backtest that trains on its own test data would have claimed.
    public let inSample: PerformanceMetrics
    public let inSampleMoments: SharpeStatistics.Moments
}

public enum StrategyEvaluator {

    /// Walk-forward predictions (each block from a model trained on the past only, calibrated on
    /// earlier folds only) → signal rules → simulator with costs.
    public static func evaluate(_ s: StrategyDefinition, series: BarSeries, reference: BarSeries? = nil) throws -> StrategyEvaluation {
        try evaluate(s, on: PreparedSeries(series: series, reference: reference, set: s.set, atrPeriod: s.rules.atrPeriod,
                                           volatilityPeriod: s.rules.volatilityPeriod))
    }

    public static func evaluate(_ s: StrategyDefinition, on p: PreparedSeries) throws -> StrategyEvaluation {
        trade(s, predictions: try predict(s, on: p), on: p)
    }

    /// The expensive stage: purged walk-forward training with out-of-sample predictions per bar.
    public static func predict(_ s: StrategyDefinition, on p: PreparedSeries) throws -> StrategyPredictions {
        if let rule = s.rule { return try predict(rule, on: p) }
        let frame = p.frame(for: s)
        let data = Dataset(frame, closes: p.series.close)
        let report = try Trainer.train(data, spec: s.model, cv: s.cv, calibration: s.calibration, span: frame)
        let oos = report.spanProbabilities!
        guard let first = oos.firstIndex(where: { !$0.isNaN }) else {
            throw Failure(.badInput, "no out-of-sample predictions (too few folds or rows)")
        }
        let rows = (first..<frame.matrix.rows).filter { r in (0..<frame.matrix.columns).allSatisfy { frame.matrix[r, $0].isFinite } }
        var inSample = [Double](repeating: .nan, count: frame.matrix.rows - first)
        for (i, q) in try report.model.probabilities(frame.matrix.gatherRows(rows)).enumerated() { inSample[rows[i] - first] = q }
        return StrategyPredictions(training: report, firstRow: first, outOfSample: oos, inSample: inSample,
                                   firstSampleMs: p.series.openTime[data.rows.first!], lastSampleMs: p.series.openTime[data.rows.last!],
                                   samples: data.count)
    }

    /// A rule strategy's probabilities: the rule over its feature at every bar once the feature is
    /// warm. Nothing is fitted, so in and out of sample are the same thing.
    static func predict(_ rule: FeatureRule, on p: PreparedSeries) throws -> StrategyPredictions {
        guard let x = p.frame.column(rule.feature) else {
            throw Failure(.badInput, "feature set '\(p.set.name)' has no output '\(rule.feature)' (outputs: \(p.set.outputs.joined(separator: ", ")))")
        }
        let probabilities = x.map(rule.probability)
        guard let first = probabilities.firstIndex(where: { !$0.isNaN }) else {
            throw Failure(.badInput, "'\(rule.feature)' never has a value over these \(p.series.count) bars (too few for its warm-up)")
        }
        return StrategyPredictions(training: nil, firstRow: first, outOfSample: probabilities, inSample: Array(probabilities[first...]),
                                   firstSampleMs: p.series.openTime[first], lastSampleMs: p.series.openTime.last!, samples: 0)
    }

    /// The cheap stage: signal rules and the costed simulator over the out-of-sample bars.
    public static func trade(_ s: StrategyDefinition, predictions: StrategyPredictions, on p: PreparedSeries) -> StrategyEvaluation {
        precondition(s.rules.atrPeriod == p.atrPeriod && s.rules.volatilityPeriod == p.volatilityPeriod, "rules' ATR/volatility periods differ from the prepared series'")
        let first = predictions.firstRow, n = p.series.count
        let window = p.series.slice(first..<n)
        let atr = Array(p.atr[first...]), vol = Array(p.volatility[first...]), close = window.close
        let perYear = p.series.interval.barsPerYear
        func run(_ probabilities: ArraySlice<Double>) -> BacktestResult {
            let targets = s.rules.targets(probability: Array(probabilities), close: close, atr: atr, volatility: vol, barsPerYear: perYear)
            return Backtester.run(window, targets: targets, model: s.execution)
        }
        let result = run(predictions.outOfSample[first...])
        let inSample = run(predictions.inSample[...])
        let moments = SharpeStatistics.Moments(returns: result.returns)
        return StrategyEvaluation(backtest: result, training: predictions.training, firstRow: first, moments: moments,
                                  psr: SharpeStatistics.probabilistic(moments, benchmark: 0), inSample: inSample.metrics,
                                  inSampleMoments: SharpeStatistics.Moments(returns: inSample.returns))
    }
}
