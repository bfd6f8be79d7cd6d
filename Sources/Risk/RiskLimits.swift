/// The global limits (config `risk:`; every one changeable at runtime later).
public struct RiskLimits: Sendable, Equatable, Codable {
    /// What a breached drawdown limit switches to.
    public enum DrawdownAction: String, Sendable, Equatable, Codable { case reducing, halted }

    /// Drawdown from the equity high-water mark that stops new risk.
    public var maxDrawdown: Double = 0.15
    public var drawdownAction: DrawdownAction = .reducing
    /// Loss from the UTC day's starting equity that allows only reducing orders until the next day.
    public var maxDailyLoss: Double = 0.05
    /// Return correlation above which two same-direction positions count as one risk…
    public var maxCorrelation: Double = 0.8
    /// …whose combined notional (fraction of equity) must stay under this.
    public var maxCorrelatedExposure: Double = 0.15
    /// Bars of returns the correlations are measured over (used by whoever builds the snapshot).
    public var correlationWindow: Int = 240
    /// Largest position notional per instrument, as a fraction of equity.
    public var maxPosition: Double = 0.10
    /// Largest sum of |position notional| over instruments, as a fraction of equity.
    public var maxGrossExposure: Double = 1.0
    /// New exposure-adding orders per UTC day.
    public var maxDailyTrades: Int = 50
    /// Largest notional of one order (account currency).
    public var maxOrderNotional: Double = 100_000
    /// A limit price further than this fraction from the last price is refused.
    public var priceBand: Double = 0.05
    /// Rules that shrink an order to fit instead of refusing it.
    public var resize: Set<RiskRule> = []

    public init() {}
}
