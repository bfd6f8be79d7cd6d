import Risk

/// What the operator can change while the engine runs, read once per bar as one versioned value:
/// the cycle never reads a clock or a file, so a control change takes effect on the next bar.
public struct EngineSettings: Sendable, Equatable {
    /// Increases with every change (the control center writes new versions).
    public var version: Int
    /// A global confidence threshold over every strategy's own (nil: each strategy's own).
    public var confidence: Double?
    /// Per-strategy thresholds, over the global one.
    public var strategyConfidence: [String: Double]
    public var risk: RiskLimits
    /// How capital is split between strategies (nil: the allocator's configured method).
    public var portfolioMethod: PortfolioSettings.Method?
    /// Strategies the operator disabled: no new entries, exits still pass.
    public var disabled: Set<String>

    public init(version: Int = 1, confidence: Double? = nil, strategyConfidence: [String: Double] = [:], risk: RiskLimits = RiskLimits(),
                portfolioMethod: PortfolioSettings.Method? = nil, disabled: Set<String> = []) {
        self.version = version
        self.confidence = confidence
        self.strategyConfidence = strategyConfidence
        self.risk = risk
        self.portfolioMethod = portfolioMethod
        self.disabled = disabled
    }

    /// Version 1: the config file's limits and method over the built-in defaults.
    public init(config: MlbotConfig) {
        self.init(risk: config.risk, portfolioMethod: config.portfolio.method)
    }
}

/// The threshold a strategy trades at: its per-strategy override, else the global setting, else its own.
public enum ConfidenceGate {
    @inline(__always)
    public static func threshold(strategy: String, own: Double, settings: EngineSettings) -> Double {
        if settings.strategyConfidence.isEmpty && settings.confidence == nil { return own }
        return settings.strategyConfidence[strategy] ?? settings.confidence ?? own
    }
}
