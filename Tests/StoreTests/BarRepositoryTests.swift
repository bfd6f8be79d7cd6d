import Foundation
import Market
import Store
import TestSupport
import Testing

/// Bars on both backends: the same counts, policies and ranges.
@Suite struct BarRepositoryTests {
    let btc = try! Symbol("BTCUSDT")
    let step: Int64 = 60_000


    func bars(_ times: [Int64], close: Double = 100) -> [Bar] {
        times.map { Bar(openTime: $0, open: close, high: close + 1, low: close - 1, close: close, volume: 1) }
    }

    @Test(arguments: Backend.allCases) func writesAreIdempotent(_ backend: Backend) throws {
        let s = try backend.open("bars")
        let b = bars((0..<100).map { $0 * step })
        let first = try s.bars.write(b, symbol: btc, interval: .oneMinute)
        #expect(first.inserted == 100)
        let second = try s.bars.write(b, symbol: btc, interval: .oneMinute)
        #expect(second.inserted == 0 && second.unchanged == 100 && second.conflicting == 0)
        #expect(try s.bars.count(symbol: btc, interval: .oneMinute) == 100)
    }

    @Test(arguments: Backend.allCases) func conflictsAreKeptOrReplacedByPolicy(_ backend: Backend) throws {
        let s = try backend.open("bars")
        try s.bars.write(bars([0, step]), symbol: btc, interval: .oneMinute)
        let kept = try s.bars.write(bars([0, step], close: 200), symbol: btc, interval: .oneMinute)
        #expect(kept.conflicting == 2 && kept.replaced == 0)
        #expect(try s.bars.series(symbol: btc, interval: .oneMinute, from: nil, to: nil).close == [100, 100])
        let replaced = try s.bars.write(bars([0, step], close: 200), symbol: btc, interval: .oneMinute, policy: .replace)
        #expect(replaced.replaced == 2)
        #expect(try s.bars.series(symbol: btc, interval: .oneMinute, from: nil, to: nil).close == [200, 200])
    }

    @Test(arguments: Backend.allCases) func keysIncludeSymbolAndInterval(_ backend: Backend) throws {
        let s = try backend.open("bars")
        try s.bars.write(bars([0]), symbol: btc, interval: .oneMinute)
        try s.bars.write(bars([0]), symbol: btc, interval: .oneHour)
        try s.bars.write(bars([0]), symbol: try Symbol("ETHUSDT"), interval: .oneMinute)
        #expect(try s.bars.totalCount() == 3)
    }

    @Test(arguments: Backend.allCases) func coverageCountsMissingBarsAndGaps(_ backend: Backend) throws {
        let s = try backend.open("bars")
        // 0..9, then 15..19 (5 missing), then 21 (1 missing).
        let times = (0..<10).map { $0 * step } + (15..<20).map { $0 * step } + [21 * step]
        try s.bars.write(bars(times), symbol: btc, interval: .oneMinute)
        let c = try s.bars.coverage()
        #expect(c.count == 1)
        #expect(c[0].bars == 16 && c[0].first == 0 && c[0].last == 21 * step)
        #expect(c[0].missingBars == 6 && c[0].gaps == 2)
    }

    @Test(arguments: Backend.allCases) func seriesHonoursTheInclusiveRange(_ backend: Backend) throws {
        let s = try backend.open("bars")
        try s.bars.write(bars((0..<10).map { $0 * step }), symbol: btc, interval: .oneMinute)
        let part = try s.bars.series(symbol: btc, interval: .oneMinute, from: 2 * step, to: 5 * step)
        #expect(part.openTime == [2, 3, 4, 5].map { $0 * step })
        #expect(try s.bars.lastOpenTime(symbol: btc, interval: .oneMinute) == 9 * step)
    }

    @Test(arguments: Backend.allCases) func resumePointFollowsTheNewestStoredBar(_ backend: Backend) throws {
        let s = try backend.open("bars")
        #expect(try s.bars.resumePoint(symbol: btc, interval: .oneMinute, from: 0) == 0)
        try s.bars.write(bars((0..<10).map { $0 * step } + [20 * step]), symbol: btc, interval: .oneMinute)
        // The store holds the start: continue after the newest bar, across the hole at 10…19.
        #expect(try s.bars.resumePoint(symbol: btc, interval: .oneMinute, from: 0) == 21 * step)
        #expect(try s.bars.resumePoint(symbol: btc, interval: .oneMinute, from: 5 * step) == 21 * step)
        // A start the store does not hold is fetched from the start.
        #expect(try s.bars.resumePoint(symbol: btc, interval: .oneMinute, from: 12 * step) == 12 * step)
        #expect(try s.bars.resumePoint(symbol: btc, interval: .oneMinute, from: -step) == -step)
    }
}
