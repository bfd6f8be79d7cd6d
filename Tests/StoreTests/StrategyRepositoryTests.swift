import Foundation
import Store
import TestSupport
import Testing

/// Strategies and backtests on both backends.
@Suite struct StrategyRepositoryTests {

    func record(_ name: String, dsr: Double? = nil) -> StrategyRecord {
        StrategyRecord(name: name, status: .candidate, symbol: "ETHUSDT", interval: "1m", featureSet: "default", featureHash: "abc",
                       definition: "name: \(name)\n", dsr: dsr, createdMs: 1000)
    }

    @Test(arguments: Backend.allCases) func statusChangesAreGuardedAndLogged(_ backend: Backend) throws {
        let s = try backend.open("strategies")
        try s.strategies.save(record("a", dsr: 0.5), replace: false, reason: "imported")
        try s.strategies.save(record("b", dsr: 0.9), replace: false, reason: "imported")
        #expect(throws: StrategyStoreError.exists("a")) { try s.strategies.save(record("a"), replace: false, reason: "again") }
        #expect(try s.strategies.list(status: nil).map(\.name) == ["b", "a"])          // best deflated Sharpe first
        try s.strategies.setStatus("a", from: .candidate, to: .paper, timeMs: 2000, reason: "dsr ok")
        // A change that assumes a stale status does nothing.
        #expect(throws: StrategyStoreError.self) { try s.strategies.setStatus("a", from: .candidate, to: .retired, timeMs: 3000, reason: "x") }
        let a = try s.strategies.get("a")
        #expect(a.status == .paper && a.statusMs == 2000 && a.paperBars == 0 && a.paperPnL == nil)
        // Paper records are written by the service, which runs on SQLite only.
        if let sqlite = s as? DataStore {
            try sqlite.strategies.recordPaper("a", bars: 100, pnl: 12.5, maxDrawdown: 0.03)
            #expect(throws: StrategyStoreError.self) { try sqlite.strategies.recordPaper("b", bars: 1, pnl: 0, maxDrawdown: 0) }   // not on paper
            let a = try s.strategies.get("a")
            #expect(a.paperBars == 100 && a.paperPnL == 12.5 && a.paperMaxDrawdown == 0.03)
        }
        #expect(try s.strategies.events("a").map(\.to) == ["candidate", "paper"])
        #expect(try s.strategies.list(status: .paper).map(\.name) == ["a"])
        #expect(throws: StrategyStoreError.unknown("zz")) { try s.strategies.get("zz") }
    }

    @Test(arguments: Backend.allCases) func backtestsRoundTripWithTheirCurveAndTrades(_ backend: Backend) throws {
        let s = try backend.open("strategies")
        try s.strategies.save(record("a"), replace: false, reason: "imported")
        let trades = [BacktestRecord.TradeRow(side: 1, entryMs: 60_000, entryPrice: 10.5, exitMs: 120_000, exitPrice: 11, result: 0.047, bars: 1),
                      BacktestRecord.TradeRow(side: -1, entryMs: 180_000, entryPrice: 11, exitMs: nil, exitPrice: nil, result: -0.01, bars: 2)]
        let r = BacktestRecord(strategy: "a", createdMs: 5, metricsJSON: "{\"sharpe\":1.5}", psr: 0.7, time: [0, 60_000, 120_000, 180_000],
                               equity: [1, 1.01, 0.99, .nan], returns: [0, 0.01, -0.0198, 0.001], exposure: [0, 1, -1, 0.5], trades: trades)
        let id = try s.backtests.save(r)
        let back = try #require(try s.backtests.latest(strategy: "a"))
        #expect(back.id == id && back.time == r.time && back.returns == r.returns && back.exposure == r.exposure && back.trades == trades)
        #expect(back.equity[0...2] == r.equity[0...2] && back.equity[3].isNaN)     // bit-exact, NaN included
        #expect(try s.backtests.latest(strategy: "b") == nil)
    }
}
