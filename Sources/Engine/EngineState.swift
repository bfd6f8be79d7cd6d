import ConfigFormat
import Foundation
import Market
import Risk

/// Everything the bar cycle carries from one bar-time to the next: the strategies' runtimes, the
/// account and its sub-ledgers, the broker's open orders, the allocator, the risk state and the
/// correlations. One owner steps it; nothing else mutates it.
public struct EngineState {
    /// Every symbol the cycle sees: traded ones and reference-only ones.
    public let instruments: [Instrument]
    public let names: [String]
    public let strategies: [StrategyRuntime]
    /// Instrument index of each strategy's symbol, and of its reference symbol (−1: none).
    let symbolOf: [Int]
    let referenceOf: [Int]
    /// Strategies trading each instrument.
    let strategiesOn: [[Int]]
    public internal(set) var ledger: Ledger
    public internal(set) var books: [SubLedger]
    /// Quantity each strategy wants held (steps); equals its book's position except between a
    /// decision and its fill.
    var desired: [Int64]
    var previousTarget: [Double]
    public internal(set) var broker: any Broker
    public internal(set) var allocator: Allocator
    public internal(set) var risk: RiskState
    var correlation: RollingCorrelation
    /// Scratch for the correlation row of the instrument being checked.
    var correlationRow: [Double]
    public internal(set) var lastClose: [Double]
    var lastLogClose: [Double]
    var returnsRow: [Double]
    var pnlBefore: [Double]
    var strategyReturns: [Double]
    /// Strategy contributions to each order in flight, for attributing its fill.
    var contributions: [ClientOrderID: [(strategy: Int, steps: Int64)]] = [:]
    /// Open time of the last bar-time stepped.
    public internal(set) var lastTimeMs: Int64 = .min

    /// Names of the strategies whose wishes an order in flight (or just decided) nets.
    public func contributors(of id: ClientOrderID) -> [String] {
        (contributions[id] ?? []).map { strategies[$0.strategy].name }
    }


    public init(instruments: [Instrument], strategies: [StrategyRuntime], broker: any Broker, allocation: PortfolioSettings,
                initialCash: Money, limits: RiskLimits, startMs: Int64, weights: [Double]? = nil) throws {
        let names = instruments.map(\.symbol.name)
        guard Set(names).count == names.count else { throw Failure(.badInput, "each instrument once") }
        func index(_ s: Symbol) throws -> Int {
            guard let i = names.firstIndex(of: s.name) else { throw Failure(.badInput, "no instrument for \(s.name)") }
            return i
        }
        self.instruments = instruments
        self.names = names
        self.strategies = strategies
        symbolOf = try strategies.map { try index($0.symbol) }
        referenceOf = try strategies.map { s in try s.reference.map(index) ?? -1 }
        var on = [[Int]](repeating: [], count: instruments.count)
        for (s, i) in symbolOf.enumerated() { on[i].append(s) }
        strategiesOn = on
        ledger = Ledger(instruments: instruments, initialCash: initialCash)
        books = [SubLedger](repeating: SubLedger(), count: strategies.count)
        desired = [Int64](repeating: 0, count: strategies.count)
        previousTarget = [Double](repeating: 0, count: strategies.count)
        self.broker = broker
        allocator = Allocator(strategies: strategies.count, settings: allocation, weights: weights)
        risk = RiskState(equity: initialCash.doubleValue, timeMs: startMs)
        correlation = RollingCorrelation(instruments: instruments.count, window: max(2, limits.correlationWindow))
        correlationRow = [Double](repeating: .nan, count: instruments.count * instruments.count)
        lastClose = [Double](repeating: .nan, count: instruments.count)
        lastLogClose = lastClose
        returnsRow = [Double](repeating: 0, count: instruments.count)
        pnlBefore = [Double](repeating: 0, count: strategies.count)
        strategyReturns = pnlBefore
    }

    /// Strategy `s`'s P&L at the last close of its symbol.
    public func pnl(strategy s: Int) -> Double {
        let i = symbolOf[s], close = lastClose[i]
        return books[s].pnl(close: close.isNaN ? 0 : close, step: instruments[i].step)
    }

    public func instrumentIndex(ofStrategy s: Int) -> Int { symbolOf[s] }
}
