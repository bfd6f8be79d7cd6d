import Exchange
import FakeBybit
import Foundation
import Market
import TestSupport
import Testing

@Suite struct InstrumentsInfoTests {
    @Test func everyPageIsFollowedAndTheFiltersKeptExact() async throws {
        let state = FakeBybitState()
        // More than one page of 1000, so the client must follow nextPageCursor.
        let many = (0..<1203).map { FakeInstrument(symbol: "X\($0)USDT", tickSize: "0.0001", qtyStep: "1", minOrderQty: "1") }
        await state.setInstruments(FakeInstrument.linearDefaults + many)
        let server = try await FakeBybitServer.start(state: state)
        defer { Task { await server.stop() } }
        let base = server.baseURL
        let all = try await onDedicatedThread { try BybitMarketClient(baseURL: base).instruments(category: "linear") }
        #expect(all.count == 1206 && Set(all.map(\.symbol)).count == 1206)
        #expect(await state.log.filter { $0.path == "/v5/market/instruments-info" }.map { $0.query["cursor"] ?? "" } == ["", "1000"])
        let sol = try #require(all.first { $0.symbol == "SOLUSDT" })
        #expect(sol.tickSize == "0.010" && sol.qtyStep == "0.1" && sol.minOrderQty == "0.1" && sol.minNotional == "5")
        let one = try await onDedicatedThread { try BybitMarketClient(baseURL: base).instruments(category: "linear", symbol: "BTCUSDT") }
        #expect(one.map(\.tickSize) == ["0.10"])
    }

    @Test func aMissingCategoryIsTheDocumentedParamsError() async throws {
        let server = try await FakeBybitServer.start()
        defer { Task { await server.stop() } }
        let base = server.baseURL
        await #expect {
            try await onDedicatedThread { _ = try BybitMarketClient(baseURL: base).instruments(category: "futures") }
        } throws: { e in
            guard case let .api(_, code, _)? = e as? BybitError else { return false }
            return code == 10001
        }
    }
}
