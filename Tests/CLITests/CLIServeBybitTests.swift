import FakeBybit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Market
import Store
import TestSupport
import Testing

/// `mlbot serve --paper --feed bybit` against the fake exchange, as an operator runs it: the
/// REST catch-up before trading, candles from the stream, and the feed reported stale (its bars
/// are from 2024, so by the wall clock they are far behind).
@Suite(.serialized) struct CLIServeBybitTests {
    @Test func catchesUpOverRESTFollowsTheStreamAndReportsTheFeedStale() async throws {
        let w = try CLIServeTests.workspace("serve-bybit")
        let step: Int64 = 60_000
        // The exchange has every bar; the store lacks the last 30 of each symbol.
        let store = try DataStore(path: w.db, mustExist: true)
        var all: [String: [Bar]] = [:]
        for c in try store.bars.coverage() { all[c.symbol] = try store.bars.series(symbol: try Symbol(c.symbol), interval: try Interval(c.interval)).bars }
        let last = all.values.map { $0.last!.openTime }.min()!
        let stored = last - 30 * step, restThrough = last - 10 * step
        try store.ledger.write { db in try db.execute(sql: "DELETE FROM bars WHERE open_time > ?", arguments: [stored]) }
        let state = FakeBybitState()
        for (symbol, bars) in all { await state.setKlines(bars, symbol: symbol, interval: "1") }
        await state.setClock(restThrough + step + 500)
        let server = try await FakeBybitServer.start(state: state)
        let config = try Fixtures.write("data:\n  bybit:\n    base_url: \(server.baseURL)\n    category: linear\n", named: "mlbot.yaml", in: w.dir)
        let p = try Spawned(["serve", "--paper", "--config", config, "--db", w.db, "--features-dir", CLIServeTests.features, "--strategies", "eth-ema,sol-rsi",
                             "--feed", "bybit", "--port", "0"], in: w.dir, label: "bybit")

        // The stream subscribes while the catch-up runs; its candles wait in the inbox.
        var topics: [String] = []
        for _ in 0..<600 where topics.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            if let frame = await state.stream.received.first(where: { $0.contains("subscribe") }),
               let object = try? JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: Any] { topics = object["args"] as? [String] ?? [] }
        }
        #expect(!topics.isEmpty && topics.allSatisfy { $0.hasPrefix("kline.1.") }, "\(topics)")
        let reader = try DataStore(path: w.db, mustExist: true)
        for _ in 0..<600 where (try reader.ledger.cursor("paper")?.lastBarMs) != restThrough { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try reader.ledger.cursor("paper")?.lastBarMs == restThrough, "the REST catch-up is stepped before the stream's candles")
        // Ten more bars from the stream, each forming then confirmed, as Bybit pushes them.
        for k in 1...10 {
            let t = restThrough + Int64(k) * step
            await state.setClock(t + step + 500)
            for topic in topics {
                let symbol = String(topic.split(separator: ".")[2])
                guard let bar = all[symbol]?.first(where: { $0.openTime == t }) else { continue }
                await state.stream.push(bar, symbol: symbol, interval: .oneMinute, confirm: false)
                await state.stream.push(bar, symbol: symbol, interval: .oneMinute, confirm: true)
            }
        }
        for _ in 0..<600 where (try reader.ledger.cursor("paper")?.lastBarMs) != last { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try reader.ledger.cursor("paper")?.lastBarMs == last, "every streamed bar is committed")
        #expect(try reader.bars.count(symbol: try Symbol("ETHUSDT"), interval: .oneMinute) == all["ETHUSDT"]!.count, "and stored")

        // By the wall clock these bars are years old: stale, and the API says so.
        let err = (try? String(contentsOf: p.err, encoding: .utf8)) ?? ""
        let api = try #require(err.range(of: "API on ").map { String(err[$0.upperBound...].prefix { !$0.isWhitespace }) }, "\(err)")
        func get(_ path: String) async throws -> (Int, String) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: api + path)!)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
        let ready = try await get("/ready")
        #expect(ready.0 == 503 && ready.1.contains("feed_stale"), "\(ready.1)")
        let status = try await get("/status")
        #expect(status.1.contains(#""feed":"bybit""#) && status.1.contains(#""feed_stale":true"#), "\(status.1)")
        let metrics = try await get("/metrics")
        #expect(metrics.1.contains("mlbot_feed_lag_seconds"), "\(metrics.1)")
        #expect(try reader.ledger.serviceEvents(engine: "paper").contains { $0.kind == "feed_stale" })

        p.signal(SIGTERM)
        let r = p.wait()
        await server.stop()
        #expect(r.status == 0 && r.out.contains("stopped on request"), "status \(r.status): \(r.out) \(r.err.suffix(800))")
        #expect(r.err.contains("feed_stale"), "the log says the feed went stale")
    }
}
