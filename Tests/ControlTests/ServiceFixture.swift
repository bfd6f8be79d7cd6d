import Control
import Discovery
import Engine
import Foundation
import Market
import MarketData
import Store
import TestSupport

/// Two days of synthetic BTC and ETH bars and an EMA-cross rule strategy "e" on ETH, with a paper
/// service over them under a drawdown limit of `maxDrawdown`, and the live status it would publish.
struct ServiceFixture {
    let store: DataStore
    let config: MlbotConfig
    let service: PaperService
    let status: LiveStatus
    let inbox = ControlInbox()
    let features: String

    init(_ label: String, seed: UInt64, maxDrawdown: Double) throws {
        let dir = try Fixtures.temporaryDirectory(label)
        store = try DataStore(path: dir.appendingPathComponent("s.sqlite").path)
        _ = try SyntheticData.generate(SyntheticMarket.Config(symbols: try ["BTCUSDT", "ETHUSDT"].map(Symbol.init), interval: .oneMinute,
                                                              start: 1_704_067_200_000, bars: 2880, seed: seed), into: store, policy: .keepExisting)
        let features = Fixtures.repositoryRoot.appendingPathComponent("features").path
        self.features = features
        let f = try Fixtures.write("name: e\nsymbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nsignal: {rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}\nexit: {kind: opposite}\nsizing: {kind: fixed, fraction: 0.1}\n",
                                   named: "e.yaml", in: dir)
        _ = try StoredStrategy.importFile(f, store: store, featuresDirectory: features, replace: false)
        var config = MlbotConfig.builtIn()
        config.risk.maxDrawdown = maxDrawdown
        self.config = config
        service = try PaperService(store: store, config: config, catalog: InstrumentCatalog(),
                                   job: BacktestJob(target: .names(["e"]), mode: .model, featuresDirectory: features), inbox: inbox)
        status = LiveStatus(ServiceSnapshot(mode: "paper", feed: "replay", database: store.path, startedMs: 0, equity: 10_000, maxDrawdown: maxDrawdown,
                                            maxDailyLoss: 0.05, confidence: nil,
                                            strategies: [.init(name: "e", symbol: "ETHUSDT", interval: "1m", model: nil, modelCreatedMs: nil, tradingFromMs: 0)]))
    }

    func context(_ metrics: ServiceMetrics, clock: @escaping @Sendable () -> Int64 = UTCTime.nowMs, limiter: FailureLimiter = FailureLimiter()) -> ControlContext {
        ControlContext(store: store, status: status, metrics: metrics, limits: config.risk, intervalMs: 60_000, clock: clock,
                       baseSettings: EngineSettings(config: config), inbox: inbox, limiter: limiter)
    }

    /// The same service started again on the store (a restart: it rebuilds from the ledger).
    func restarted() throws -> PaperService {
        try PaperService(store: store, config: config, catalog: InstrumentCatalog(),
                         job: BacktestJob(target: .names(["e"]), mode: .model, featuresDirectory: features), inbox: inbox)
    }
}
