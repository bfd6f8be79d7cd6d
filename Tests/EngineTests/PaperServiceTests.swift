import Discovery
import Hashing
import Learning
import Engine
import Foundation
import GRDB
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
    /// `threshold` is m1's (0.5 makes a model of an edge-less market trade at every bar).
    static func fixture(threshold: String = "0.502") throws -> (DataStore, URL) {
        let (store, _, dir) = try ModelModeTests.fixture()
        let features = Fixtures.repositoryRoot.appendingPathComponent("features").path
        var files = [try Fixtures.write(ModelModeTests.strategyYAML.replacingOccurrences(of: "threshold: 0.502", with: "threshold: \(threshold)"),
                                        named: "m1.yaml", in: dir)]
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
                    l.signals().map { "\($0)" }, l.intents().map { "\($0)" }, l.riskEvents().map { "\($0)" },
                    store.strategies.list(status: .paper).map { "\($0.name) \($0.paperBars) \($0.paperPnL ?? .nan) \($0.paperMaxDrawdown ?? -1)" }]
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
        // Every order came from a netted intent that was sent or resized; each intent is stored.
        let intents = try store.ledger.intents()
        #expect(intents.filter { $0.decision == "sent" || $0.decision == "resized" }.count == orders.count, "\(intents.count) intents")
        #expect(Set(orders.map { "\($0.decidedMs) \($0.symbol)" }).isSubset(of: Set(intents.map { "\($0.timeMs) \($0.symbol)" })))
        // Paper records: one per committed bar, for every paper strategy.
        #expect(try store.strategies.list(status: .paper).allSatisfy { $0.paperBars == summary.barTimes && $0.paperMaxDrawdown != nil })
        let m1 = try store.strategies.get("m1")
        #expect(m1.paperPnL == summary.strategyPnL.first { $0.name == "m1" }?.pnl, "the paper P&L is the strategy's attributed P&L")
        // The report a user runs says the same, and names the first difference when there is one.
        #expect(try ParityReport.compare(store: store, config: config, catalog: InstrumentCatalog(), job: Self.job()).firstDifference == nil)
        let tampered = try #require(fills.dropFirst(3).first)
        try store.ledger.write { db in try db.execute(sql: "UPDATE fills SET fee = '0' WHERE client_order_id = ?", arguments: [tampered.clientOrderId]) }
        let report = try ParityReport.compare(store: store, config: config, catalog: InstrumentCatalog(), job: Self.job())
        #expect(report.firstDifference?.hasPrefix("fill #4") == true && report.firstDifference?.contains(tampered.clientOrderId) == true, "\(report)")
        try store.ledger.write { db in try db.execute(sql: "UPDATE fills SET fee = ? WHERE client_order_id = ?", arguments: [tampered.fee, tampered.clientOrderId]) }
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

@Suite(.serialized) struct LineageTests {
    /// The chain recomputed here from the stored bars, independently of the service's code.
    static func chain(_ bars: BarSeries, through t: Int64) -> String {
        var h = [UInt8](repeating: 0, count: 32)
        for i in 0..<bars.count where bars.openTime[i] <= t {
            let b = bars[i]
            var buf = h
            for v in [UInt64(bitPattern: b.openTime), b.open.bitPattern, b.high.bitPattern, b.low.bitPattern, b.close.bitPattern, b.volume.bitPattern] {
                for j in 0..<8 { buf.append(UInt8(truncatingIfNeeded: v >> (8 * j))) }
            }
            h = Digest.sha256(buf)
        }
        return Digest.hex(h)
    }

    @Test func everyOrderNamesTheBarsFeaturesModelSpecAndRiskBehindIt() throws {
        let (store, _) = try PaperServiceTests.fixture(threshold: "0.5")
        var config = MlbotConfig.builtIn()
        config.risk.maxDailyTrades = 100_000   // the rule strategies would use up the day's trades before m1 starts
        _ = try ReplayFeed.run(try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: PaperServiceTests.job()),
                               speed: nil, shouldStop: { false })
        let orders = try store.ledger.orders()
        let eth = try store.bars.series(symbol: try Symbol("ETHUSDT"), interval: .oneMinute)
        let modelOrder = try #require(orders.first { $0.contributions.contains("\"m1\"") }, "m1 must trade")
        let e = try OrderExplanation.explain(modelOrder.clientOrderId, store: store)
        let m1 = try #require(e.contributions.first { $0.strategy == "m1" })
        let entry = try store.models.entry("m1")
        let manifest = try ModelArtifact.load(URL(fileURLWithPath: entry.path)).0
        #expect(m1.model == "m1@\(entry.version)" && m1.weightsSha256 == manifest.weights.sha256 && m1.featureHash == manifest.featureSet.hash)
        #expect(m1.specHash == Digest.sha256Hex(try store.strategies.get("m1").definition) && m1.settingsVersion == 1)
        #expect(m1.barsHash == Self.chain(eth, through: modelOrder.decidedMs), "the bars hash is not the chain of the stored bars")
        #expect(m1.probability != nil && m1.threshold == 0.5)
        #expect(e.fills.count == 1 && e.fills[0].clientOrderId == modelOrder.clientOrderId)
        // A rule strategy's order has no model, and its chain is of its own symbol.
        let btcOrder = try #require(orders.first { $0.symbol == "BTCUSDT" })
        let btc = try OrderExplanation.explain(btcOrder.clientOrderId, store: store).contributions[0]
        #expect(btc.model == nil && btc.weightsSha256 == nil && btc.featureSet == "default")
        #expect(btc.barsHash == Self.chain(try store.bars.series(symbol: try Symbol("BTCUSDT"), interval: .oneMinute), through: btcOrder.decidedMs))
        #expect { try OrderExplanation.explain("nope", store: store) } throws: { ErrorKind.of($0) == .notFound }
    }
}
