import Foundation
import Market
import MarketData
import NumericKit
import Store
import TestSupport
import Testing

@Suite struct SyntheticMarketTests {
    static let symbols = try! ["BTCUSDT", "ETHUSDT", "SOLUSDT"].map(Symbol.init)

    static func config(seed: UInt64 = 42, days: Int = 20) -> SyntheticMarket.Config {
        var c = SyntheticMarket.Config(symbols: symbols, interval: .oneMinute, start: 1_704_067_200_000, bars: days * 1440, seed: seed)
        c.correlation = 0.6
        return c
    }

    static let generated: [BarSeries] = try! SyntheticMarket(config()).generate()

    @Test func sameSeedSameBytes() throws {
        let again = try SyntheticMarket(Self.config()).generate()
        #expect(again.map(BarExporter.csv) == Self.generated.map(BarExporter.csv))
        let other = try SyntheticMarket(Self.config(seed: 43)).generate()
        #expect(other[0].close != Self.generated[0].close)
    }

    /// The planted edge: only its symbol changes, and the sign of EMA(10) − EMA(50) of past closes
    /// (computed here independently) predicts the next bar's return; without it, it does not.
    @Test func thePlantedEdgeIsPastComputableAndOnlyOnItsSymbol() throws {
        var c = Self.config()
        c.edge = SyntheticMarket.PlantedEdge(symbol: Self.symbols[2], strength: 0.05)
        let planted = try SyntheticMarket(c).generate()
        #expect(planted[0] == Self.generated[0] && planted[1] == Self.generated[1])
        func edgeT(_ s: BarSeries) -> Double {
            var fast = 0.0, slow = 0.0
            var xs: [Double] = []
            for i in 0..<(s.count - 1) {
                let x = s.close[i]
                fast = i < 10 ? fast + (x - fast) / Double(i + 1) : fast + 2.0 / 11 * (x - fast)
                slow = i < 50 ? slow + (x - slow) / Double(i + 1) : slow + 2.0 / 51 * (x - slow)
                guard i >= 50 else { continue }
                xs.append((fast > slow ? 1 : -1) * log(s.close[i + 1] / s.close[i]))
            }
            let m = xs.reduce(0, +) / Double(xs.count)
            let sd = (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(xs.count - 1)).squareRoot()
            return m / sd * Double(xs.count).squareRoot()
        }
        #expect(edgeT(planted[2]) > 5, "t-statistic \(edgeT(planted[2]))")
        #expect(abs(edgeT(Self.generated[2])) < 4, "no edge without it: t \(edgeT(Self.generated[2]))")
        c.edge = SyntheticMarket.PlantedEdge(symbol: try Symbol("XRPUSDT"), strength: 0.05)
        #expect(throws: SynthError.self) { try SyntheticMarket(c) }
    }

    @Test func barsAreConsistentAndAligned() {
        for s in Self.generated {
            #expect(s.count == 20 * 1440)
            for i in 0..<s.count {
                let b = s[i]
                if b.inconsistency != nil || b.openTime != 1_704_067_200_000 + Int64(i) * 60_000 || (i > 0 && b.open != s.close[i - 1]) {
                    Issue.record("bar \(i) of \(s.symbol): \(b)")
                    return
                }
            }
        }
    }

    func returns(_ s: BarSeries) -> [Double] { (1..<s.count).map { log(s.close[$0] / s.close[$0 - 1]) } }

    @Test func stylisedFacts() {
        let r = Self.generated.map(returns)
        for x in r {
            // Fat tails.
            #expect(SampleStatistics.excessKurtosis(x) > 1)
            // Volatility clustering: squared returns are autocorrelated, returns themselves barely.
            let squared = x.map { $0 * $0 }
            #expect(SampleStatistics.autocorrelation(squared, lag: 1) > 0.05)
            #expect(SampleStatistics.autocorrelation(squared, lag: 10) > 0.03)
            #expect(abs(SampleStatistics.autocorrelation(x, lag: 1)) < 0.05)
        }
        // Cross-asset correlation near the configured 0.6 (GARCH scaling pulls it a little lower).
        let rho = SampleStatistics.correlation(r[0], r[1])
        #expect(rho > 0.45 && rho < 0.65, "correlation \(rho)")
        // Volume rises with the size of the move.
        let s = Self.generated[0]
        let absMoves = (1..<s.count).map { abs(log(s.close[$0] / s.close[$0 - 1])) }
        #expect(SampleStatistics.correlation(absMoves, Array(s.volume.dropFirst())) > 0.2)
    }

    @Test func regimesChangeVolatility() {
        // Daily realised volatility should vary by well over 2× across the sample.
        let x = returns(Self.generated[0])
        let daily = stride(from: 0, to: x.count - 1440, by: 1440).map { d in SampleStatistics.variance(Array(x[d..<(d + 1440)])).squareRoot() }
        #expect(daily.max()! / daily.min()! > 2)
    }

    @Test func rejectsBadSettings() {
        var c = Self.config()
        c.correlation = -0.9
        #expect(throws: SynthError.self) { try SyntheticMarket(c) }
        c = Self.config(); c.start += 1
        #expect(throws: SynthError.self) { try SyntheticMarket(c) }
        c = Self.config(); c.symbols = []
        #expect(throws: SynthError.self) { try SyntheticMarket(c) }
        c = Self.config(); c.garchAlpha = 0.5; c.garchBeta = 0.6
        #expect(throws: SynthError.self) { try SyntheticMarket(c) }
    }

    @Test func storesEverythingInOneGoAndIsIdempotent() throws {
        let store = try DataStore(path: try Fixtures.temporaryDirectory().appendingPathComponent("s.sqlite").path)
        let c = Self.config(days: 2)
        let first = try SyntheticData.generate(c, into: store, policy: .keepExisting)
        #expect(first.write.inserted == 3 * 2 * 1440 && first.summaries.count == 3)
        let second = try SyntheticData.generate(c, into: store, policy: .keepExisting)
        #expect(second.write.inserted == 0 && second.write.unchanged == 3 * 2 * 1440)
    }
}
