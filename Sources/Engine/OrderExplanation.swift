import Foundation
import Market
import Store

/// Why an order exists: the order and its fills, and for each strategy whose wish it nets, that
/// strategy's signal at the decision bar (probability, threshold, target, the hash of the bars it
/// saw, the settings version), what it decides with (feature set and hash, model and weights
/// hash, spec hash), and the risk manager's events at that bar with their figures.
public struct OrderExplanation: Sendable, Codable, Equatable {
    public struct Contribution: Sendable, Codable, Equatable {
        public let strategy: String
        public let steps: Int64
        public let probability: Double?
        public let threshold: Double?
        public let target: Double?
        public let barsHash: String?
        public let settingsVersion: Int?
        public let featureSet: String?
        public let featureHash: String?
        public let model: String?
        public let weightsSha256: String?
        public let specHash: String?
    }

    public struct RiskEvent: Sendable, Codable, Equatable {
        public let kind: String, rule: String, message: String, figures: String
    }

    public let order: OrderRow
    public let fills: [FillRow]
    public let contributions: [Contribution]
    public let riskEvents: [RiskEvent]

    struct StoredShare: Decodable { let strategy: String; let steps: Int64 }

    public static func explain(_ id: String, store: DataStore, engine: String = "paper") throws -> OrderExplanation {
        guard let order = try store.ledger.order(id) else { throw Failure(.notFound, "no order with client order id '\(id)' in \(store.path)") }
        let shares = try StoredJSON.decode([StoredShare].self, from: order.contributions)
        let signals = Dictionary(try store.ledger.signals(at: order.decidedMs).map { ($0.strategy, $0) }, uniquingKeysWith: { a, _ in a })
        let lineage = Dictionary(try store.ledger.lineage(engine: engine).map { ($0.strategy, $0) }, uniquingKeysWith: { a, _ in a })
        // The model that decided is the session's first, or the last one swapped in by then.
        let swaps = try store.jobs.swaps(engine: engine).filter { $0.status == "swapped" && $0.barMs <= order.decidedMs }
        let contributions = shares.map { s in
            let sig = signals[s.strategy], l = lineage[s.strategy]
            let swap = swaps.last { $0.strategy == s.strategy }
            return Contribution(strategy: s.strategy, steps: s.steps, probability: sig?.probability, threshold: sig?.threshold, target: sig?.target,
                                barsHash: sig?.barsHash, settingsVersion: sig?.settingsVersion, featureSet: l?.featureSet, featureHash: l?.featureHash,
                                model: swap?.toModel ?? l?.model, weightsSha256: swap.map { $0.weightsSha256 } ?? l?.weightsSha256, specHash: l?.specHash)
        }
        let events = try store.ledger.riskEvents(at: order.decidedMs).map { RiskEvent(kind: $0.kind, rule: $0.rule, message: $0.message, figures: $0.figures) }
        return OrderExplanation(order: order, fills: try store.ledger.fills(order: id), contributions: contributions, riskEvents: events)
    }
}
