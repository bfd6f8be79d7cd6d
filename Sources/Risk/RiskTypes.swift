import Market

/// What the service may do: everything, only reduce exposure, or nothing but cancel.
public enum TradingState: String, Sendable, Equatable, Codable {
    case active = "ACTIVE"
    case reducing = "REDUCING"
    case halted = "HALTED"
}

/// Machine-readable reason codes for vetoes, resizes and state changes.
public enum RiskRule: String, Sendable, Equatable, Codable, CaseIterable {
    case halted = "halted"
    case reducingOnly = "reducing_only"
    case killSwitch = "kill_switch"
    case operatorResume = "operator_resume"
    case newDay = "new_utc_day"
    case maxDrawdown = "max_drawdown"
    case maxDailyLoss = "max_daily_loss"
    case maxCorrelation = "max_correlation"
    case maxPosition = "max_position"
    case maxGrossExposure = "max_gross_exposure"
    case maxDailyTrades = "max_daily_trades"
    case maxOrderNotional = "max_order_notional"
    case priceBand = "price_band"
    case noMarketPrice = "no_market_price"
    case invalidOrder = "invalid_order"
    case noEquity = "no_equity"
    /// The live feed is behind: no new exposure on old prices until it recovers.
    case feedStale = "feed_stale"
    /// `mlbot control pause`: exits only, until resumed.
    case operatorPause = "operator_pause"
    /// `mlbot control halt`: nothing new, open orders cancelled, until resumed.
    case operatorHalt = "operator_halt"
    /// `mlbot control flatten`: every position closed, then exits only until resumed.
    case operatorFlatten = "operator_flatten"
}

/// One number behind a decision, by name (kept in order, so events print and compare stably).
public struct RiskFigure: Sendable, Equatable, Codable {
    public let name: String
    public let value: Double
    public init(_ name: String, _ value: Double) { self.name = name; self.value = value }
}

/// A refusal (or a resize): the rule, the numbers that tripped it, and a sentence.
public struct RiskFinding: Sendable, Equatable, Codable {
    public let rule: RiskRule
    public let figures: [RiskFigure]
    public let message: String
}

/// The risk manager's answer to one order.
public enum RiskDecision: Sendable, Equatable {
    case pass
    /// Allowed at a smaller quantity, because of `finding` (only for rules configured to resize).
    case resize(quantity: Double, finding: RiskFinding)
    case veto(RiskFinding)

    public var approvedQuantity: Double? {
        switch self {
        case .pass: return nil
        case .resize(let q, _): return q
        case .veto: return 0
        }
    }
}

/// A state change or a refusal, with when and why: what the service stores.
public struct RiskEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case stateChange = "state_change", veto, resize }
    public let timeMs: Int64
    public let kind: Kind
    public let from: TradingState?
    public let to: TradingState?
    public let finding: RiskFinding
}

/// Prices and return correlations of the instruments, by index.
public struct MarketSnapshot: Sendable {
    public let instruments: [String]
    public let lastPrice: [Double]
    /// Row-major n × n rolling correlation of returns (NaN where unknown).
    public let correlation: [Double]
    /// The prices come from a feed that is behind (live only): entries are refused, exits pass.
    public var staleFeed = false

    public init(instruments: [String], lastPrice: [Double], correlation: [Double]) {
        precondition(lastPrice.count == instruments.count && correlation.count == instruments.count * instruments.count, "snapshot shapes")
        self.instruments = instruments; self.lastPrice = lastPrice; self.correlation = correlation
    }

    @inline(__always) public func correlation(_ i: Int, _ j: Int) -> Double { correlation[i * instruments.count + j] }
}

/// Cash and signed position quantities per instrument index.
public struct PortfolioSnapshot: Sendable, Equatable {
    public var cash: Double
    public var positions: [Double]

    public init(cash: Double, positions: [Double]) {
        self.cash = cash
        self.positions = positions
    }

    /// Mark-to-market equity: cash plus every open position at the last price.
    public func equity(_ m: MarketSnapshot) -> Double {
        var e = cash
        for i in positions.indices where positions[i] != 0 { e += positions[i] * m.lastPrice[i] }
        return e
    }
}

/// What the risk manager remembers between bars.
public struct RiskState: Sendable, Equatable, Codable {
    public var trading: TradingState
    /// Why the state is not ACTIVE.
    public var cause: RiskRule?
    public var highWaterMark: Double
    public var dayStartEquity: Double
    /// UTC day number (ms since epoch ÷ 86,400,000) of the current trading day.
    public var day: Int64
    public var tradesToday: Int

    public init(equity: Double, timeMs: Int64) {
        trading = .active; cause = nil; highWaterMark = equity; dayStartEquity = equity
        day = RiskState.utcDay(timeMs); tradesToday = 0
    }

    @inline(__always) public static func utcDay(_ ms: Int64) -> Int64 { ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000 }
}
