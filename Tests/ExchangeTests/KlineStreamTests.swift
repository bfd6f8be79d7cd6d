import Exchange
import FakeBybit
import Foundation
import Logging
import Market
import Synchronization
import TestSupport
import Testing

/// The public stream's frames (reference §8) and the fake server's side of them.
@Suite struct KlineStreamTests {
    /// `bybit-v5-examples/ws-kline.json`, kept here so parsing is tested even without ../shared.
    static let documented = #"{"topic":"kline.5.BTCUSDT","data":[{"start":1672324800000,"end":1672325099999,"interval":"5","open":"16649.5","close":"16677","high":"16677","low":"16608","volume":"2.081","turnover":"34666.4005","confirm":false,"timestamp":1672324988882}],"ts":1672324988882,"type":"snapshot"}"#

    @Test func readsTheDocumentedKlinePush() throws {
        var texts = [Self.documented]
        if let url = Fixtures.sharedFile("reference/bybit-v5-examples/ws-kline.json") { texts.append(try String(contentsOf: url, encoding: .utf8)) }
        for text in texts {
            let candle = StreamCandle(symbol: try Symbol("BTCUSDT"), interval: try Interval("5m"),
                                      bar: Bar(openTime: 1_672_324_800_000, open: 16649.5, high: 16677, low: 16608, close: 16677, volume: 2.081), confirm: false)
            #expect(try StreamMessage.parse(text) == .candles([candle]))
        }
    }

    @Test func readsAcksAndPongs() throws {
        #expect(try StreamMessage.parse(#"{"success":true,"ret_msg":"","conn_id":"3cd84cb1","req_id":"","op":"subscribe"}"#) == .ack(op: "subscribe", success: true, message: ""))
        #expect(try StreamMessage.parse(#"{"success":true,"ret_msg":"pong","conn_id":"465772b1","req_id":"","op":"ping"}"#) == .ack(op: "ping", success: true, message: "pong"))
    }

    @Test func aChangedFormatIsAnErrorNamingWhatIsWrong() {
        let bad = Self.documented.replacingOccurrences(of: #""open":"16649.5""#, with: #""open":16649.5"#)
        #expect(throws: BybitError.self) { try StreamMessage.parse(bad) }
        do { _ = try StreamMessage.parse(bad) } catch { #expect("\(error)".contains("open")) }
        let wrongEnd = Self.documented.replacingOccurrences(of: "1672325099999", with: "1672325099998")
        do { _ = try StreamMessage.parse(wrongEnd); Issue.record("accepted an end that is not start + interval − 1") } catch {
            #expect("\(error)".contains("data[0]"))
        }
        #expect(throws: BybitError.self) { try StreamMessage.parse(#"{"type":"snapshot"}"#) }
    }

    /// The client against the fake server: subscribed, pinged, candles through, and a
    /// reconnect after the server drops it.
    @Test func subscribesPingsAndReconnects() async throws {
        let server = try await FakeBybitServer.start()
        let events = Mutex<[StreamEvent]>([])
        let stream = BybitKlineStream(url: server.streamURL, symbols: [try Symbol("BTCUSDT")], interval: .oneMinute,
                                      settings: StreamSettings(pingInterval: .milliseconds(50), silenceTimeout: .milliseconds(10_000),
                                                               reconnect: RetryPolicy(baseDelay: 0.05, maxDelay: 0.1)),
                                      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { await stream.run { e in events.withLock { $0.append(e) } } }
        func wait(_ what: String, _ ok: () async -> Bool) async throws {
            // Up to 20 s: on a loaded machine (the whole suite on 2 cores) the loopback can lag.
            for _ in 0..<2000 where !(await ok()) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await ok(), "\(what)")
        }
        try await wait("subscribed") { await server.state.stream.subscribers("kline.1.BTCUSDT") == 1 }
        let bar = Bar(openTime: 1_704_067_200_000, open: 42000.5, high: 42100, low: 41950.25, close: 42050, volume: 12.5)
        await server.state.stream.push(bar, symbol: "BTCUSDT", interval: .oneMinute, confirm: true)
        try await wait("the candle") { events.withLock { $0.contains(.candle(StreamCandle(symbol: try! Symbol("BTCUSDT"), interval: .oneMinute, bar: bar, confirm: true))) } }
        try await wait("a ping") { await server.state.stream.received.contains { $0.contains("\"op\":\"ping\"") } }
        await server.state.stream.dropConnections()
        try await wait("the reconnect") {
            let accepted = await server.state.stream.accepted
            let subscribed = await server.state.stream.subscribers("kline.1.BTCUSDT")
            return accepted == 2 && subscribed == 1
        }
        // The client has read the second subscription's ack.
        try await wait("connected again") { events.withLock { $0.filter { $0 == .connected }.count == 2 } }
        task.cancel()
        await task.value
        await server.stop()
        let seen = events.withLock { $0 }
        #expect(seen.filter { $0 == .connected }.count == 2)
        #expect(seen.contains { if case .disconnected = $0 { true } else { false } })
        let first = await server.state.stream.received.first ?? ""
        #expect(first == #"{"req_id":"subscribe","op":"subscribe","args":["kline.1.BTCUSDT"]}"#)
    }
}
