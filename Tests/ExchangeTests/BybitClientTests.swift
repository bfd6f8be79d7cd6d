import Exchange
import FakeBybit
import Foundation
import Market
import Synchronization
import TestSupport
import Testing

extension SleepLog {
    /// A policy that records its waits here instead of sleeping.
    var policy: RetryPolicy {
        RetryPolicy(maxAttempts: 6, baseDelay: 0.25, maxDelay: 4, ipBanDelay: 600, sleep: { w in self.add(w) })
    }
    var recorded: [Double] { waits }
}

@Suite struct BybitClientTests {
    static let minute: Int64 = 60_000
    static let t0: Int64 = 1_704_067_200_000  // 2024-01-01

    /// A server holding `count` closed 1m bars from t0, its clock two minutes after the last.
    static func server(count: Int = 50) async throws -> FakeBybitServer {
        let state = FakeBybitState()
        let bars = (0..<count).map { i -> Bar in
            let p = 100 + Double(i)
            return Bar(openTime: t0 + Int64(i) * minute, open: p, high: p + 2, low: p - 1, close: p + 1, volume: Double(i))
        }
        await state.setKlines(bars, symbol: "BTCUSDT", interval: "1")
        await state.setClock(t0 + Int64(count + 1) * minute + 30_000)
        return try await FakeBybitServer.start(state: state)
    }

    @Test func serverTimeAndKlinesOldestFirst() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let base = server.baseURL
        let (time, bars) = try await onDedicatedThread {
            let c = BybitMarketClient(baseURL: base)
            return (try c.serverTime(), try c.klines(category: "linear", symbol: try Symbol("BTCUSDT"), interval: .oneMinute,
                                                    start: Self.t0 + 10 * Self.minute, end: Self.t0 + 19 * Self.minute, limit: 1000))
        }
        #expect(time == Self.t0 + 51 * Self.minute + 30_000)
        #expect(bars.count == 10)
        #expect(bars.map(\.openTime) == (10..<20).map { Self.t0 + Int64($0) * Self.minute })
        #expect(bars[0].open == 110 && bars[0].high == 112 && bars[0].volume == 10)
    }

    @Test func rateLimitWaitsUntilTheResetTimestamp() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        await server.state.scheduleFault(.rateLimited(resetAfterMs: 1500), onKlineRequest: 1)
        let recorder = SleepLog()
        let base = server.baseURL, policy = recorder.policy
        let bars = try await onDedicatedThread {
            try BybitMarketClient(baseURL: base, retry: policy).klines(
                category: "linear", symbol: try Symbol("BTCUSDT"), interval: .oneMinute, start: Self.t0, end: Self.t0 + 4 * Self.minute)
        }
        #expect(bars.count == 5)
        // The wait is measured on the server's clock: reset − time = 1.5 s.
        #expect(recorder.recorded == [1.5])
        #expect(await server.state.log.map(\.answered) == ["10006", "ok"])
    }

    @Test func anExhaustedWindowPausesTheNextRequest() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        await server.state.scheduleFault(.windowExhausted(resetAfterMs: 800), onKlineRequest: 1)
        let log = SleepLog()
        let base = server.baseURL, policy = log.policy
        let events = Mutex<[ClientEvent]>([])
        let pages = try await onDedicatedThread {
            let c = BybitMarketClient(baseURL: base, retry: policy, onEvent: { e in events.withLock { $0.append(e) } })
            let sym = try Symbol("BTCUSDT")
            return [try c.klines(category: "linear", symbol: sym, interval: .oneMinute, start: Self.t0, end: Self.t0 + 9 * Self.minute),
                    try c.klines(category: "linear", symbol: sym, interval: .oneMinute, start: Self.t0 + 10 * Self.minute, end: Self.t0 + 19 * Self.minute)]
        }
        #expect(pages.map(\.count) == [10, 10])
        #expect(log.recorded == [0.8])
        #expect(events.withLock { $0 } == [.throttled(wait: 0.8)])
        #expect(await server.state.log.map(\.answered) == ["ok", "ok"])
    }

    @Test func http429And403AndADroppedConnectionAreRetried() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        await server.state.scheduleFault(.http429, onKlineRequest: 1)
        await server.state.scheduleFault(.dropConnection, onKlineRequest: 2)
        await server.state.scheduleFault(.http403, onKlineRequest: 3)
        let recorder = SleepLog()
        let base = server.baseURL, policy = recorder.policy
        let events = Mutex<[ClientEvent]>([])
        let bars = try await onDedicatedThread {
            try BybitMarketClient(baseURL: base, retry: policy, onEvent: { e in events.withLock { $0.append(e) } }).klines(
                category: "linear", symbol: try Symbol("BTCUSDT"), interval: .oneMinute, start: Self.t0, end: Self.t0 + 49 * Self.minute)
        }
        #expect(bars.count == 50)
        #expect(await server.state.log.map(\.answered) == ["429", "dropped", "403", "ok"])
        // Exponential back-off for 429 and the drop, the documented 10-minute wait for 403.
        #expect(recorder.recorded == [0.25, 0.5, 600])
        #expect(events.withLock { $0.count } == 3)
    }

    @Test func parameterErrorsAreNotRetried() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let recorder = SleepLog()
        let base = server.baseURL, policy = recorder.policy
        let error = try await onDedicatedThread {
            try caught(BybitError.self) {
                _ = try BybitMarketClient(baseURL: base, retry: policy).klines(
                    category: "linear", symbol: try Symbol("DOGEUSDT"), interval: .oneMinute, start: Self.t0, end: Self.t0)
            }
        }
        guard case .api(_, 10001, _)? = error else { Issue.record("expected retCode 10001, got \(String(describing: error))"); return }
        #expect(recorder.recorded.isEmpty)
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        for n in 1...6 { await server.state.scheduleFault(.http429, onKlineRequest: n) }
        let recorder = SleepLog()
        let base = server.baseURL, policy = recorder.policy
        let error = try await onDedicatedThread {
            try caught(BybitError.self) {
                _ = try BybitMarketClient(baseURL: base, retry: policy).klines(
                    category: "linear", symbol: try Symbol("BTCUSDT"), interval: .oneMinute, start: Self.t0, end: Self.t0)
            }
        }
        #expect(error == .gaveUp(path: "/v5/market/kline", attempts: 6, lastReason: "HTTP 429"))
        #expect(recorder.recorded.count == 5)
    }

    @Test func aRefusedConnectionIsATransportFailure() async throws {
        // Port 1 on loopback: nothing listens there.
        let recorder = SleepLog()
        var policy = recorder.policy
        policy.maxAttempts = 2
        let p = policy
        let error = try await onDedicatedThread {
            try caught(BybitError.self) { _ = try BybitMarketClient(baseURL: "http://127.0.0.1:1", retry: p).serverTime() }
        }
        guard case .gaveUp(_, 2, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("curl error"))
    }
}
