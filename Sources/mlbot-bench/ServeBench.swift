import Dispatch
import Discovery
import Engine
import Exchange
import FakeBybit
import Foundation
import Logging
import Market
import MarketData
import Store
import Synchronization

extension Bench {
    /// The paper service on the replay feed with a commit per bar-time: 3 symbols × 3 rule
    /// strategies over `MLBOT_BENCH_SERVE_BARS` (default 1,000,000) one-minute bar-times of
    /// synthetic data in a temporary SQLite store. Run from the repository root (reads features/).
    static func serve() throws {
        let n = setting("MLBOT_BENCH_SERVE_BARS", 1_000_000)
        print("Serve: paper service, replay feed at full speed, one SQLite transaction per bar-time, \(n) bar-times, 3 symbols × 3 strategies")
        let dir = try scratchDirectory("serve")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (store, names) = try serveFixture(dir: dir, bars: n)
        var config = MlbotConfig.builtIn()
        config.risk.maxDailyTrades = 1_000_000
        // Limits that never trip: the benchmark keeps trading to its last bar.
        config.risk.maxDrawdown = 0.99
        config.risk.maxDailyLoss = 0.99
        let began = Date()
        let service = try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: BacktestJob(target: .names(names), mode: .model))
        let setup = Date().timeIntervalSince(began)
        var decision: [Int64] = [], commit: [Int64] = []
        decision.reserveCapacity(n); commit.reserveCapacity(n)
        var curve: [String] = []
        let start = Date()
        let writtenBefore = bytesWritten()
        var count = 0, orders = 0
        while let out = try service.step() {
            count += 1
            orders += out.orders.count
            decision.append(service.lastDecision.nanoseconds)
            commit.append(service.lastCommit.nanoseconds)
            // (The two latency arrays above are reserved up front and paged in as they fill: 16 bytes a bar-time of this curve.)
            if count % 100_000 == 0 { curve.append(String(format: "%dk %.0f MB", count / 1000, residentMB())) }
        }
        let seconds = Date().timeIntervalSince(start)
        let written = bytesWritten() - writtenBefore
        func percentile(_ xs: [Int64], _ q: Double) -> Double { Double(xs.sorted()[min(xs.count - 1, Int(q * Double(xs.count)))]) / 1000 }
        print(String(format: "  %-45@ %.1f s: %.0f bar-times/s with commits (%d orders); start-up (load, look-ahead gates) %.1f s",
                     "replay of \(count) bar-times" as NSString, seconds, Double(count) / seconds, orders, setup))
        print(String(format: "  decision per bar-time (bar in → orders out): p50 %.1f µs, p99 %.1f µs", percentile(decision, 0.5), percentile(decision, 0.99)))
        print(String(format: "  commit per bar-time (one transaction): p50 %.1f µs, p99 %.1f µs", percentile(commit, 0.5), percentile(commit, 0.99)))
        // What bounds the rate: each commit appends its changed pages (4 KiB each) to the WAL.
        print(String(format: "  written to the WAL and checkpoints: %.1f KiB per bar-time (%.0f MB/s)", Double(written) / 1024 / Double(max(count, 1)),
                     Double(written) / 1e6 / seconds))
        print("  resident memory: " + curve.joined(separator: ", "))
    }

    /// Bytes this process has written through write(2)/pwrite(2) so far (Linux /proc/self/io `wchar`).
    static func bytesWritten() -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("wchar:") { return Int64(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0 }
        return 0
    }
}

extension Duration {
    /// Whole nanoseconds.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

extension Bench {
    /// The bybit feed against the local fake server: 3 symbols × 3 rule strategies; each bar-time's
    /// three confirmed candles pushed over the WebSocket, then the time until that bar-time's
    /// outcome is committed (`MLBOT_BENCH_BYBIT_BARS`, default 3,000 bar-times, one at a time).
    static func serveBybit() throws {
        let n = setting("MLBOT_BENCH_BYBIT_BARS", 3_000)
        print("Serve, bybit feed: fake server's confirmed candle → outcome committed, \(n) bar-times, 3 symbols × 3 strategies")
        let dir = try scratchDirectory("bybit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (store, names) = try serveFixture(dir: dir, bars: 2 * 1440 + n)
        let step: Int64 = 60_000
        var all: [Symbol: BarSeries] = [:]
        for c in try store.bars.coverage() { all[try Symbol(c.symbol)] = try store.bars.series(symbol: try Symbol(c.symbol), interval: .oneMinute) }
        let last = all.values.map { $0.openTime.last! }.min()!
        let stored = last - Int64(n) * step
        try store.ledger.write { db in try db.execute(sql: "DELETE FROM bars WHERE open_time > ?", arguments: [stored]) }
        let server = try blocking { try await FakeBybitServer.start() }
        let clock = BenchClock()
        clock.set(stored + step + 500)
        try blocking { await server.state.setClock(clock.now) }
        var config = MlbotConfig.builtIn()
        config.risk.maxDailyTrades = 1_000_000
        // Limits that never trip: the benchmark keeps trading to its last bar.
        config.risk.maxDrawdown = 0.99
        config.risk.maxDailyLoss = 0.99
        let service = try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: BacktestJob(target: .names(names), mode: .model))
        let inbox = FeedInbox()
        let feed = LiveFeed(service: service, store: store, rest: BybitMarketClient(baseURL: server.baseURL), category: "linear", inbox: inbox,
                            now: { clock.now })
        let stream = BybitKlineStream(url: server.streamURL, symbols: service.instruments, interval: .oneMinute,
                                      logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let streaming = Task { await stream.run { inbox.put($0) } }
        let committed = BenchCommits()
        let loop = BenchLoop(feed, committed)
        let instruments = service.instruments
        let frozen = all
        let topics = service.instruments.map { "kline.1.\($0.name)" }
        while try blocking({ await topics.asyncAllSatisfy { await server.state.stream.subscribers($0) > 0 } }) == false { Thread.sleep(forTimeInterval: 0.01) }
        while committed.last < stored { Thread.sleep(forTimeInterval: 0.01) }
        var latency: [Int64] = []
        latency.reserveCapacity(n)
        for k in 1...n {
            let t = stored + Int64(k) * step
            clock.set(t + step + 500)
            let pushed = try blocking { () -> ContinuousClock.Instant in
                for s in instruments {
                    let series = frozen[s]!
                    let i = series.openTime.firstIndex(of: t)!
                    await server.state.stream.push(series[i], symbol: s.name, interval: .oneMinute, confirm: true)
                }
                return ContinuousClock.now
            }
            while committed.last < t { }
            latency.append((committed.at - pushed).nanoseconds)
        }
        _ = try loop.stop()
        streaming.cancel()
        try blocking { await server.stop() }
        let sorted = latency.sorted()
        func q(_ p: Double) -> Double { Double(sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]) / 1000 }
        print(String(format: "  candle → committed (WebSocket frame, parse, store the bar, step, commit): p50 %.0f µs, p99 %.0f µs, max %.0f µs", q(0.5), q(0.99), q(1)))
    }

    /// A temporary store with `bars` one-minute bars of BTC, ETH and SOL and 3 rule strategies per symbol.
    static func serveFixture(dir: URL, bars: Int) throws -> (DataStore, [String]) {
        let store = try DataStore(path: dir.appendingPathComponent("s.sqlite").path)
        let symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
        _ = try SyntheticData.generate(SyntheticMarket.Config(symbols: try symbols.map(Symbol.init), interval: .oneMinute, start: 1_704_067_200_000,
                                                              bars: bars, seed: 42), into: store, policy: .keepExisting)
        let signals = ["{rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}", "{rule: band, feature: rsi_14, lower: 30, upper: 70}",
                       "{rule: below, feature: bb_percent_b_20_2, level: 0.1}"]
        var names: [String] = []
        for s in symbols {
            for (k, signal) in signals.enumerated() {
                let name = "\(s.lowercased())-\(k)"
                let file = dir.appendingPathComponent("\(name).yaml")
                try "name: \(name)\nsymbol: \(s)\ninterval: 1m\nfeature_set: default\nhorizon: 15\nsignal: \(signal)\nexit: {kind: opposite}\nsizing: {kind: fixed, fraction: 0.05}\n"
                    .write(to: file, atomically: true, encoding: .utf8)
                _ = try StoredStrategy.importFile(file.path, store: store, featuresDirectory: "features", replace: false)
                names.append(name)
            }
        }
        return (store, names)
    }

    /// Runs async work from the benchmark's synchronous code.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let r: Result<T, any Error>
            do { r = .success(try await work()) } catch { r = .failure(error) }
            box.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        return try box.withLock { $0! }.get()
    }
}

/// The benchmark's wall clock (epoch ms), moved bar by bar.
final class BenchClock: Sendable {
    private let ms = Atomic<Int64>(0)
    func set(_ v: Int64) { ms.store(v, ordering: .relaxed) }
    var now: Int64 { ms.load(ordering: .relaxed) }
}

/// The newest committed bar-time and when it was committed, written by the loop's thread.
final class BenchCommits: Sendable {
    private let state = Mutex<(Int64, ContinuousClock.Instant)>((.min, .now))
    func commit(_ t: Int64) { state.withLock { $0 = (t, .now) } }
    var last: Int64 { state.withLock { $0.0 } }
    var at: ContinuousClock.Instant { state.withLock { $0.1 } }
}

/// The feed's loop on its own thread, as the service runs it.
final class BenchLoop: @unchecked Sendable {
    private let feed: LiveFeed
    private let stopFlag = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<ServiceSummary, any Error>?

    init(_ feed: LiveFeed, _ commits: BenchCommits) {
        self.feed = feed
        Thread { [self] in
            result = Result { try self.feed.run(shouldStop: { self.stopFlag.load(ordering: .relaxed) }, onBar: { out, _, _ in commits.commit(out.timeMs) }) }
            done.signal()
        }.start()
    }

    func stop() throws -> ServiceSummary {
        stopFlag.store(true, ordering: .relaxed)
        done.wait()
        return try result!.get()
    }
}

extension Sequence where Element: Sendable {
    func asyncAllSatisfy(_ p: (Element) async -> Bool) async -> Bool {
        for e in self where !(await p(e)) { return false }
        return true
    }
}
