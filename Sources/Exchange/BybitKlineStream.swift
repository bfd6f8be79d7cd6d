import Foundation
import HummingbirdWSClient
import Logging
import Market
import Synchronization

/// What the public stream tells its consumer.
public enum StreamEvent: Sendable, Equatable {
    /// Subscribed (again): candles may have been missed before this, so the consumer fills gaps.
    case connected
    case candle(StreamCandle)
    case disconnected(reason: String)
}

/// Heartbeat and reconnect timings of the public stream (reference §8.2: ping every 20 s).
public struct StreamSettings: Sendable {
    public var pingInterval: Duration
    /// No frame at all (pongs included) for this long: the connection is dead; reconnect.
    public var silenceTimeout: Duration
    /// Back-off between reconnects (its `maxAttempts` is not used: the stream never gives up).
    public var reconnect: RetryPolicy

    public init(pingInterval: Duration = .seconds(20), silenceTimeout: Duration = .seconds(30),
                reconnect: RetryPolicy = RetryPolicy(baseDelay: 0.5, maxDelay: 30)) {
        self.pingInterval = pingInterval
        self.silenceTimeout = silenceTimeout
        self.reconnect = reconnect
    }
}

/// Bybit's public kline stream (`kline.{interval}.{symbol}`) over a WebSocket: subscribes, sends
/// the JSON ping, treats silence as a dead connection, and reconnects with back-off until the
/// task running it is cancelled. It reports candles as they come (confirmed or not); ordering,
/// duplicates and gaps are the consumer's business (`LiveBars`).
public struct BybitKlineStream: Sendable {
    public let url: String
    public let topics: [String]
    public let settings: StreamSettings
    private let logger: Logger

    public init(url: String, symbols: [Symbol], interval: Interval, settings: StreamSettings = StreamSettings(), logger: Logger) {
        self.url = url
        topics = symbols.map { "kline.\(interval.bybitCode).\($0.name)" }
        self.settings = settings
        self.logger = logger
    }

    /// Runs until cancelled, reconnecting after every failure.
    public func run(_ onEvent: @escaping @Sendable (StreamEvent) -> Void) async {
        var attempt = 0
        while !Task.isCancelled {
            let subscribed = Flag()
            let reason: String
            do {
                try await connectOnce(subscribed: subscribed, onEvent)
                reason = "the server closed the connection"
            } catch is CancellationError {
                return
            } catch {
                reason = "\(error)"
            }
            if Task.isCancelled { return }
            onEvent(.disconnected(reason: reason))
            attempt = subscribed.isSet ? 1 : attempt + 1
            let wait = settings.reconnect.backoff(attempt: attempt)
            logger.warning("bybit stream disconnected; reconnecting", metadata: ["reason": "\(reason)", "wait_s": "\(wait)"])
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
    }

    private func connectOnce(subscribed: Flag, _ onEvent: @escaping @Sendable (StreamEvent) -> Void) async throws {
        let topics = topics, settings = settings
        let subscribe = "{\"req_id\":\"subscribe\",\"op\":\"subscribe\",\"args\":[" + topics.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20, closeTimeout: .seconds(1)), logger: logger) { inbound, outbound, _ in
            let heard = Stamp()
            try await outbound.write(.text(subscribe))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        heard.touch()
                        guard case .text(let text) = message else { continue }
                        switch try StreamMessage.parse(text) {
                        case .candles(let candles):
                            for c in candles { onEvent(.candle(c)) }
                        case .ack(let op, let success, let message):
                            if op == "subscribe" {
                                guard success else { throw BybitError.stream(detail: "subscription refused: \(message)") }
                                subscribed.set()
                                onEvent(.connected)
                            }
                        }
                    }
                }
                group.addTask {
                    var n = 0
                    let tick = min(settings.pingInterval, settings.silenceTimeout / 4)
                    var sincePing = Duration.zero, sinceConnect = Duration.zero
                    while true {
                        try await Task.sleep(for: tick)
                        sincePing += tick
                        sinceConnect += tick
                        if heard.elapsed > settings.silenceTimeout {
                            throw BybitError.stream(detail: "no frame for \(heard.elapsed) (silence timeout \(settings.silenceTimeout))")
                        }
                        // Pongs alone do not make a feed: a subscription never acknowledged is a failure.
                        if !subscribed.isSet && sinceConnect > settings.silenceTimeout {
                            throw BybitError.stream(detail: "no answer to the subscription within \(settings.silenceTimeout)")
                        }
                        if sincePing >= settings.pingInterval {
                            n += 1
                            sincePing = .zero
                            try await outbound.write(.text("{\"req_id\":\"ping-\(n)\",\"op\":\"ping\"}"))
                        }
                    }
                }
                // The first to end (closed, silent or failed) ends the connection.
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// When a frame was last heard, shared by the reader and the heartbeat.
private final class Stamp: Sendable {
    private let nanos = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)
    func touch() { nanos.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed) }
    var elapsed: Duration { .nanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - nanos.load(ordering: .relaxed))) }
}

private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
