import Control
import Discovery
import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Market
import MarketData
import Store
import TestSupport
import Testing

/// A tight drawdown limit stops entries in the running service, and the operator sees it in
/// /status, /risk, /metrics and the store.
@Suite struct RiskVisibilityTests {
    @Test func aTightDrawdownLimitStopsEntriesVisibly() async throws {
        let dir = try Fixtures.temporaryDirectory("risk-visible")
        let store = try DataStore(path: dir.appendingPathComponent("r.sqlite").path)
        _ = try SyntheticData.generate(SyntheticMarket.Config(symbols: try ["BTCUSDT", "ETHUSDT"].map(Symbol.init), interval: .oneMinute,
                                                              start: 1_704_067_200_000, bars: 2880, seed: 8), into: store, policy: .keepExisting)
        let features = Fixtures.repositoryRoot.appendingPathComponent("features").path
        let f = try Fixtures.write("name: e\nsymbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nsignal: {rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}\nexit: {kind: opposite}\nsizing: {kind: fixed, fraction: 0.1}\n",
                                   named: "e.yaml", in: dir)
        _ = try StoredStrategy.importFile(f, store: store, featuresDirectory: features, replace: false)
        var config = MlbotConfig.builtIn()
        config.risk.maxDrawdown = 0.002
        let service = try PaperService(store: store, config: config, catalog: InstrumentCatalog(),
                                       job: BacktestJob(target: .names(["e"]), mode: .model, featuresDirectory: features))
        let status = LiveStatus(ServiceSnapshot(mode: "paper", feed: "replay", database: store.path, startedMs: 0, equity: 10_000, maxDrawdown: 0.002,
                                                maxDailyLoss: 0.05, confidence: nil,
                                                strategies: [.init(name: "e", symbol: "ETHUSDT", interval: "1m", model: nil, modelCreatedMs: nil, tradingFromMs: 0)]))
        let metrics = ServiceMetrics(version: "test")
        let loop = PaperLoop(service, status: status, metrics: metrics, speed: nil, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try await loop.run()
        let summary = try #require(loop.summary)
        #expect(summary.vetoes["reducing_only", default: 0] > 0, "\(summary.vetoes)")

        let stored = try store.ledger.riskEvents()
        #expect(stored.contains { $0.kind == "state_change" && $0.rule == "max_drawdown" && $0.toState == "REDUCING" })
        #expect(stored.contains { $0.kind == "veto" && $0.rule == "reducing_only" })
        let app = Application(router: buildRouter(ControlContext(store: store, status: status, metrics: metrics, limits: config.risk, intervalMs: 60_000)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/status", method: .get) { r in
                let body = String(buffer: r.body)
                #expect(body.contains(#""trading":"REDUCING""#) && body.contains(#""trading_cause":"max_drawdown""#), "\(body)")
            }
            try await client.execute(uri: "/risk", method: .get) { r in
                let body = String(buffer: r.body)
                #expect(body.contains(#""rule":"reducing_only""#) && body.contains(#""cause":"max_drawdown""#), "\(body.prefix(400))")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains(#"mlbot_trading_state{state="REDUCING"} 1"#) && text.contains(#"mlbot_risk_vetoes_total{rule="reducing_only"}"#), "\(text)")
            }
        }
    }
}
