import Exchange
import FakeBybit
import Foundation
import Market
import MarketData
import Store
import TestSupport
import Testing

@Suite struct DownloaderTests {
    static let minute: Int64 = 60_000
    static let t0: Int64 = 1_704_067_200_000
    static let btc = try! Symbol("BTCUSDT")

    /// 3,500 closed 1m bars with two exchange-side gaps, an open candle, and a fixed server clock.
    static func exchangeBars() -> [Bar] {
        (0..<3510).compactMap { i -> Bar? in
            if (1200..<1205).contains(i) || (2600..<2605).contains(i) { return nil }
            let p = 40_000 + Double(i % 97) - Double(i % 13)
            return Bar(openTime: t0 + Int64(i) * minute, open: p, high: p + 5, low: p - 3, close: p + 1, volume: Double(i % 17) + 0.5)
        }
    }

    static func server(limit: (Int, Int64)? = nil, realClock: Bool = false) async throws -> (FakeBybitServer, [Bar]) {
        let state = FakeBybitState()
        var bars = exchangeBars()
        if realClock {
            // Shift so the series ends well before the real now.
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let shift = Interval.oneMinute.barStart(containing: now) - 60 * minute - bars.last!.openTime
            bars = bars.map { var b = $0; b.openTime += shift; return b }
        }
        let last = bars.last!.openTime
        await state.setKlines(bars, symbol: "BTCUSDT", interval: "1")
        if !realClock {
            await state.setOpenCandle(Bar(openTime: last + minute, open: 1, high: 2, low: 1, close: 2, volume: 1), symbol: "BTCUSDT", interval: "1")
            await state.setClock(last + minute + 25_000)
        }
        if let (n, w) = limit { await state.setEndpointLimit(requests: n, windowMs: w) }
        return (try await FakeBybitServer.start(state: state), bars)
    }

    static func download(_ base: String, _ store: DataStore, since: Int64 = t0, until: Int64? = nil,
                         policy: RetryPolicy) async throws -> DownloadReport {
        try await onDedicatedThread {
            let client = BybitMarketClient(baseURL: base, retry: policy)
            return try KlineDownloader(store: store, client: client)
                .run(DownloadRequest(symbol: btc, interval: .oneMinute, since: since, until: until))
        }
    }

    static func fastPolicy(_ recorder: SleepLog) -> RetryPolicy {
        RetryPolicy(maxAttempts: 5, baseDelay: 0.01, maxDelay: 0.05, ipBanDelay: 0.05, sleep: { w in recorder.add(w) })
    }

    func newStore() throws -> DataStore {
        try DataStore(path: try Fixtures.temporaryDirectory().appendingPathComponent("d.sqlite").path)
    }

    @Test func endsWithExactlyTheServersClosedBarsThroughFaults() async throws {
        let (server, bars) = try await Self.server()
        defer { Task { await server.stop() } }
        await server.state.scheduleFault(.rateLimited(resetAfterMs: 700), onKlineRequest: 1)
        await server.state.scheduleFault(.dropConnection, onKlineRequest: 3)
        await server.state.scheduleFault(.http429, onKlineRequest: 5)
        let store = try newStore()
        let log = SleepLog()
        let report = try await Self.download(server.baseURL, store, policy: Self.fastPolicy(log))
        // Exactly the closed bars: no gaps filled, no duplicates, and not the open candle.
        #expect(try store.bars.series(symbol: Self.btc, interval: .oneMinute).bars == bars)
        #expect(report.write.inserted == bars.count)
        #expect(report.pages == 4)  // 3,510 minutes in windows of 1,000
        #expect(log.waits.contains(0.7))
        let answers = await server.state.log.map(\.answered)
        #expect(answers == ["10006", "ok", "dropped", "ok", "429", "ok", "ok"])
        // Coverage sees the exchange's own gaps.
        let c = try store.bars.coverage()
        #expect(c[0].gaps == 2 && c[0].missingBars == 10)
    }

    @Test func resumesWhereAnInterruptedDownloadStopped() async throws {
        let (server, bars) = try await Self.server()
        defer { Task { await server.stop() } }
        let store = try newStore()
        // The third page keeps failing until the client gives up: the first two pages are kept.
        for n in 3...7 { await server.state.scheduleFault(.dropConnection, onKlineRequest: n) }
        let log = SleepLog()
        await #expect(throws: BybitError.self) { _ = try await Self.download(server.baseURL, store, policy: Self.fastPolicy(log)) }
        #expect(try store.bars.count(symbol: Self.btc, interval: .oneMinute) == 2000 - 5)
        let before = await server.state.klineRequestCount
        let report = try await Self.download(server.baseURL, store, policy: Self.fastPolicy(log))
        #expect(report.resumedFrom == Self.t0 + 2000 * Self.minute)
        #expect(report.write.unchanged == 0)
        #expect(await server.state.klineRequestCount - before == 2)
        #expect(try store.bars.series(symbol: Self.btc, interval: .oneMinute).bars == bars)
        // Run again: nothing to do.
        let again = try await Self.download(server.baseURL, store, policy: Self.fastPolicy(log))
        #expect(again.upToDate && again.fetched == 0)
    }

    @Test func honoursSinceAndUntil() async throws {
        let (server, bars) = try await Self.server()
        defer { Task { await server.stop() } }
        let store = try newStore()
        let since = Self.t0 + 100 * Self.minute + 30_000  // mid-bar: rounds up to the next bar
        let until = Self.t0 + 1500 * Self.minute
        _ = try await Self.download(server.baseURL, store, since: since, until: until, policy: Self.fastPolicy(SleepLog()))
        let got = try store.bars.series(symbol: Self.btc, interval: .oneMinute).bars
        #expect(got == bars.filter { $0.openTime >= Self.t0 + 101 * Self.minute && $0.openTime <= until })
    }

    @Test func survivesTheDocumentedPerWindowLimit() async throws {
        // 1 request per 3 s window (long enough that a loaded machine — the whole suite on 2
        // cores, a page seen taking over a second — still sends the next page inside it); the
        // client meets real 10006 answers and waits them out.
        let (server, bars) = try await Self.server(limit: (1, 3000), realClock: true)
        defer { Task { await server.stop() } }
        let store = try newStore()
        let log = SleepLog()
        var policy = Self.fastPolicy(log)
        policy.maxAttempts = 10
        policy.sleep = { w in log.add(w); Thread.sleep(forTimeInterval: w) }
        _ = try await Self.download(server.baseURL, store, since: bars.first!.openTime, policy: policy)
        #expect(try store.bars.series(symbol: Self.btc, interval: .oneMinute).bars == bars)
        #expect(await server.state.log.contains { $0.answered == "10006" })
        #expect(log.waits.allSatisfy { $0 <= 3.01 })
    }
}
