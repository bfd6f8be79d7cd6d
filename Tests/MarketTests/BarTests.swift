import Market
import Testing

@Suite struct BarTests {
    let good = Bar(openTime: 0, open: 10, high: 12, low: 9, close: 11, volume: 5)

    @Test func consistentBarPasses() { #expect(good.inconsistency == nil) }

    @Test func eachRuleNamesItsField() {
        var b = good; b.high = 10.5
        #expect(b.inconsistency?.field == "high")
        b = good; b.low = 10.5
        #expect(b.inconsistency?.field == "low")
        b = good; b.open = 0
        #expect(b.inconsistency?.field == "open")
        b = good; b.close = -1
        #expect(b.inconsistency?.field == "close")
        b = good; b.volume = -0.1
        #expect(b.inconsistency?.field == "volume")
        b = good; b.high = .infinity
        #expect(b.inconsistency?.field == "high")
    }

    @Test func seriesIsAStructOfArrays() throws {
        var s = BarSeries(symbol: try Symbol("BTCUSDT"), interval: .oneMinute)
        s.append(good)
        s.append(Bar(openTime: 60_000, open: 11, high: 11, low: 11, close: 11, volume: 0))
        #expect(s.count == 2 && s.close == [11, 11] && s[0] == good)
        #expect(throws: MarketError.self) { try Symbol("btcusdt") }
        #expect(throws: MarketError.self) { try Symbol("BTC-USDT") }
    }
}
