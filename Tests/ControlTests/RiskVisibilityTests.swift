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
        let f = try ServiceFixture("risk-visible", seed: 8, maxDrawdown: 0.002)
        let (store, status, service) = (f.store, f.status, f.service)
        let metrics = ServiceMetrics(version: "test")
        let loop = PaperLoop(service, feed: .replay(speed: nil), status: status, metrics: metrics, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try await loop.run()
        let summary = try #require(loop.summary)
        #expect(summary.vetoes["reducing_only", default: 0] > 0, "\(summary.vetoes)")

        let stored = try store.ledger.riskEvents()
        #expect(stored.contains { $0.kind == "state_change" && $0.rule == "max_drawdown" && $0.toState == "REDUCING" })
        #expect(stored.contains { $0.kind == "veto" && $0.rule == "reducing_only" })
        let app = Application(router: buildRouter(f.context(metrics)))
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
