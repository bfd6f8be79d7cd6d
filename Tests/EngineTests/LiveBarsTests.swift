import Engine
import Exchange
import Market
import Testing

/// The stream's candles into ordered closed bars: nothing skipped, nothing taken twice.
@Suite struct LiveBarsTests {
    static let btc = try! Symbol("BTCUSDT"), eth = try! Symbol("ETHUSDT")
    static let t0: Int64 = 1_704_067_200_000, step: Int64 = 60_000

    static func candle(_ s: Symbol, _ k: Int64, confirm: Bool = true, interval: Interval = .oneMinute) -> StreamCandle {
        StreamCandle(symbol: s, interval: interval, bar: Bar(openTime: t0 + k * step, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3), confirm: confirm)
    }

    @Test func takesTheNextConfirmedCandleAndIgnoresRepeatsAndLateOnes() {
        var bars = LiveBars(instruments: [Self.btc, Self.eth], interval: .oneMinute, last: [Self.t0, Self.t0])
        #expect(bars.receive(Self.candle(Self.btc, 1, confirm: false)) == nil, "still forming")
        let c = Self.candle(Self.btc, 1)
        #expect(bars.receive(c) == .accept(0, c.bar))
        bars.advance(0, to: c.bar.openTime)
        #expect(bars.receive(c) == nil && bars.receive(Self.candle(Self.btc, 0)) == nil, "a duplicate and a late candle")
        #expect(bars.ignored == 2)
        // A bar-time is complete only when every instrument has closed it.
        #expect(bars.completeThrough == Self.t0)
        bars.advance(1, to: Self.t0 + Self.step)
        #expect(bars.completeThrough == Self.t0 + Self.step)
    }

    @Test func aGapAsksForTheMissingBarsOverREST() {
        var bars = LiveBars(instruments: [Self.btc], interval: .oneMinute, last: [Self.t0])
        // Confirmed, but two bars early: fill through it (REST is the authority for a gap).
        #expect(bars.receive(Self.candle(Self.btc, 3)) == .fill(0, through: Self.t0 + 3 * Self.step))
        // A newer candle forming means the one before it closed, confirm seen or not.
        #expect(bars.receive(Self.candle(Self.btc, 2, confirm: false)) == .fill(0, through: Self.t0 + Self.step))
    }

    @Test func candlesOfOtherSymbolsOrIntervalsAreIgnored() throws {
        var bars = LiveBars(instruments: [Self.btc], interval: .oneMinute, last: [Self.t0])
        #expect(bars.receive(Self.candle(Self.eth, 1)) == nil)
        #expect(bars.receive(Self.candle(Self.btc, 5, interval: try Interval("5m"))) == nil)
        #expect(bars.ignored == 2)
    }
}
