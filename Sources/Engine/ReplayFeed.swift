import Foundation
import Market

/// What one run of the service did, for its closing summary.
public struct ServiceSummary: Sendable {
    public var barTimes = 0
    public var firstMs: Int64?
    public var lastMs: Int64?
    public var orders = 0
    /// The first order committed in this run (for `mlbot orders explain`).
    public var firstOrderID: String?
    public var fills = 0
    public var vetoes: [String: Int] = [:]
    public var resizes: [String: Int] = [:]
    public var equity = 0.0
    public var strategyPnL: [(name: String, pnl: Double)] = []
    /// True when it stopped on request before the bars ran out.
    public var interrupted = false

    /// Counts one committed bar-time.
    mutating func add(_ out: CycleOutcome) {
        barTimes += 1
        firstMs = firstMs ?? out.timeMs
        lastMs = out.timeMs
        orders += out.orders.count
        if firstOrderID == nil { firstOrderID = out.orders.first?.id.value }
        fills += out.fills.count
        for e in out.riskEvents {
            switch e.kind {
            case .veto: vetoes[e.finding.rule.rawValue, default: 0] += 1
            case .resize: resizes[e.finding.rule.rawValue, default: 0] += 1
            default: break
            }
        }
    }

    /// The closing figures, from the service's state when it stopped.
    mutating func close(_ service: PaperService, interrupted: Bool) {
        self.interrupted = interrupted
        equity = service.state.ledger.equity(service.state.lastClose)
        strategyPnL = service.strategies.indices.map { (service.strategies[$0].name, service.state.pnl(strategy: $0)) }
    }
}

/// The replay feed: the stored bars, as fast as possible (`speed` nil) or `speed`× real time
/// (one bar interval of wall time ÷ speed between bar-times).
public enum ReplayFeed {
    /// `onBar` sees each committed outcome, the state after it and how long the bar took from
    /// its arrival to its commit.
    public static func run(_ service: PaperService, speed: Double?, shouldStop: () -> Bool,
                           sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
                           onBar: (CycleOutcome, EngineState, Duration) -> Void = { _, _, _ in }) throws -> ServiceSummary {
        var s = ServiceSummary()
        let pause = speed.map { Double(service.strategies[0].interval.milliseconds) / 1000 / $0 }
        let clock = ContinuousClock()
        while !shouldStop() {
            let began = clock.now
            guard let out = try service.step() else { break }
            guard out.timeMs >= service.session.startMs else { continue }
            onBar(out, service.state, clock.now - began)
            s.add(out)
            if let pause { sleep(pause) }
        }
        s.close(service, interrupted: shouldStop())
        return s
    }
}
