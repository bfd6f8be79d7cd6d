import Discovery
import Engine
import Foundation
import Market
import Store
import TestSupport
import Testing

/// The paper service over stored bars: the backtest's orders, one committed bar at a time, and a
/// restart that continues exactly where the last commit left off.
@Suite(.serialized) struct PaperServiceTests {
    static let rules = [
        ("eth-ema", "ETHUSDT", "{rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}", "{kind: opposite}"),
        ("btc-rsi", "BTCUSDT", "{rule: band, feature: rsi_14, lower: 35, upper: 65, long_short: true}", "{kind: hold}"),
    ]

    /// The model-mode fixture (m1 trained on 3 of 4 days) plus two rule strategies, all on paper.
    static func fixture() throws -> (DataStore, URL) {
        let (store, _, dir) = try ModelModeTests.fixture()
        let features = Fixtures.repositoryRoot.appendingPathComponent("features").path
        var files = [try Fixtures.write(ModelModeTests.strategyYAML, named: "m1.yaml", in: dir)]
        for (name, symbol, signal, exit) in rules {
            files.append(try Fixtures.write("""
                name: \(name)
                symbol: \(symbol)
                interval: 1m
                feature_set: default
                horizon: 15
                signal: \(signal)
                exit: \(exit)
                sizing: {kind: fixed, fraction: 0.1}
                """, named: "\(name).yaml", in: dir))
        }
        for f in files {
            let r = try StoredStrategy.importFile(f, store: store, featuresDirectory: features, replace: false)
            try store.strategies.setStatus(r.name, from: .candidate, to: .paper, timeMs: 0, reason: "test")
        }
        return (store, dir)
    }

    static func job(from: Int64? = nil, to: Int64? = nil) -> BacktestJob {
        BacktestJob(target: .status(.paper), mode: .model, from: from, to: to, featuresDirectory: Fixtures.repositoryRoot.appendingPathComponent("features").path)
    }

    /// Everything the service committed, as text, for byte-for-byte comparison.
    static func dump(_ store: DataStore) throws -> String {
        let l = store.ledger
        return try [l.orders().map { "\($0)" }, l.fills().map { "\($0)" }, l.positions().map { "\($0)" }, l.equity().map { "\($0)" },
                    l.signals().map { "\($0)" }, l.riskEvents().map { "\($0)" }, store.strategies.list(status: .paper).map { "\($0.name) \($0.paperBars) \($0.paperMaxDrawdown ?? -1)" }]
            .map { $0.joined(separator: "\n") }.joined(separator: "\n--\n")
    }

    @Test func replayingGivesTheBacktestsOrdersAndFillsExactly() throws {
        let (store, _) = try Self.fixture()
        let config = MlbotConfig.builtIn()
        let service = try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: Self.job())
        #expect(service.resumedAfterMs == nil && service.session.strategies.sorted() == ["btc-rsi", "eth-ema", "m1"])
        let summary = try ReplayFeed.run(service, speed: nil, shouldStop: { false })
        let backtest = try Self.job().run(store: store, config: config, catalog: InstrumentCatalog()).backtest
        #expect(backtest.orders.count > 50, "\(backtest.orders.count) orders")
        #expect(summary.orders == backtest.orders.count && summary.fills == backtest.fills.count)
        let orders = try store.ledger.orders(), fills = try store.ledger.fills()
        #expect(orders.map(\.clientOrderId) == backtest.orders.map(\.id.value))
        #expect(orders.map(\.quantity) == backtest.orders.map(\.quantity.exact))
        #expect(fills.map(\.clientOrderId) == backtest.fills.map(\.orderID.value))
        #expect(fills.map(\.price) == backtest.fills.map(\.price.exact) && fills.map(\.fee) == backtest.fills.map(\.feeAmount.exact))
        #expect(try store.ledger.equity().last?.equity == backtest.result.equity.last)
        // Paper records: one per committed bar, for every paper strategy.
        #expect(try store.strategies.list(status: .paper).allSatisfy { $0.paperBars == summary.barTimes && $0.paperMaxDrawdown != nil })
        // Nothing new on a second start: every bar is committed.
        let again = try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: Self.job())
        #expect(again.resumedAfterMs == summary.lastMs)
        #expect(try ReplayFeed.run(again, speed: nil, shouldStop: { false }).barTimes == 0)
    }

    @Test func aRestartAnywhereEndsInTheUninterruptedState() throws {
        let config = MlbotConfig.builtIn()
        let (whole, _) = try Self.fixture()
        _ = try ReplayFeed.run(try PaperService(store: whole, config: config, catalog: InstrumentCatalog(), job: Self.job()), speed: nil, shouldStop: { false })
        let (split, _) = try Self.fixture()
        // Stop after 1, 137 and 600 more committed bar-times, dropping the service each time.
        for stopAfter in [1, 137, 600] {
            let s = try PaperService(store: split, config: config, catalog: InstrumentCatalog(), job: Self.job())
            var n = 0
            _ = try ReplayFeed.run(s, speed: nil, shouldStop: { n += 1; return n > stopAfter })
        }
        let last = try PaperService(store: split, config: config, catalog: InstrumentCatalog(), job: Self.job())
        #expect(last.resumedAfterMs != nil)
        _ = try ReplayFeed.run(last, speed: nil, shouldStop: { false })
        #expect(try Self.dump(split) == Self.dump(whole))
    }

    @Test func anotherSessionOrASecondServiceIsRefused() throws {
        let (store, _) = try Self.fixture()
        let config = MlbotConfig.builtIn()
        var n = 0
        _ = try ReplayFeed.run(try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: Self.job()), speed: nil,
                               shouldStop: { n += 1; return n > 10 })
        let before = try Self.dump(store)
        var other = Self.job()
        other.target = .names(["eth-ema"])
        #expect { try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: other) } throws: {
            ErrorKind.of($0) == .conflict && "\($0)".contains("another session")
        }
        #expect(try Self.dump(store) == before)
        func holdAndTry() throws {
            let lock = try ServiceLock(database: store.path)
            #expect { try ServiceLock(database: store.path) } throws: { "\($0)".contains("pid \(getpid())") && ErrorKind.of($0) == .conflict }
            withExtendedLifetime(lock) {}
        }
        try holdAndTry()
        _ = try ServiceLock(database: store.path)   // free again once the holder is gone
    }
}
