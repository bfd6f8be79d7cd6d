import Foundation
import GRDB
import Hashing
import Learning
import Market
import Risk
import Store

/// What a service session is: the strategies it trades and where it started. A restart must be
/// the same session, or its ledger would mix two runs.
public struct ServiceSession: Sendable, Equatable, Codable {
    public let strategies: [String]
    public let startMs: Int64
    public let from: Int64?
}

/// The cursor's state column: the session and the risk state after the last committed bar.
struct ServiceCursorState: Codable {
    let session: ServiceSession
    let risk: RiskState

    /// `StoredJSON` of the whole value (sorted keys: risk, then session), with the session's part
    /// encoded once per service instead of at every bar.
    static func json(risk: RiskState, sessionJSON: String) throws -> String {
        "{\"risk\":" + (try StoredJSON.encode(risk)) + ",\"session\":" + sessionJSON + "}"
    }
}

/// A paper strategy's running record (what `strategies promote --to live` reads).
struct PaperRecord {
    var bars = 0
    var pnl = 0.0
    var peak = 0.0
    var maxDrawdown = 0.0

    /// A strategy's own equity is the account's starting equity plus its attributed P&L.
    mutating func add(equity: Double, initial: Double) {
        bars += 1
        pnl = equity - initial
        peak = max(peak, equity)
        if peak > 0 { maxDrawdown = max(maxDrawdown, (peak - equity) / peak) }
    }
}

/// The paper service's loop body: the strategies prepared exactly as `backtest --mode model`
/// prepares them, `BarCycle` stepped over each closed bar-time, and each bar-time's outcome
/// committed in one transaction with the cursor and the paper records. Starting again on the same
/// store rebuilds the state by stepping the committed bar-times again without writing (the cycle
/// is deterministic), checks the rebuilt equity against the stored one, and continues after the
/// cursor: no bar is lost or done twice.
public final class PaperService {
    public let store: DataStore
    public let engine: String
    public let strategies: [PreparedStrategy]
    public let session: ServiceSession
    public private(set) var state: EngineState
    /// The settings in force (the config's, with the stored changes applied so far).
    public private(set) var settings: EngineSettings
    /// Told by the control API when it stored a change or a command.
    public let inbox: ControlInbox
    private var seenInbox = -1
    private var pendingChanges: [SettingChange] = []
    private var pendingCommands: [(id: Int64, command: OperatorCommand)] = []
    /// The last bar-time committed before this process started (nil: a fresh session).
    public let resumedAfterMs: Int64?
    /// How long the last step spent deciding (the cycle: bar in → orders out) and committing.
    public private(set) var lastDecision: Duration = .zero
    public private(set) var lastCommit: Duration = .zero
    private let clock = ContinuousClock()
    private var chains: [BarsHashChain]
    private let sessionJSON: String
    private var merged: MergedBars
    private let to: Int64
    private var out = CycleOutcome()
    private var paper: [PaperRecord]
    private let isPaper: [Bool]
    private let initialEquity: Double
    /// The instruments stepped (traded symbols, then references), in slot order.
    public let instruments: [Symbol]
    private var swapper: ModelSwapper
    private var seenRegistryGeneration = -1
    private var lastRegistryCheck: ContinuousClock.Instant
    /// Swaps and refusals made at the last step (committed with it).
    public private(set) var lastSwaps: [ModelSwapRow] = []
    private var shadows = ShadowBook()
    /// Shadows decided at the last step: (strategy, promoted or refused, why).
    public private(set) var lastShadowDecisions: [(strategy: String, status: String, reason: String)] = []
    /// Which strategies' models are past their age limit (exits only), and the last step's changes of it.
    public private(set) var expired: [Bool]
    public private(set) var lastExpiryEvents: [ServiceEventRow] = []

    public init(store: DataStore, config: MlbotConfig, catalog: InstrumentCatalog, job: BacktestJob, engine: String = "paper",
                inbox: ControlInbox = ControlInbox()) throws {
        var job = job
        job.mode = .model
        self.store = store
        self.engine = engine
        self.inbox = inbox
        let cursor = try store.ledger.cursor(engine)
        if cursor != nil {
            // A restart trades the models its session started with, then re-applies its swaps.
            for row in try store.ledger.lineage(engine: engine) {
                if let m = row.model, let ref = try? ModelReference(parsing: m, requireVersion: true) { job.modelVersions[row.strategy] = ref.version }
            }
        }
        strategies = try job.prepare(store: store, config: config)
        swapper = ModelSwapper(engine: engine, strategies: strategies)
        expired = [Bool](repeating: false, count: strategies.count)
        lastRegistryCheck = clock.now
        settings = EngineSettings(config: config)
        let (initial, series, startMs) = try StrategyBacktest.initialState(strategies, catalog: catalog, config: config, settings: settings)
        state = initial
        session = ServiceSession(strategies: strategies.map(\.name), startMs: startMs, from: job.from)
        sessionJSON = try StoredJSON.encode(session)
        merged = MergedBars(series)
        instruments = series.map(\.symbol)
        chains = [BarsHashChain](repeating: BarsHashChain(), count: series.count)
        to = job.to ?? .max
        initialEquity = config.portfolio.initialEquity
        paper = [PaperRecord](repeating: PaperRecord(), count: strategies.count)
        let statuses = Dictionary(uniqueKeysWithValues: try store.strategies.list().map { ($0.name, $0.status) })
        isPaper = strategies.map { statuses[$0.name] == .paper }

        guard let cursor else { resumedAfterMs = nil; try recordLineage(); return }
        let stored = try StoredJSON.decode(ServiceCursorState.self, from: cursor.state)
        guard stored.session == session else {
            throw Failure(.conflict, "\(store.path) holds the \(engine) ledger of another session (strategies \(stored.session.strategies.joined(separator: ", ")), "
                          + "trading from \(UTCTime.iso(stored.session.startMs))); this one trades \(session.strategies.joined(separator: ", ")) "
                          + "from \(UTCTime.iso(session.startMs)). Use another database, or the same strategies and --from")
        }
        resumedAfterMs = cursor.lastBarMs
        // Rebuild: the same steps, nothing written. A bar stepped on a stale feed differs only by
        // its feed_stale vetoes, so the bars holding one are stepped stale again; the settings and
        // commands in force at each bar are the ones recorded as applied there.
        let stale = try store.ledger.riskEventTimes(rule: RiskRule.feedStale.rawValue)
        let changes = try store.control.changes().filter { $0.appliedMs != nil }
        let commands = Dictionary(grouping: try store.control.commands().filter { $0.appliedMs != nil }, by: { $0.appliedMs! })
        let swaps = Dictionary(grouping: try store.jobs.swaps(engine: engine).filter { $0.status == "swapped" }, by: \.barMs)
        var nextChange = 0
        var rebuiltEquity: Double?
        while let (t, bars) = merged.next(to: cursor.lastBarMs) {
            chain(bars)
            var applying: [SettingChange] = []
            while nextChange < changes.count, changes[nextChange].appliedMs! <= t { applying.append(try SettingChange(changes[nextChange])); nextChange += 1 }
            if !applying.isEmpty { settings = EngineSettings.applying(applying, to: settings) }
            let due = try (commands[t] ?? []).map { try Self.parse($0) }
            for row in swaps[t] ?? [] { try swapper.replay(row, store: store, strategies: strategies) }
            BarCycle.step(&state, time: t, bars: bars, settings: settings, feedStale: stale.contains(t), commands: due, into: &out)
            _ = noteExpiry(at: t)
            if t >= session.startMs { notePaper(); rebuiltEquity = out.equity }
        }
        let storedEquity = try store.ledger.equity(at: cursor.lastBarMs)
        guard state.lastTimeMs == cursor.lastBarMs, rebuiltEquity == storedEquity, state.risk == stored.risk else {
            throw Failure(.internal, "rebuilding the \(engine) state up to \(UTCTime.iso(cursor.lastBarMs)) gave equity \(rebuiltEquity.map { "\($0)" } ?? "none") "
                          + "where the store has \(storedEquity.map { "\($0)" } ?? "none"): the stored bars or strategies changed under the ledger")
        }
        try recordLineage()
    }

    static func parse(_ row: OperatorCommandRow) throws -> OperatorCommand {
        guard let c = OperatorCommand(rawValue: row.command) else { throw Failure(.internal, "operator command \(row.id ?? 0) '\(row.command)' is not one this binary knows") }
        return c
    }

    /// The changes stored and not yet in force, and the commands not yet applied (read when the
    /// control API says there are new ones, and once at the first step).
    private func loadPending() throws {
        pendingChanges = try store.control.changes(after: settings.version).map(SettingChange.init)
        pendingCommands = try store.control.pendingCommands().map { ($0.id!, try Self.parse($0)) }
    }

    public var interval: Interval { strategies[0].interval }
    /// The model strategy `k` trades now (nil: a rule strategy).
    public func model(_ k: Int) -> ModelEntry? { swapper.inForce[k] }
    /// The newest bar held for instrument `i` (stored at start or appended since).
    public func lastBarMs(_ i: Int) -> Int64? { merged.series[i].openTime.last }

    /// The bar-time the next step would take (nil: every held bar is stepped).
    public var nextBarMs: Int64? { merged.peekTime() }

    /// A bar that closed after the service started (a live feed; already stored).
    public func append(_ bar: Bar, to i: Int) { merged.append(bar, to: i) }

    /// Steps the next bar-time not after `through` and, from the session's start on, commits its
    /// outcome in one transaction, with `storing` (streamed bars not yet in the store: instrument, bar).
    /// `feedStale` (a live feed's bar that closed too long ago) lets the risk manager refuse entries.
    /// Returns nil when there is none (or `--to` is reached).
    @discardableResult
    public func step(through: Int64 = .max, storing: [(Int, Bar)] = [], feedStale: Bool = false) throws -> CycleOutcome? {
        guard let (t, bars) = merged.next(to: min(to, through)) else { return nil }
        chain(bars)
        let live = t >= session.startMs   // before it: warm-up, the streams only
        let generation = inbox.generation
        if live && generation != seenInbox { try loadPending(); seenInbox = generation }
        let previousVersion = settings.version
        var commandIDs: [Int64] = []
        var commands: [OperatorCommand] = []
        if live && !pendingChanges.isEmpty {
            settings = EngineSettings.applying(pendingChanges, to: settings)
            pendingChanges = []
        }
        if live && !pendingCommands.isEmpty {
            commandIDs = pendingCommands.map(\.id); commands = pendingCommands.map(\.command)
            pendingCommands = []
        }
        // Promotions come from other processes (a job, `mlbot models promote`): the registry is
        // read when told (the control API, the job supervisor) and at least once a second.
        lastSwaps = []
        var shadowDecisions: [ShadowBook.Decision] = []
        if live && (generation != seenRegistryGeneration || clock.now - lastRegistryCheck > .seconds(1)) {
            seenRegistryGeneration = generation
            lastRegistryCheck = clock.now
            lastSwaps = try swapper.check(store, strategies: strategies, at: t, wallMs: UTCTime.nowMs())
            shadowDecisions = try shadows.attach(store, strategies: strategies, swapper: swapper, at: t)
        }
        let began = clock.now
        BarCycle.step(&state, time: t, bars: bars, settings: settings, feedStale: feedStale, commands: commands, into: &out)
        let decided = clock.now
        lastDecision = decided - began
        guard live else {
            if !storing.isEmpty { try store.ledger.write { db in try storeBars(storing, db) } }
            return out
        }
        notePaper()
        lastExpiryEvents = noteExpiry(at: t)
        var shadowSignals: [ShadowSignalRow] = []
        if !shadows.isEmpty {
            shadowSignals = shadows.record(strategies, signals: out.signals, at: t)
            shadowDecisions += shadows.decideDue(strategies, series: { k in self.merged.series[self.instruments.firstIndex(of: self.strategies[k].symbol)!] }, at: t)
        }
        lastShadowDecisions = shadowDecisions.map { ($0.strategy, $0.status, $0.reason) }
        let cursorState = try ServiceCursorState.json(risk: state.risk, sessionJSON: sessionJSON)
        defer { lastCommit = clock.now - decided }
        try store.ledger.write { db in
            try storeBars(storing, db)
            try OutcomeRecorder.record(out, state: state, settingsVersion: settings.version, engine: engine, cursorState: cursorState,
                                       barsHash: chains.map(\.hex), db)
            for k in strategies.indices where isPaper[k] {
                try StrategyRepository.recordPaper(strategies[k].name, bars: paper[k].bars, pnl: paper[k].pnl, maxDrawdown: paper[k].maxDrawdown, db)
            }
            for row in lastSwaps { try JobRepository.recordSwap(row, db) }
            for e in lastExpiryEvents { try LedgerRepository.record(e, db) }
            for r in shadowSignals { try JobRepository.record(r, db) }
            for d in shadowDecisions {
                try JobRepository.decide(d.id, status: d.status, barMs: t, figures: d.figures, reason: d.reason, db)
                if let (name, version) = d.promote { try ModelRepository.activate(name, version: version, db) }
            }
            if settings.version != previousVersion || !commandIDs.isEmpty {
                try ControlRepository.markApplied(versionsAfter: previousVersion, through: settings.version, commands: commandIDs, barMs: t, db)
            }
        }
        // A promotion decided in shadow is swapped in at the next bar.
        if shadowDecisions.contains(where: { $0.promote != nil }) { seenRegistryGeneration = -1 }
        return out
    }

    private func storeBars(_ bars: [(Int, Bar)], _ db: Database) throws {
        for (i, b) in bars { try BarRepository.append(b, symbol: instruments[i], interval: interval, db) }
    }

    private func chain(_ bars: [Bar?]) {
        for i in bars.indices { if let b = bars[i] { chains[i].add(b) } }
    }

    /// What each strategy decides with (feature set, model and weights, spec), stored once per session.
    private func recordLineage() throws {
        let rows = try strategies.map { p -> StrategyLineageRow in
            var weights: String?
            if let m = p.model { weights = try ModelArtifact.load(URL(fileURLWithPath: m.path)).0.weights.sha256 }
            let definition = (try? store.strategies.get(p.name).definition) ?? ""
            return StrategyLineageRow(engine: engine, strategy: p.name, featureSet: p.definition.set.name, featureHash: p.definition.set.contentHash,
                                      model: p.model.map { "\($0.name)@\($0.version)" }, weightsSha256: weights, specHash: Digest.sha256Hex(definition))
        }
        try store.ledger.write { db in for r in rows { try LedgerRepository.save(r, db) } }
    }

    /// The strategies whose model crossed its age limit at `t`, either way, as service events.
    private func noteExpiry(at t: Int64) -> [ServiceEventRow] {
        var events: [ServiceEventRow] = []
        for k in strategies.indices {
            let runtime = strategies[k].runtime
            let now = runtime.modelExpired(at: t)
            guard now != expired[k] else { continue }
            expired[k] = now
            let model = swapper.inForce[k]?.reference ?? "?"
            let age = Double(t - (runtime.modelThroughMs ?? t)) / Double(UTCTime.msPerDay)
            let limit = Double(runtime.maxModelAgeMs ?? 0) / Double(UTCTime.msPerDay)
            events.append(ServiceEventRow(engine: engine, wallMs: UTCTime.nowMs(), barMs: t, kind: now ? "model_expired" : "model_fresh",
                                          detail: now ? String(format: "%@: model %@ is %.2f days past its training data (limit %.2f days): exits only until a fresher model is promoted",
                                                               strategies[k].name, model, age, limit)
                                                      : String(format: "%@: model %@ is within its age limit again (%.2f of %.2f days)", strategies[k].name, model, age, limit)))
        }
        return events
    }

    private func notePaper() {
        for k in strategies.indices { paper[k].add(equity: initialEquity + state.pnl(strategy: k), initial: initialEquity) }
    }
}
