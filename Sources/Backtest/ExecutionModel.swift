/// The simulated venue: costs, slippage and limits.
public struct ExecutionModel: Sendable, Equatable, Codable {
    /// Taker fee as a fraction of notional (Bybit linear default 0.055 %).
    public var takerFee: Double = 0.00055
    /// Slippage in basis points of the fill price, against the trader.
    public var slippageBps: Double = 1
    /// Extra slippage as a share of the bar's high − low range, against the trader.
    public var rangeShare: Double = 0
    /// Largest absolute exposure, as a multiple of equity (1 = no leverage).
    public var maxExposure: Double = 1
    /// Whether negative targets (short positions) are allowed.
    public var allowShort: Bool = false

    public init(takerFee: Double = 0.00055, slippageBps: Double = 1, rangeShare: Double = 0, maxExposure: Double = 1, allowShort: Bool = false) {
        self.takerFee = takerFee
        self.slippageBps = slippageBps
        self.rangeShare = rangeShare
        self.maxExposure = maxExposure
        self.allowShort = allowShort
    }

    /// Price paid (buying) or received (selling) at a bar's open: slippage moves it against the
    /// trader, and it never leaves the bar's [low, high] range.
    @inline(__always) public func fillPrice(buying: Bool, open: Double, high: Double, low: Double) -> Double {
        let slip = open * slippageBps * 1e-4 + rangeShare * (high - low)
        return buying ? min(high, open + slip) : max(low, open - slip)
    }

    /// A target exposure clamped to the limits.
    @inline(__always) public func clamp(_ target: Double) -> Double {
        let t = target.isFinite ? target : 0
        return min(maxExposure, max(allowShort ? -maxExposure : 0, t))
    }
}
