import Engine
import Exchange
import Foundation
import Logging
import Market
import ServiceLifecycle
import Synchronization

/// The bar loop as a service of the process's `ServiceGroup`: it runs the feed on a thread of its
/// own (the loop blocks on SQLite commits), publishes each committed bar to the live status and
/// the metrics, and on graceful shutdown (SIGTERM, SIGINT) finishes the bar in progress, commits
/// it and returns. A live feed's stream runs as a task beside it and is cancelled with it.
public final class PaperLoop: Service, Sendable {
    /// Where the loop's bars come from.
    public enum Feed {
        /// The stored bars, as fast as possible (nil) or N× real time.
        case replay(speed: Double?)
        /// Bybit's stream into `feed.inbox`, put in order and filled by `feed`.
        case live(LiveFeed, stream: BybitKlineStream)
    }

    private let service: UncheckedBox<PaperService>
    private let feed: UncheckedBox<Feed>
    private let status: LiveStatus
    private let metrics: ServiceMetrics
    private let logger: Logger
    private let stop = Atomic<Bool>(false)
    private let result = Mutex<ServiceSummary?>(nil)

    public init(_ service: PaperService, feed: Feed, status: LiveStatus, metrics: ServiceMetrics, logger: Logger) {
        self.service = UncheckedBox(service)
        self.feed = UncheckedBox(feed)
        self.status = status
        self.metrics = metrics
        self.logger = logger
    }

    /// What the loop did, once it has returned.
    public var summary: ServiceSummary? { result.withLock { $0 } }

    public func run() async throws {
        var streaming: Task<Void, Never>?
        if case .live(let live, let stream) = feed.value {
            let inbox = live.inbox
            streaming = Task { await stream.run { inbox.put($0) } }
        }
        defer { streaming?.cancel() }
        try await withGracefulShutdownHandler {
            let summary = try await withCheckedThrowingContinuation { (k: CheckedContinuation<ServiceSummary, any Error>) in
                let thread = Thread { [self] in
                    do { k.resume(returning: try loop()) } catch { k.resume(throwing: error) }
                }
                thread.name = "mlbot-bar-loop"
                thread.start()
            }
            result.withLock { $0 = summary }
        } onGracefulShutdown: { [self] in
            stop.store(true, ordering: .relaxed)
        }
    }

    private func loop() throws -> ServiceSummary {
        let service = service.value, status = status, metrics = metrics, logger = logger
        status.update { $0.warm = true }
        logger.info("warm-up done", metadata: ["resumed_after": "\(service.resumedAfterMs.map(UTCTime.iso) ?? "none")",
                                               "strategies": "\(service.session.strategies.joined(separator: ","))"])
        var trading = service.state.risk.trading
        let onBar: (CycleOutcome, EngineState, Duration) -> Void = { out, state, took in
            let risk = state.risk
            let drawdown = risk.highWaterMark > 0 ? max(0, 1 - out.equity / risk.highWaterMark) : 0
            metrics.observe(out, state: state, drawdown: drawdown, seconds: took)
            let settings = service.settings
            let swaps = service.lastSwaps
            for d in service.lastShadowDecisions { logger.notice("shadow \(d.status)", metadata: ["strategy": "\(d.strategy)", "why": "\(d.reason)"]) }
            for e in service.lastExpiryEvents { logger.warning("\(e.kind)", metadata: ["detail": "\(e.detail)"]) }
            for row in swaps {
                if row.status == "swapped" {
                    logger.notice("model swapped", metadata: ["strategy": "\(row.strategy)", "from": "\(row.fromModel ?? "-")", "to": "\(row.toModel)", "bar": "\(UTCTime.iso(row.barMs))"])
                } else {
                    logger.warning("model swap refused", metadata: ["strategy": "\(row.strategy)", "model": "\(row.toModel)", "why": "\(row.reason)"])
                }
            }
            status.update { s in
                if swaps.contains(where: { $0.status == "swapped" }) {
                    for k in s.strategies.indices {
                        let m = service.model(k)
                        s.strategies[k].model = m?.reference
                        s.strategies[k].modelCreatedMs = m?.createdMs
                        s.strategies[k].modelTrainedThroughMs = service.strategies[k].runtime.modelThroughMs
                    }
                }
                for k in s.strategies.indices { s.strategies[k].modelExpired = service.expired[k] }
                s.settingsVersion = settings.version; s.confidence = settings.confidence
                s.maxDrawdown = settings.risk.maxDrawdown; s.maxDailyLoss = settings.risk.maxDailyLoss
                s.equity = out.equity; s.dayStartEquity = risk.dayStartEquity; s.highWaterMark = risk.highWaterMark
                s.trading = risk.trading; s.tradingCause = risk.cause?.rawValue; s.lastBarMs = out.timeMs
                s.lastCommitMs = UTCTime.nowMs(); s.barTimes += 1
                for sig in out.signals {
                    s.strategies[sig.strategy].lastProbability = sig.probability.isNaN ? nil : sig.probability
                    s.strategies[sig.strategy].lastTarget = sig.target
                    s.strategies[sig.strategy].lastThreshold = sig.threshold
                }
                for (i, instrument) in state.instruments.enumerated() where state.lastClose[i].isFinite { s.marks[instrument.symbol.name] = state.lastClose[i] }
                for k in s.strategies.indices {
                    if k < state.allocator.weights.count { s.strategies[k].allocation = state.allocator.weights[k] }
                    s.strategies[k].pnl = state.pnl(strategy: k)
                    s.strategies[k].enabled = !settings.disabled.contains(s.strategies[k].name)
                }
            }
            if risk.trading != trading {
                logger.notice("trading state \(trading.rawValue) → \(risk.trading.rawValue)", metadata: ["rule": "\(risk.cause?.rawValue ?? "-")", "bar": "\(UTCTime.iso(out.timeMs))"])
                trading = risk.trading
            }
            for o in out.orders { logger.info("order", metadata: ["id": "\(o.id.value)", "symbol": "\(o.symbol.name)", "side": "\(o.side)", "quantity": "\(o.quantity)"]) }
            for f in out.fills {
                logger.info("fill", metadata: ["id": "\(f.orderID.value)", "symbol": "\(f.symbol.name)", "side": "\(f.side)", "quantity": "\(f.quantity.exact)",
                                               "price": "\(f.price.exact)", "fee": "\(f.feeAmount.exact)"])
            }
            for c in out.commands { logger.notice("operator command applied", metadata: ["command": "\(c.rawValue)", "bar": "\(UTCTime.iso(out.timeMs))"]) }
            if !out.cancelled.isEmpty { logger.notice("orders cancelled", metadata: ["ids": "\(out.cancelled.map(\.id.value).joined(separator: ","))"]) }
            for e in out.riskEvents where e.kind == .veto { logger.info("veto", metadata: ["rule": "\(e.finding.rule.rawValue)", "message": "\(e.finding.message)"]) }
        }
        let shouldStop = { self.stop.load(ordering: .relaxed) }
        let summary: ServiceSummary
        switch feed.value {
        case .replay(let speed):
            summary = try ReplayFeed.run(service, speed: speed, shouldStop: shouldStop, onBar: onBar)
        case .live(let live, _):
            summary = try live.run(shouldStop: shouldStop, onBar: onBar, onHealth: { health, why in
                status.update { $0.feedStale = health == .stale; $0.feedDetail = why }
                if health == .stale { logger.warning("feed_stale", metadata: ["why": "\(why)"]) } else { logger.notice("feed_recovered", metadata: ["why": "\(why)"]) }
            })
        }
        status.update { $0.finished = !summary.interrupted }
        logger.info("loop stopped", metadata: ["bar_times": "\(summary.barTimes)", "interrupted": "\(summary.interrupted)"])
        return summary
    }
}

/// The loop's service object is used by one thread at a time (the loop's), never concurrently.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
