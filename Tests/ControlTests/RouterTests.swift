import Control
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Market
import Risk
import Store
import TestSupport
import Testing

/// The read API through its router, without a socket.
@Suite struct RouterTests {
    static func context() throws -> ControlContext {
        let store = try DataStore(path: try Fixtures.temporaryDirectory("router").appendingPathComponent("r.sqlite").path)
        let status = LiveStatus(ServiceSnapshot(mode: "paper", feed: "replay", database: store.path, startedMs: 0, equity: 10_000,
                                                maxDrawdown: 0.15, maxDailyLoss: 0.05, confidence: nil,
                                                strategies: [.init(name: "s", symbol: "ETHUSDT", interval: "1m", model: "s@1", modelCreatedMs: 0, modelTrainedThroughMs: 0, tradingFromMs: 0)]))
        return ControlContext(store: store, status: status, metrics: ServiceMetrics(version: "test"), limits: RiskLimits(), intervalMs: 60_000,
                              clock: { 120_000 })
    }

    @Test func readyIsFalseWhileAnotherProcessHoldsTheStoresWriteLock() async throws {
        let c = try Self.context()
        c.status.update { $0.warm = true; $0.lastCommitMs = 100_000 }
        let app = Application(router: buildRouter(c))
        // Another connection (a `sqlite3` shell, another tool) holding the write lock would stop the next bar's commit.
        let other = try DatabaseQueue(path: c.store.path)
        let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread {
            try? other.inTransaction(.immediate) { _ in held.signal(); release.wait(); return .rollback }
            done.signal()
        }.start()
        held.wait()
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { r in
                #expect(r.status == .serviceUnavailable && String(buffer: r.body).contains("does not take writes"), "\(String(buffer: r.body))")
            }
            release.signal()
            done.wait()
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
        }
        // The probe wrote nothing and left the store's own waiting for locks as it was.
        #expect(try c.store.ledger.cursor("paper") == nil)
    }

    @Test func everyRouteAnswersWithItsDocumentedStatusAndFields() async throws {
        let c = try Self.context()
        let app = Application(router: buildRouter(c))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            // Not warm yet: /ready is 503 with the reason.
            try await client.execute(uri: "/ready", method: .get) { r in
                #expect(r.status == .serviceUnavailable && String(buffer: r.body).contains("warming up"))
            }
            c.status.update { $0.warm = true; $0.lastCommitMs = 100_000; $0.equity = 9_000; $0.highWaterMark = 10_000 }
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/status", method: .get) { r in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                for key in ["mode", "feed", "trading", "equity", "pnl_today", "drawdown", "max_drawdown", "daily_loss", "max_daily_loss", "last_bar",
                            "lag_seconds", "bar_times", "strategies"] {
                    #expect(body.keys.contains(key), "status lacks \(key)")
                }
                #expect(abs((body["drawdown"] as! Double) - 0.1) < 1e-12 && body["lag_seconds"] as? Double == 20)
            }
            for path in ["/positions", "/orders", "/fills", "/equity", "/strategies", "/risk"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .ok, "\(path)") }
            }
            try await client.execute(uri: "/orders?since=yesterday", method: .get) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("since"))
            }
            try await client.execute(uri: "/equity?limit=0", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/nope", method: .get) { r in
                #expect(r.status == .notFound && String(buffer: r.body).contains(#""kind":"not_found""#))
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
                for name in ["mlbot_bars_processed_total", "mlbot_fills_total", "mlbot_bar_processing_seconds", "mlbot_equity", "mlbot_drawdown_ratio",
                             "mlbot_feed_lag_seconds 20", #"mlbot_trading_state{state="ACTIVE"} 1"#, #"mlbot_build_info{version="test"} 1"#,
                             #"mlbot_model_age_seconds{strategy="s"} 120"#, #"mlbot_model_expired{strategy="s"} 0"#] {
                    #expect(text.contains(name), "metrics lack \(name)")
                }
            }
        }
    }
}
