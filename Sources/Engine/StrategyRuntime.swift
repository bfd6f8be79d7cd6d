import Backtest
import Features
import Foundation
import Learning
import Market

/// One strategy as the engine runs it: streaming features → model or rule → P(up) → the signal
/// rules' one-bar step → a target exposure. Owned by one `EngineState`; its streams are
/// reference state, so it is not copied, only stepped.
public final class StrategyRuntime {
    public let name: String
    public let symbol: Symbol
    /// The symbol whose log close the feature set's cross-asset kernels read (nil: none).
    public let reference: Symbol?
    public let rules: SignalRules
    public let execution: ExecutionModel
    /// Bars before this open time only warm the streams up; decisions start at it.
    public let tradeFromMs: Int64
    public private(set) var signal = SignalState()
    /// The last P(up) and target decided.
    public private(set) var lastProbability = Double.nan
    public private(set) var lastTarget = 0.0

    private var source: SignalSource
    /// The last bar the model was trained on (nil: a rule or recorded strategy).
    public private(set) var modelThroughMs: Int64?
    /// How old (bar time since `modelThroughMs`) the model may get before the strategy only exits.
    public var maxModelAgeMs: Int64?
    /// A challenger scored in shadow on the same features (its P(up) is recorded, never traded).
    public var shadow: RowPredictor?
    public private(set) var lastShadowProbability = Double.nan

    /// The same strategy from its first bar, unwarmed, with its starting source and model (no
    /// swap applied), under another execution model.
    public func fresh(execution: ExecutionModel) throws -> StrategyRuntime {
        try StrategyRuntime(name: name, symbol: symbol, interval: made.interval, set: made.set, inputs: made.inputs, rules: rules,
                            execution: execution, source: made.source, tradeFromMs: tradeFromMs, modelThroughMs: made.modelThroughMs)
    }

    /// Whether the model is past its age limit at bar `time`.
    @inline(__always)
    public func modelExpired(at time: Int64) -> Bool {
        guard let through = modelThroughMs, let limit = maxModelAgeMs else { return false }
        return time - through > limit
    }
    /// A rule's "probability" is 0, ½ or 1, so a confidence threshold means nothing to it (and 0.5
    /// would turn its neutral into long): the operator's confidence applies to models only.
    public var followsConfidence: Bool {
        if case .rule = source { return false }
        return true
    }
    private let features: FeatureStream?
    /// Columns of the feature stream's row that the model (or rule) reads, in its order.
    private let columns: [Int]
    private let row: UnsafeMutablePointer<Double>
    private let atr: IndicatorStream
    private let volatility: IndicatorStream
    private var atrOut = Double.nan, volOut = Double.nan
    private let annualization: Double
    private var cursor = 0
    /// What it was built from, so a fresh copy can run the same strategy again (a what-if run).
    private let made: (interval: Interval, set: FeatureSet?, inputs: [String], source: SignalSource, modelThroughMs: Int64?)


    /// `set` is the strategy's feature set; `inputs` the outputs its model (or rule) reads, in order.
    public init(name: String, symbol: Symbol, interval: Interval, set: FeatureSet?, inputs: [String], rules: SignalRules,
                execution: ExecutionModel, source: SignalSource, tradeFromMs: Int64 = .min, modelThroughMs: Int64? = nil) throws {
        self.name = name
        made = (interval, set, inputs, source, modelThroughMs)
        self.modelThroughMs = modelThroughMs
        self.symbol = symbol
        self.rules = rules
        self.execution = execution
        self.source = source
        self.tradeFromMs = tradeFromMs
        annualization = interval.barsPerYear.squareRoot()
        atr = ATRRatio(period: rules.atrPeriod).makeStream()
        volatility = RealizedVolatility(period: rules.volatilityPeriod).makeStream()
        switch source {
        case .recorded(let times, let p):
            guard times.count == p.count else { throw Failure(.badInput, "strategy '\(name)': \(times.count) times for \(p.count) probabilities") }
            features = nil; columns = []; reference = nil
        case .model, .rule:
            guard let set else { throw Failure(.badInput, "strategy '\(name)': a model or rule needs its feature set") }
            let stream = FeaturePipeline(set).makeStream()
            columns = try inputs.map { name in
                guard let j = stream.names.firstIndex(of: name) else {
                    throw Failure(.badInput, "strategy '\(name)': feature set '\(set.name)' has no output '\(name)' (outputs: \(stream.names.joined(separator: ", ")))")
                }
                return j
            }
            features = stream
            reference = try set.reference.map { try Symbol($0) }
        }
        if case .model(let predictor) = source, predictor.featureCount != columns.count {
            throw Failure(.badInput, "strategy '\(name)': the model reads \(predictor.featureCount) features, the strategy names \(columns.count)")
        }
        if case .rule = source, columns.count != 1 { throw Failure(.badInput, "strategy '\(name)': a rule reads exactly one feature") }
        row = .allocate(capacity: max(1, columns.count))
        row.initialize(repeating: .nan, count: max(1, columns.count))
    }

    deinit { row.deallocate() }

    /// Puts another model in, between two bars: the feature streams, the signal state and the
    /// position carry on, so the new model must read the same columns as the old one.
    public func swap(to predictor: RowPredictor, throughMs: Int64) throws {
        guard case .model = source else { throw Failure(.badInput, "strategy '\(name)' does not trade a model") }
        guard predictor.featureCount == columns.count else {
            throw Failure(.badInput, "strategy '\(name)': the new model reads \(predictor.featureCount) features, the strategy \(columns.count)")
        }
        source = .model(predictor)
        modelThroughMs = throughMs
    }

    /// Consumes this bar's close and decides: returns the target exposure (signed fraction of the
    /// strategy's capital) or nil while still warming up.
    @inline(__always)
    public func step(_ bar: InputBar, threshold: Double) -> Double? {
        withUnsafeMutablePointer(to: &atrOut) { atr.update(bar, $0) }
        withUnsafeMutablePointer(to: &volOut) { volatility.update(bar, $0) }
        let atrPrice = atrOut * bar.close
        var p = Double.nan
        switch source {
        case .recorded(let times, let probabilities):
            while cursor < times.count && times[cursor] < bar.time { cursor += 1 }
            if cursor < times.count && times[cursor] == bar.time { p = probabilities[cursor] }
        case .model(let predictor):
            gather(features!.update(bar))
            p = predictor.probability(UnsafePointer(row))
            if let shadow { lastShadowProbability = shadow.probability(UnsafePointer(row)) }
        case .rule(let rule):
            gather(features!.update(bar))
            p = rule.probability(row[0])
        }
        guard bar.time >= tradeFromMs else { return nil }
        var r = rules
        r.threshold = threshold
        let target = execution.clamp(signal.step(r, probability: p, close: bar.close, atr: atrPrice, volatility: volOut, annualization: annualization))
        lastProbability = p
        lastTarget = target
        return target
    }

    @inline(__always) private func gather(_ values: [Double]) {
        values.withUnsafeBufferPointer { v in
            for (k, j) in columns.enumerated() { row[k] = v[j] }
        }
    }
}
