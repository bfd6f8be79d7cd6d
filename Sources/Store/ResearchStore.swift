import Foundation
import Market

/// The research data every backend holds: bars, the model registry, strategies, backtests and
/// discovery. SQLite (`DataStore`) holds it beside the service's ledger; PostgreSQL
/// (`PostgresStore`) holds only this, for workers on several machines.
public protocol ResearchStore: AnyObject, Sendable {
    associatedtype Bars: ResearchBars
    associatedtype Models: ResearchModels
    associatedtype Strategies: ResearchStrategies
    associatedtype Backtests: ResearchBacktests
    associatedtype Discovery: ResearchDiscovery

    /// Where the store is, as messages name it (a file path, or a postgres:// address without its password).
    var location: String { get }
    var bars: Bars { get }
    var models: Models { get }
    var strategies: Strategies { get }
    var backtests: Backtests { get }
    var discovery: Discovery { get }
    /// Identifiers of the migrations applied, oldest first.
    func appliedMigrations() throws -> [String]
}

/// Bars as research reads and writes them.
public protocol ResearchBars: Sendable {
    func write(_ batches: [BarSeries], policy: ConflictPolicy) throws -> BarWriteReport
    func series(symbol: Symbol, interval: Interval, from: Int64?, to: Int64?) throws -> BarSeries
    func coverage() throws -> [BarCoverage]
    func totalCount() throws -> Int
    func count(symbol: Symbol, interval: Interval) throws -> Int
    func lastOpenTime(symbol: Symbol, interval: Interval) throws -> Int64?
    /// Where a download from `from` continues (see `BarRepository.resumePoint`).
    func resumePoint(symbol: Symbol, interval: Interval, from: Int64) throws -> Int64
}

extension ResearchBars {
    /// One series' bars in one transaction.
    @discardableResult
    public func write(_ bars: [Bar], symbol: Symbol, interval: Interval, policy: ConflictPolicy = .keepExisting) throws -> BarWriteReport {
        try write([BarSeries(symbol: symbol, interval: interval, bars: bars)], policy: policy)
    }
}

/// The model registry. On PostgreSQL an entry's `path` is the local copy of its artifact,
/// written from the database when missing or different.
public protocol ResearchModels: Sendable {
    func nextVersion(_ name: String) throws -> Int
    /// Registers a version whose artifact is in the folder `e.path`.
    func register(_ e: ModelEntry, activate: Bool) throws
    func list(name: String?) throws -> [ModelEntry]
    func entry(_ name: String, version: Int?) throws -> ModelEntry
    func promote(_ name: String, version: Int) throws
    func delete(_ name: String, version: Int) throws -> ModelEntry
}

/// Strategies and their status history.
public protocol ResearchStrategies: Sendable {
    func save(_ r: StrategyRecord, replace: Bool, reason: String) throws
    func exists(_ name: String) throws -> Bool
    func get(_ name: String) throws -> StrategyRecord
    func list(status: StrategyRecord.Status?) throws -> [StrategyRecord]
    func setStatus(_ name: String, from expected: StrategyRecord.Status, to status: StrategyRecord.Status, timeMs: Int64, reason: String) throws
    func events(_ name: String) throws -> [StrategyEvent]
}

/// Stored backtests of strategies.
public protocol ResearchBacktests: Sendable {
    @discardableResult func save(_ r: BacktestRecord) throws -> Int64
    func latest(strategy: String) throws -> BacktestRecord?
    func backtest(id: Int64) throws -> BacktestRecord?
}

/// Discovery runs, their candidates, and the rungs and claims that shard a run over workers.
public protocol ResearchDiscovery: Sendable {
    func run(_ id: String) throws -> DiscoveryRunRecord?
    func runs() throws -> [DiscoveryRunRecord]
    func create(_ r: DiscoveryRunRecord) throws
    func candidates(run: String, rung: Int?) throws -> [CandidateRecord]
    func complete(run: String, trials: Int, ranking: [CandidateRecord], finishedMs: Int64) throws
    func openRung(run: String, rung: Int, keys: [Int], worker: String, nowMs: Int64) throws -> [Int]
    func completeRung(run: String, rung: Int, worker: String, nowMs: Int64) throws
    func claim(run: String, rung: Int, keys: [Int], worker: String, session: String, nowMs: Int64, leaseMs: Int64) throws -> ClaimAnswer
    func renew(_ claims: [Int64], untilMs: Int64) throws
    func finish(_ claim: DiscoveryClaim, candidates: [CandidateRecord], nowMs: Int64) throws
    func release(_ claim: DiscoveryClaim, nowMs: Int64) throws
    func claims(run: String) throws -> [ClaimRecord]
    func rungs(run: String) throws -> [RungRecord]
    func doneKeys(run: String) throws -> [Int: Set<Int>]
}

extension DataStore: ResearchStore {
    public var location: String { path }
}
extension BarRepository: ResearchBars {}
extension ModelRepository: ResearchModels {}
extension StrategyRepository: ResearchStrategies {}
extension BacktestRepository: ResearchBacktests {}
extension DiscoveryRepository: ResearchDiscovery {}
