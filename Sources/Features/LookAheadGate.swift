import Market

extension FeatureSet {
    /// The look-ahead gate every user of a feature set passes (train, features compute, backtest,
    /// discover, the engine): a set whose outputs change when only later bars change is refused.
    public func requireNoLookAhead() throws {
        let violations = LookAheadCheck.run(FeaturePipeline(self), on: FeatureSetCheck.syntheticInput(bars: max(2000, warmUp * 4)), trials: 8)
        if let v = violations.first {
            throw Failure(.refused, "feature set '\(name)' fails the look-ahead check: \(v) — refusing to use it")
        }
    }

    /// The set's reference symbol, if it has one.
    public func referenceSymbol() throws -> Symbol? { try reference.map(Symbol.init) }
}
