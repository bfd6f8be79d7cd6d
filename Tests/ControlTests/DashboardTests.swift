import Control
import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import Market
import Testing

/// The dashboard's routes through the router: the page is open and self-contained, its data needs
/// a read token and carries the charts and tables drawn from the store.
@Suite struct DashboardTests {
    @Test func thePageIsOpenAndTheDataNeedsAReadToken() async throws {
        let f = try ServiceFixture("dashboard", seed: 3, maxDrawdown: 0.001)
        _ = try ReplayFeed.run(f.service, speed: nil, shouldStop: { false })
        let read = try ControlTokens.create(name: "viewer", role: .read, nowMs: UTCTime.nowMs(), store: f.store)
        let admin = try ControlTokens.create(name: "boss", role: .admin, nowMs: UTCTime.nowMs(), store: f.store)
        let app = Application(router: buildRouter(f.context(ServiceMetrics(version: "test"))))
        try await app.test(.router) { client in
            var pageBytes = 0
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: r.body)
                pageBytes = r.body.readableBytes
                #expect(html.contains("Sign in with the read token") && html.contains(".tokens"))
                #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import") && !html.contains("url(http"),
                        "nothing is fetched from another host")
            }
            for headers: HTTPFields in [[:], [.authorization: "Bearer mlbot_nope"]] {
                for path in ["/dashboard/data", "/dashboard/events"] {
                    try await client.execute(uri: path, method: .get, headers: headers) { r in
                        #expect(r.status == .unauthorized, "\(path) with \(headers)")
                        #expect(String(buffer: r.body).contains("\"kind\":\"unauthorized\""))
                    }
                }
            }
            for token in [read, admin] {
                try await client.execute(uri: "/dashboard/data", method: .get, headers: [.authorization: "Bearer \(token)"]) { r in
                    #expect(r.status == .ok)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any] ?? [:]
                    let html = body["html"] as? String ?? ""
                    for id in ["equity-chart", "drawdown-chart", "risk-chart"] { #expect(html.contains("id=\"\(id)\""), "\(id)") }
                    // The tight drawdown limit tripped: its vetoes are drawn by rule, the limit line too.
                    #expect(html.contains("data-name=\"max_drawdown (veto)\"") || html.contains("(veto)"), "vetoes by rule: \(html.prefix(300))")
                    #expect(html.contains("class=\"guide\"") && html.contains("limit 0.10%"))
                    #expect(html.contains("class=\"order\"") && html.contains("data-order=\""), "orders open their lineage")
                    #expect(pageBytes + r.body.readableBytes < 300_000, "page and data \(pageBytes + r.body.readableBytes) bytes")
                }
            }
        }
    }
}
