import Dispatch
import Engine
import Exchange
import FakeBybit
import Foundation
import Logging
import Market
import Store
import Synchronization
import TestSupport
import Testing

/// The Bybit feed against the fake server: REST catch-up before trading, the kline stream with
/// its faults, and a stale feed. The clock the feed reads is the test's, moved bar by bar.
@Suite(.serialized) struct LiveFeedTests {
    static let step: Int64 = 60_000

    /// A wall clock the test moves (epoch ms), shared with the fake server's.
    final class TestClock: Sendable {
        private let ms = Atomic<Int64>(0)
        func set(_ v: Int64) { ms.store(v, ordering: .relaxed) }
        var now: Int64 { ms.load(ordering: .relaxed) }
    }

    /// The feed's loop on a thread of its own, as the service runs it.
    final class Running: @unchecked Sendable {
        let feed: LiveFeed
        private let stopFlag = Atomic<Bool>(false)
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<ServiceSummary, any Error>?

        init(_ feed: LiveFeed) {
            self.feed = feed
            let thread = Thread { [self] in
                result = Result { try self.feed.run(shouldStop: { self.stopFlag.load(ordering: .relaxed) }) }
                done.signal()
            }
            thread.start()
        }

        func stop() throws -> ServiceSummary {
            stopFlag.store(true, ordering: .relaxed)
            done.wait()
            return try result!.get()
        }
    }

    /// The paper fixture with its bars cut after `storedThrough`; every bar, per instrument, for the fake exchange.
    static func liveStore(threshold: String = "0.502", storedThrough: (Int64) -> Int64) throws -> (DataStore, [Symbol: [Bar]], Int64) {
        let (store, _) = try PaperServiceTests.fixture(threshold: threshold)
        var all: [Symbol: [Bar]] = [:]
        for c in try store.bars.coverage() { all[try Symbol(c.symbol)] = try store.bars.series(symbol: try Symbol(c.symbol), interval: try Interval(c.interval)).bars }
        let last = all.values.map { $0.last!.openTime }.min()!
        let cut = storedThrough(last)
        try store.ledger.write { db in try db.execute(sql: "DELETE FROM bars WHERE open_time > ?", arguments: [cut]) }
        return (store, all, last)
    }

    static func serve(_ server: FakeBybitServer, _ all: [Symbol: [Bar]], through t: Int64, clock: TestClock) async {
        for (symbol, bars) in all { await server.state.setKlines(bars.filter { $0.openTime <= t }, symbol: symbol.name, interval: "1") }
        clock.set(t + step + 500)
        await server.state.setClock(clock.now)
    }

    static func committed(_ store: DataStore) throws -> Int64? { try store.ledger.cursor("paper")?.lastBarMs }

    static func waitUntil(_ what: String, timeout: Double = 60, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try await !condition() {
            guard Date() < deadline else { Issue.record("timed out waiting for \(what)"); throw CancellationError() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Also a restart mid-stream: the rebuilt streaming state (warm-up from the stored bars) decides
    /// every later bar exactly as the uninterrupted replay does (signals, P and targets included).
    @Test func streamWithDropsSilenceDuplicatesAndDisorderGivesTheReplaysLedger() async throws {
        // The uninterrupted replay over every bar is the reference.
        let (reference, _) = try PaperServiceTests.fixture()
        _ = try ReplayFeed.run(try PaperService(store: reference, config: .builtIn(), catalog: InstrumentCatalog(), job: PaperServiceTests.job()),
                               speed: nil, shouldStop: { false })

        let (store, all, last) = try Self.liveStore { $0 - 200 * Self.step }
        let server = try await FakeBybitServer.start()
        let clock = TestClock()
        let stored = last - 200 * Self.step, restOnly = stored + 40 * Self.step
        await Self.serve(server, all, through: restOnly, clock: clock)

        /// A service on the store with its feed and stream, as `serve --feed bybit` starts one.
        func start() throws -> (Running, Task<Void, Never>, [Symbol]) {
            let service = try PaperService(store: store, config: .builtIn(), catalog: InstrumentCatalog(), job: PaperServiceTests.job())
            let inbox = FeedInbox()
            // Never stale here (the stale test is below): the test waits for each bar before the next closes.
            let feed = LiveFeed(service: service, store: store, rest: BybitMarketClient(baseURL: server.baseURL), category: "linear", inbox: inbox,
                                settings: LiveFeedSettings(interval: .oneMinute, staleAfterMs: 10 * Self.step), now: { clock.now })
            let stream = BybitKlineStream(url: server.streamURL, symbols: service.instruments, interval: .oneMinute,
                                          settings: StreamSettings(pingInterval: .milliseconds(100), silenceTimeout: .milliseconds(600),
                                                                   reconnect: RetryPolicy(baseDelay: 0.05, maxDelay: 0.2)),
                                          logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            return (Running(feed), Task { await stream.run { inbox.put($0) } }, service.instruments)
        }
        var (running, streaming, symbols) = try start()
        let topics = symbols.map { "kline.1.\($0.name)" }
        func subscribed() async -> Bool {
            for t in topics where await server.state.stream.subscribers(t) == 0 { return false }
            return true
        }
        // Before the stream: the stored bars, then the REST catch-up, all stepped.
        try await Self.waitUntil("the REST catch-up") { try Self.committed(store) == restOnly }
        try await Self.waitUntil("the subscription") { await subscribed() }

        let bars = Dictionary(uniqueKeysWithValues: all.map { ($0.key, Dictionary(uniqueKeysWithValues: $0.value.map { ($0.openTime, $0) })) })
        func push(_ k: Int, _ s: Symbol, confirm: Bool = true) async {
            let t = restOnly + Int64(k) * Self.step
            await server.state.stream.push(bars[s]![t]!, symbol: s.name, interval: .oneMinute, confirm: confirm)
        }
        let n = Int((last - restOnly) / Self.step)
        for k in 1...n {
            await Self.serve(server, all, through: restOnly + Int64(k) * Self.step, clock: clock)
            switch k {
            case 10:  // duplicates, and a stale repeat of an older candle
                for s in symbols { await push(k, s); await push(k, s); await push(k - 5, s) }
            case 20:  // out of order: 21 comes before 20
                break
            case 21:
                for s in symbols { await push(21, s); await push(20, s) }
            case 30:  // closed without its confirm: only the forming candle was seen
                for s in symbols { await push(k, s, confirm: false) }
            case 40:  // the server drops the connection: this bar's push is lost
                await server.state.stream.dropConnections()
                for s in symbols { await push(k, s) }
                try await Self.waitUntil("the reconnect after a drop") { await subscribed() }
            case 50:  // the service stops and starts again; this bar closes while it is down
                _ = try running.stop()
                streaming.cancel()
                await streaming.value
                try await Self.waitUntil("the old connection to close") { !(await subscribed()) }
                for s in symbols { await push(k, s) }
                (running, streaming, symbols) = try start()
                try await Self.waitUntil("the restarted service's subscription") { await subscribed() }
            case 60:  // silence: connected, but nothing comes, not even pongs
                let before = await server.state.stream.accepted
                await server.state.stream.setSilent(true)
                for s in symbols { await push(k, s) }
                try await Self.waitUntil("the silence timeout") { await server.state.stream.accepted > before }
                await server.state.stream.setSilent(false)
                try await Self.waitUntil("the reconnect after silence") { await subscribed() }
            default:
                for s in symbols { await push(k, s, confirm: false); await push(k, s) }
            }
            if k != 20 && k != 30 {
                let t = restOnly + Int64(k) * Self.step
                try await Self.waitUntil("bar \(k)") { try Self.committed(store) == t }
            }
        }
        try await Self.waitUntil("the last bar") { try Self.committed(store) == last }
        _ = try running.stop()
        streaming.cancel()
        await server.stop()

        #expect(try PaperServiceTests.dump(store) == PaperServiceTests.dump(reference))
        #expect(try store.ledger.orders().count > 10)
        #expect(await server.state.stream.accepted >= 3, "a drop and a silence each cost a reconnect")
        let kinds = try store.ledger.serviceEvents(engine: "paper").map(\.kind)
        #expect(kinds.filter { $0 == "feed_disconnected" }.count >= 2 && !kinds.contains("feed_stale"), "\(kinds)")
    }

    @Test func aStaleFeedRefusesEntriesUntilItCatchesUpAndARestartReplaysThat() async throws {
        // Early in the day, before the daily trade limit refuses entries for its own reasons.
        let (store, all, last) = try Self.liveStore { $0 - 1300 * Self.step }
        let server = try await FakeBybitServer.start()
        let clock = TestClock()
        let stored = last - 1300 * Self.step
        await Self.serve(server, all, through: stored + 10 * Self.step, clock: clock)
        let service = try PaperService(store: store, config: .builtIn(), catalog: InstrumentCatalog(), job: PaperServiceTests.job())
        let feed = LiveFeed(service: service, store: store, rest: BybitMarketClient(baseURL: server.baseURL), category: "linear", inbox: FeedInbox(),
                            settings: LiveFeedSettings(interval: .oneMinute, poll: 0.02, restRetryMs: 50), now: { clock.now })
        let running = Running(feed)
        try await Self.waitUntil("the catch-up") { try Self.committed(store) == stored + 10 * Self.step }
        let freshThrough = stored + 10 * Self.step

        // 40 minutes without a closed bar: stale.
        clock.set(clock.now + 40 * Self.step)
        await server.state.setClock(clock.now)
        try await Self.waitUntil("feed_stale") { try store.ledger.serviceEvents(engine: "paper").contains { $0.kind == "feed_stale" } }
        // The exchange's REST has the bars again: the late ones are stepped with entries refused,
        // the last two (closed within 2 intervals of now) normally; then the feed has recovered.
        let caughtUp = freshThrough + 40 * Self.step
        for (symbol, bars) in all { await server.state.setKlines(bars.filter { $0.openTime <= caughtUp }, symbol: symbol.name, interval: "1") }
        try await Self.waitUntil("the catch-up after the outage") { try Self.committed(store) == caughtUp }
        try await Self.waitUntil("feed_recovered") { try store.ledger.serviceEvents(engine: "paper").contains { $0.kind == "feed_recovered" } }
        _ = try running.stop()
        await server.stop()

        let stale = try store.ledger.riskEvents().filter { $0.rule == "feed_stale" }
        #expect(!stale.isEmpty, "entries were attempted on the late bars and refused")
        #expect(stale.allSatisfy { $0.timeMs > freshThrough && $0.timeMs + Self.step < clock.now - 2 * Self.step }, "only bars that closed over 2 intervals ago")
        // Exits still pass while stale: the orders sent on stale bars all reduce a position.
        let onStaleBars = try store.ledger.orders().filter { $0.decidedMs > freshThrough && $0.decidedMs + Self.step < clock.now - 2 * Self.step }
        #expect(!onStaleBars.isEmpty && onStaleBars.allSatisfy(\.reduceOnly), "\(onStaleBars.map(\.clientOrderId))")
        // A restart rebuilds those bars as they were stepped (stale), so its check passes.
        let again = try PaperService(store: store, config: .builtIn(), catalog: InstrumentCatalog(), job: PaperServiceTests.job())
        #expect(again.resumedAfterMs == caughtUp)
    }
}
