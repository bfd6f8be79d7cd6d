import FakeBybit
import Foundation
import Market
import TestSupport
import Testing

@Suite struct CLIDownloadTests {
    @Test func downloadsThroughTheBinaryAndResumes() async throws {
        let state = FakeBybitState()
        let t0: Int64 = 1_704_067_200_000
        let bars = (0..<1500).map { i -> Bar in
            let p = 2000 + Double(i % 50)
            return Bar(openTime: t0 + Int64(i) * 3_600_000, open: p, high: p + 3, low: p - 2, close: p + 1, volume: 10)
        }
        await state.setKlines(bars, symbol: "ETHUSDT", interval: "60")
        await state.setClock(bars.last!.openTime + 3_600_000 + 60_000)
        await state.scheduleFault(.dropConnection, onKlineRequest: 2)
        let server = try await FakeBybitServer.start(state: state)
        defer { Task { await server.stop() } }
        let dir = try Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("d.sqlite").path
        let args = ["data", "download", "--db", db, "--symbol", "ETHUSDT", "--interval", "60", "--since", "2024-01-01", "--base-url", server.baseURL]
        let first = try await onDedicatedThread { try CLI.run(args, in: dir) }
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("1500 bars in 2 page(s)"), "\(first.out)")
        #expect(first.err.contains("retry 1"), "the dropped connection should be reported: \(first.err)")
        let second = try await onDedicatedThread { try CLI.run(args, in: dir) }
        #expect(second.out.contains("already up to date"), "\(second.out)")
        let list = try await onDedicatedThread { try CLI.run(["data", "list", "--db", db, "--json"], in: dir) }
        #expect(list.out.contains("\"bars\" : 1500") && list.out.contains("\"gaps\" : 0"), "\(list.out)")
    }
}

@Suite struct CLIInstrumentsTests {
    @Test func writesTheGridBybitListsAndNothingOnAnUnknownSymbol() async throws {
        let server = try await FakeBybitServer.start()
        defer { Task { await server.stop() } }
        let dir = try Fixtures.temporaryDirectory()
        let out = dir.appendingPathComponent("instruments.yaml").path
        let common = ["--base-url", server.baseURL, "--out", out]
        let ok = try await onDedicatedThread { try CLI.run(["data", "instruments", "--symbols", "ETHUSDT,BTCUSDT", "--json"] + common, in: dir) }
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("\"tick_size\" : \"0.1\"") && ok.out.contains("\"qty_step\" : \"0.01\""), "\(ok.out)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("  BTCUSDT: {tick_size: 0.1, qty_step: 0.001, min_qty: 0.001, min_notional: 5}"), "\(text)")
        #expect(text.contains("  ETHUSDT: {tick_size: 0.01, qty_step: 0.01, min_qty: 0.01, min_notional: 5}"), "\(text)")
        // The written file is what backtests read.
        let before = text
        let bad = try await onDedicatedThread { try CLI.run(["data", "instruments", "--symbols", "ETHUSDT,NOPEUSDT"] + common, in: dir) }
        #expect(bad.status == 3 && bad.err.contains("NOPEUSDT"), "\(bad.err)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
    }
}
