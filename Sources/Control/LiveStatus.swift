import Foundation
import Market
import Risk
import Synchronization

/// What the running service looks like after its last committed bar: written by the loop once
/// per bar, read by the HTTP handlers at any time.
public struct ServiceSnapshot: Sendable, Codable, Equatable {
    /// One strategy as /status and /strategies show it.
    public struct Strategy: Sendable, Codable, Equatable {
        public let name: String
        public let symbol: String
        public let interval: String
        /// `name@version` of the registered model, nil for a rule strategy.
        @NullWhenAbsent public var model: String?
        @NullWhenAbsent public var modelCreatedMs: Int64?
        /// The last bar the model was trained on: its age is the bar time since.
        @NullWhenAbsent public var modelTrainedThroughMs: Int64?
        /// Past `models.max_age`: exits only until a fresher model is promoted.
        public var modelExpired = false
        public let tradingFromMs: Int64
        @NullWhenAbsent public var lastProbability: Double?
        @NullWhenAbsent public var lastTarget: Double?
        /// The confidence threshold the last signal was judged against (the settings in force).
        @NullWhenAbsent public var lastThreshold: Double?
        /// Whether the operator left it enabled (a disabled one only exits).
        public var enabled = true
        public var pnl: Double
        /// Its share of the portfolio (the allocator's weight at the last bar).
        @NullWhenAbsent public var allocation: Double?

        public init(name: String, symbol: String, interval: String, model: String?, modelCreatedMs: Int64?, modelTrainedThroughMs: Int64? = nil,
                    tradingFromMs: Int64) {
            self.name = name; self.symbol = symbol; self.interval = interval; self.model = model
            self.modelCreatedMs = modelCreatedMs; self.modelTrainedThroughMs = modelTrainedThroughMs; self.tradingFromMs = tradingFromMs; pnl = 0
        }
    }

    public var mode: String
    public var feed: String
    public var database: String
    public var startedMs: Int64
    /// The warm-up (rebuild) is done and bars are being committed.
    public var warm = false
    public var trading: TradingState = .active
    public var tradingCause: String?
    public var equity: Double
    public var dayStartEquity: Double
    public var highWaterMark: Double
    public var maxDrawdown: Double
    public var maxDailyLoss: Double
    public var confidence: Double?
    /// The settings version in force at the last bar (1: the config's; each stored change adds one).
    public var settingsVersion = 1
    public var lastBarMs: Int64?
    /// Wall-clock time the last bar was committed (for the feed lag).
    public var lastCommitMs: Int64?
    public var barTimes = 0
    public var strategies: [Strategy]
    /// The last close of each traded symbol (what open positions are marked at).
    public var marks: [String: Double] = [:]
    /// True once a replay reached its end.
    public var finished = false
    /// A live feed that is behind (no closed bar for 2 intervals), and why.
    public var feedStale = false
    @NullWhenAbsent public var feedDetail: String?

    public init(mode: String, feed: String, database: String, startedMs: Int64, equity: Double, maxDrawdown: Double, maxDailyLoss: Double,
                confidence: Double?, strategies: [Strategy]) {
        self.mode = mode; self.feed = feed; self.database = database; self.startedMs = startedMs; self.equity = equity
        dayStartEquity = equity; highWaterMark = equity; self.maxDrawdown = maxDrawdown; self.maxDailyLoss = maxDailyLoss
        self.confidence = confidence; self.strategies = strategies
    }

    /// Seconds behind: a live feed's from the newest bar's close, a replay's from its last commit.
    public func lagSeconds(nowMs: Int64, intervalMs: Int64) -> Double? {
        if feed != "replay", let bar = lastBarMs { return Double(nowMs - bar - intervalMs) / 1000 }
        return lastCommitMs.map { Double(nowMs - $0) / 1000 }
    }

    public var drawdown: Double { highWaterMark > 0 ? max(0, 1 - equity / highWaterMark) : 0 }
    public var pnlToday: Double { equity - dayStartEquity }
}

/// The snapshot behind a lock: one writer (the loop), many readers (the handlers).
public final class LiveStatus: Sendable {
    private let box: Mutex<ServiceSnapshot>

    public init(_ initial: ServiceSnapshot) { box = Mutex(initial) }

    public var snapshot: ServiceSnapshot { box.withLock { $0 } }

    public func update(_ body: (inout ServiceSnapshot) -> Void) { box.withLock { body(&$0) } }
}
