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
