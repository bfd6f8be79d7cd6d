import Exchange
import Foundation
import Market
import MarketData
import Store

/// The feed's health as the operator sees it.
public enum FeedHealth: String, Sendable, Equatable {
    case fresh, stale
}

/// Timings of the live feed.
public struct LiveFeedSettings: Sendable {
    /// No closed bar for this long after the last one closed: stale (default: 2 intervals).
    public var staleAfterMs: Int64
    /// How long the loop waits for an event before it looks at the clock again (seconds).
    public var poll: Double
    /// While stale, how often the missing bars are asked of REST (ms).
    public var restRetryMs: Int64

    public init(interval: Interval, staleAfterMs: Int64? = nil, poll: Double = 0.5, restRetryMs: Int64? = nil) {
        self.staleAfterMs = staleAfterMs ?? 2 * interval.milliseconds
        self.poll = poll
        self.restRetryMs = restRetryMs ?? max(5_000, interval.milliseconds / 4)
    }
}

/// The Bybit feed: before trading starts, every bar missing since the last stored one comes over
/// REST and is stepped as a service that never stopped would have; then the stream's confirmed
/// candles, put in order by `LiveBars` (gaps filled over REST with the downloader's retries), are
/// stepped once every instrument has closed the bar-time and stored with its outcome. When no bar has closed for `staleAfterMs` the feed is stale: a `feed_stale` service
/// event, and bars stepped while they are that late let the risk manager refuse entries (exits
/// pass) until the feed has caught up again (`feed_recovered`). Events come from the stream's task
/// through `inbox`; everything else runs on the loop's thread.
public final class LiveFeed {
    public let service: PaperService
    public let settings: LiveFeedSettings
    private let store: DataStore
    private let downloader: KlineDownloader
    private let category: String
    /// Where the stream's task leaves its events.
    public let inbox: FeedInbox
    private let now: () -> Int64
    private var bars: LiveBars
    private var unstored: [(Int, Bar)] = []
    /// Instruments whose last REST fill failed (their failure is already recorded).
    private var failing = Set<Int>()
    public private(set) var health = FeedHealth.fresh
    /// When REST was last asked (monotonic: the retry pace is real time even under a test's clock).
    private var lastRestTry: ContinuousClock.Instant?

    /// `now` is the wall clock in epoch ms (injected so tests can play a day in seconds).
    public init(service: PaperService, store: DataStore, rest: BybitMarketClient, category: String, inbox: FeedInbox,
                settings: LiveFeedSettings? = nil, now: @escaping () -> Int64 = UTCTime.nowMs) {
        self.service = service
        self.store = store
        downloader = KlineDownloader(store: store, client: rest)
        self.category = category
        self.inbox = inbox
        self.now = now
        self.settings = settings ?? LiveFeedSettings(interval: service.interval)
        bars = LiveBars(instruments: service.instruments, interval: service.interval,
                        last: service.instruments.indices.map { service.lastBarMs($0) })
    }

    /// Seconds since the newest complete bar-time closed.
    public var lagSeconds: Double {
        guard let t = bars.completeThrough else { return .infinity }
        return Double(now() - (t + service.interval.milliseconds)) / 1000
    }

    /// Runs until `shouldStop`. `onBar` sees each committed bar-time, `onHealth` each change of
    /// the feed's health (with why).
    public func run(shouldStop: () -> Bool, onBar: (CycleOutcome, EngineState, Duration) -> Void = { _, _, _ in },
                    onHealth: (FeedHealth, String) -> Void = { _, _ in }) throws -> ServiceSummary {
        var summary = ServiceSummary()
        // The catch-up is stepped as an uninterrupted service would have stepped it, so a
        // restart gives the ledger a service that never stopped would have.
        try fillAll()
        try release(&summary, onBar, catchingUp: true)
        while !shouldStop() {
            if let event = inbox.take(timeout: settings.poll) {
                switch event {
                case .connected:
                    // Whatever closed while the stream was down.
                    try fillAll()
                case .disconnected(let reason):
                    try note("feed_disconnected", reason)
                case .candle(let c):
                    try take(c)
                }
            }
            // While stale, REST is asked again every `restRetryMs` (the stream may be dead quietly).
            if health == .stale, lastRestTry.map({ ContinuousClock.now - $0 >= .milliseconds(settings.restRetryMs) }) ?? true { try fillAll() }
            try release(&summary, onBar)
            try watch(onHealth)
        }
        summary.close(service, interrupted: true)
        return summary
    }

    private func take(_ c: StreamCandle) throws {
        guard let action = bars.receive(c) else { return }
        switch action {
        case .accept(let i, let bar):
            try accept(bar, i)
        case .fill(let i, let through):
            try fill(i, through: through)
            // A confirmed candle the fill did not reach (the exchange's REST a moment behind its stream).
            if case .accept(let j, let bar)? = bars.receive(c) { try accept(bar, j) }
        }
    }

    /// A streamed bar waits in `unstored` until its bar-time is committed, in the same transaction.
    private func accept(_ bar: Bar, _ i: Int, stored: Bool = false) throws {
        if !stored { unstored.append((i, bar)) }
        service.append(bar, to: i)
        bars.advance(i, to: bar.openTime)
    }

    /// Every instrument's bars since its newest held one, up to the newest closed one.
    private func fillAll() throws {
        for i in service.instruments.indices { try fill(i, through: nil) }
    }

    /// Downloads instrument i's missing bars (through `through`, or the newest closed) and takes
    /// what the store then holds after the newest held bar. A REST failure that outlasts the
    /// downloader's retries is a service event, not a crash: the feed goes stale and tries again.
    private func fill(_ i: Int, through: Int64?) throws {
        let symbol = service.instruments[i], step = service.interval.milliseconds
        guard let held = bars.last[i] else { return }
        lastRestTry = .now
        do {
            _ = try downloader.run(DownloadRequest(symbol: symbol, interval: service.interval, category: category, since: held + step, until: through))
            failing.remove(i)
        } catch let e as BybitError {
            try noteFailure(i, "\(symbol.name) after \(UTCTime.iso(held)): \(e)")
        } catch let e as DownloadError {
            try noteFailure(i, "\(symbol.name) after \(UTCTime.iso(held)): \(e)")
        }
        let got = try store.bars.series(symbol: symbol, interval: service.interval, from: held + step, to: through)
        for k in 0..<got.count { try accept(got[k], i, stored: true) }
    }

    /// Steps every complete bar-time; once running, each is marked stale when it closed longer
    /// ago than `staleAfterMs`.
    private func release(_ summary: inout ServiceSummary, _ onBar: (CycleOutcome, EngineState, Duration) -> Void, catchingUp: Bool = false) throws {
        guard let through = bars.completeThrough else { return }
        let clock = ContinuousClock()
        while let t = service.nextBarMs, t <= through {
            let stale = !catchingUp && now() - (t + service.interval.milliseconds) > settings.staleAfterMs
            let began = clock.now
            let due = unstored.filter { $0.1.openTime <= t }
            guard let out = try service.step(through: through, storing: due, feedStale: stale) else { break }
            unstored.removeAll { $0.1.openTime <= t }
            guard out.timeMs >= service.session.startMs else { continue }
            onBar(out, service.state, clock.now - began)
            summary.add(out)
        }
    }

    /// Health from the lag of the newest complete bar-time.
    private func watch(_ onHealth: (FeedHealth, String) -> Void) throws {
        let lag = lagSeconds
        let lagMs = lag.isFinite ? Int64(lag * 1000) : .max
        if lagMs > settings.staleAfterMs {
            if health == .fresh {
                health = .stale
                let why = (lag.isFinite ? "no closed bar for \(lagMs / 1000) s" : "an instrument has no bar at all") + " (stale after \(settings.staleAfterMs / 1000) s); entries are refused until the feed catches up"
                try note("feed_stale", why)
                onHealth(.stale, why)
            }
        } else if health == .stale {
            health = .fresh
            let why = "caught up: bars through \(bars.completeThrough.map(UTCTime.iso) ?? "-")"
            try note("feed_recovered", why)
            onHealth(.fresh, why)
        }
    }

    /// One `rest_fill_failed` event per outage of an instrument, not one per retry.
    private func noteFailure(_ i: Int, _ detail: String) throws {
        guard failing.insert(i).inserted else { return }
        try note("rest_fill_failed", detail)
    }

    private func note(_ kind: String, _ detail: String) throws {
        try store.ledger.record(ServiceEventRow(engine: service.engine, wallMs: now(), barMs: bars.completeThrough, kind: kind, detail: detail))
    }
}
