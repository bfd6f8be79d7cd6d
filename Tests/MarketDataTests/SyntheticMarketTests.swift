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
