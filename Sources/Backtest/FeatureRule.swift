/// A signal from feature outputs instead of a model, e.g. EMA(10)/EMA(50) − 1 above 0: the
/// baselines the seed bots run, through the same gate, allocator, risk and broker. The rule's
/// "probability" is 1 when the condition holds, 0 when its opposite holds, 0.5 otherwise, so a
/// threshold in (0.5, 1] enters on the condition and shorts (when allowed) on the opposite.
public struct FeatureRule: Sendable, Equatable, Codable {
    public enum Condition: String, Sendable, Equatable, CaseIterable, Codable {
        /// Long while the feature is above `level`, short while below.
        case above
        /// Long while below `level` (mean reversion), short while above.
        case below
        /// Long below `lower`, short above `upper`, neutral between (RSI bands, %B).
        case band
    }

    public var condition: Condition
    public var feature: String
    public var level: Double
    public var upper: Double

    public init(_ condition: Condition, feature: String, level: Double, upper: Double? = nil) {
        self.condition = condition
        self.feature = feature
        self.level = level
        self.upper = upper ?? level
    }

    @inline(__always) public func probability(_ x: Double) -> Double {
        guard x.isFinite else { return .nan }
        switch condition {
        case .above: return x > level ? 1 : (x < level ? 0 : 0.5)
        case .below: return x < level ? 1 : (x > level ? 0 : 0.5)
        case .band: return x < level ? 1 : (x > upper ? 0 : 0.5)
        }
    }
}
