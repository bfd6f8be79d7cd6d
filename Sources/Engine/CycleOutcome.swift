import Foundation
import Market
import Risk

/// Everything one bar-time did: what each strategy saw and wanted, what the risk manager said,
/// what was sent and what filled, and the equity after. The service stores it in one transaction.
public struct CycleOutcome: Sendable {
    /// A strategy's decision at this close.
    public struct Signal: Sendable, Equatable {
        public let strategy: Int
        public let probability: Double
        public let threshold: Double
        public let target: Double
    }

    /// A netted order the strategies wanted on one instrument, and what became of it.
    public struct Intent: Sendable, Equatable {
        public let instrument: Int
        /// Signed, in quantity steps.
        public let requestedSteps: Int64
        public let approvedSteps: Int64
        public let decision: Decision
    }

    public enum Decision: String, Sendable, Equatable {
        case sent, resized, vetoed
        /// Under the instrument's minimum quantity or notional: not sent.
        case belowMinimum = "below_minimum"
        /// Opposite strategy orders cancelled out; crossed inside the account, nothing sent.
        case netted
    }

    /// An order that was not sent because it was under the instrument's minimums.
    public struct Skipped: Sendable, Equatable {
        public let instrument: Int
        public let steps: Int64
        public let quantity: Decimal
        public let notional: Double
        public let reason: String
    }

    public internal(set) var timeMs: Int64 = 0
    public internal(set) var signals: [Signal] = []
    public internal(set) var intents: [Intent] = []
    public internal(set) var riskEvents: [RiskEvent] = []
    public internal(set) var orders: [Order] = []
    public internal(set) var skipped: [Skipped] = []
    public internal(set) var fills: [Fill] = []
    /// Open orders cancelled at this bar-time (an operator's halt), before anything filled.
    public internal(set) var cancelled: [Order] = []
    /// The operator commands applied at this bar-time.
    public internal(set) var commands: [OperatorCommand] = []
    /// Mark-to-market equity at this close.
    public internal(set) var equity: Double = 0
    public internal(set) var trading: TradingState = .active
    /// Whether the allocation weights were re-estimated at this bar-time.
    public internal(set) var rebalanced = false

    public init() {}

    mutating func reset(_ t: Int64) {
        timeMs = t
        signals.removeAll(keepingCapacity: true)
        intents.removeAll(keepingCapacity: true)
        riskEvents.removeAll(keepingCapacity: true)
        orders.removeAll(keepingCapacity: true)
        skipped.removeAll(keepingCapacity: true)
        fills.removeAll(keepingCapacity: true)
        if !cancelled.isEmpty { cancelled.removeAll() }
        if !commands.isEmpty { commands.removeAll() }
        rebalanced = false
    }
}
