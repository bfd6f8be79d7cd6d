import Exchange
import FakeBybit
import Foundation
import TestSupport
import Testing

/// The signer against the fake server's auth checks (unknown key, time window, signature).
@Suite struct SignedRequestTests {
    static let key = "testKey0123456789", secret = "testSecret0123456789abcdefghijklmnopq"

    func call(_ base: String, signer: BybitSigner, timestamp: Int64, query: String = "accountType=UNIFIED") async throws -> (Int, Int) {
        try await onDedicatedThread {
            let r = try HTTPClient().send(url: "\(base)/v5/account/wallet-balance?\(query)",
                                          headers: signer.headers(timestamp: timestamp, payload: query))
            let json = try JSONSerialization.jsonObject(with: Data(r.body)) as! [String: Any]
            return (r.status, json["retCode"] as! Int)
        }
    }

    @Test func authOutcomes() async throws {
        let state = FakeBybitState()
        await state.addAccount(apiKey: Self.key, secret: Self.secret)
        let server = try await FakeBybitServer.start(state: state)
        defer { Task { await server.stop() } }
        // The server's clock is fixed, so a slow (loaded) machine never drifts out of the 5 s window.
        let fixed = Int64(Date().timeIntervalSince1970 * 1000)
        await state.setClock(fixed)
        @Sendable func now() -> Int64 { fixed }
        let good = BybitSigner(apiKey: Self.key, apiSecret: Self.secret)
        #expect(try await call(server.baseURL, signer: good, timestamp: now()) == (200, 0))
        // Wrong secret → 10004; unknown key → 10003; stale timestamp → 10002.
        #expect(try await call(server.baseURL, signer: BybitSigner(apiKey: Self.key, apiSecret: "wrong"), timestamp: now()) == (200, 10004))
        #expect(try await call(server.baseURL, signer: BybitSigner(apiKey: "nobody", apiSecret: Self.secret), timestamp: now()) == (200, 10003))
        #expect(try await call(server.baseURL, signer: good, timestamp: now() - 6000) == (200, 10002))
        #expect(try await call(server.baseURL, signer: good, timestamp: now() + 5000) == (200, 10002))
        // A signature over a different parameter order does not verify: the raw query is signed.
        let swapped = try await onDedicatedThread {
            let r = try HTTPClient().send(url: "\(server.baseURL)/v5/account/wallet-balance?coin=USDT&accountType=UNIFIED",
                                          headers: good.headers(timestamp: now(), payload: "accountType=UNIFIED&coin=USDT"))
            return (try JSONSerialization.jsonObject(with: Data(r.body)) as! [String: Any])["retCode"] as! Int
        }
        #expect(swapped == 10004)
        await state.setAuthErrorsAs401(true)
        #expect(try await call(server.baseURL, signer: BybitSigner(apiKey: "nobody", apiSecret: Self.secret), timestamp: now()) == (401, 10003))
    }

    @Test func getWithABodyIsForbidden() async throws {
        let server = try await FakeBybitServer.start()
        defer { Task { await server.stop() } }
        let status = try await onDedicatedThread {
            try HTTPClient().send(method: "GET", url: "\(server.baseURL)/v5/market/time", body: Array("{}".utf8)).status
        }
        #expect(status == 403)
    }

    @Test func ipLimitAnswers403() async throws {
        let state = FakeBybitState()
        await state.setIPLimit(requests: 3, windowMs: 60_000)
        let server = try await FakeBybitServer.start(state: state)
        defer { Task { await server.stop() } }
        let statuses = try await onDedicatedThread {
            let c = HTTPClient()
            return try (0..<4).map { _ in try c.send(url: "\(server.baseURL)/v5/market/time").status }
        }
        #expect(statuses == [200, 200, 200, 403])
    }
}
