import ConfigFormat

/// The `strategies:` section of `config/mlbot.yaml`: when a strategy may graduate.
public struct GraduationRules: Sendable, Equatable {
    /// candidate → paper needs a deflated Sharpe ratio of at least this.
    public var minDSR: Double
    /// paper → live needs at least this many days on paper…
    public var paperDays: Double
    /// …with the paper drawdown never beyond this fraction of peak equity.
    public var maxPaperDrawdown: Double

    public init(minDSR: Double = 0.95, paperDays: Double = 14, maxPaperDrawdown: Double = 0.10) {
        self.minDSR = minDSR
        self.paperDays = paperDays
        self.maxPaperDrawdown = maxPaperDrawdown
    }

    /// Reads the section; absent keys keep their defaults.
    public static func parse(_ st: YAMLMap) throws -> GraduationRules {
        try st.requireOnly(["min_dsr", "paper_days", "max_paper_drawdown"])
        let d = GraduationRules()
        return GraduationRules(minDSR: try st.double("min_dsr", range: 0...1) ?? d.minDSR,
                               paperDays: try st.double("paper_days", range: 0...3650) ?? d.paperDays,
                               maxPaperDrawdown: try st.double("max_paper_drawdown", range: 0...1) ?? d.maxPaperDrawdown)
    }
}
