import Discovery
import Engine
import Features
import Foundation
import Learning
import Market
import Store
import TestSupport
import Testing

/// A promotion while the service replays: the new model decides from the next bar boundary on,
/// with the feature streams carried over; nothing before the swap changes, and a restart
/// rebuilds the swap. A model that cannot be loaded leaves the old one trading.
@Suite(.serialized) struct HotSwapTests {
    static let features = Fixtures.repositoryRoot.appendingPathComponent("features").path

    /// m1 alone on paper, its threshold where m1@1's last-day probabilities cross it often, and
    /// an inactive m1@2 trained on the same days with another L2, so that it decides differently.
    static func fixture() throws -> (DataStore, URL, StrategyFile) {
        let (store, file, dir) = try ModelModeTests.fixture()
        let data = try StrategyData.load(store, symbol: file.symbol, interval: file.interval, set: file.definition.set, from: nil, to: nil)
        let (_, m1) = try ModelArtifact.load(URL(fileURLWithPath: try store.models.entry("m1").path))
        let frame = FeaturePipeline(file.definition.set).compute(FeatureInput(data.series, reference: data.reference))
        let p = try m1.probabilities(frame.matrix.gatherRows(Array((data.series.count - 1440)..<data.series.count))).sorted()
        let median = p[p.count / 2], threshold = median < 0.5 ? 1 - median : median
        let path = try Fixtures.write(ModelModeTests.strategyYAML.replacingOccurrences(of: "threshold: 0.502", with: "threshold: \(threshold)"),
                                      named: "m1.yaml", in: dir)
        _ = try StoredStrategy.importFile(path, store: store, featuresDirectory: features, replace: false)
        try store.strategies.setStatus("m1", from: .candidate, to: .paper, timeMs: 0, reason: "test")
        let d = file.definition
        _ = try TrainingJob(set: d.set, symbol: file.symbol, interval: file.interval, spec: .logistic(lambda: 30_000, classWeights: .none),
                            cv: d.cv, calibration: d.calibration, to: 1_704_067_200_000 + 3 * 86_400_000 - 60_000, name: "m1", seed: 42,
                            modelsDirectory: dir.appendingPathComponent("models").path).run(store: store)
        return (store, dir, file)
    }

    static var config: MlbotConfig {
        var c = MlbotConfig.builtIn()
        c.risk.maxDailyTrades = 100_000
        return c
    }

    static func service(_ store: DataStore, inbox: ControlInbox = ControlInbox(), config: MlbotConfig = config) throws -> PaperService {
        try PaperService(store: store, config: config, catalog: InstrumentCatalog(),
                         job: BacktestJob(target: .status(.paper), mode: .model, featuresDirectory: features), inbox: inbox)
    }

    @Test func aPromotionSwapsAtTheNextBarAndOrdersNameTheVersionThatDecided() throws {
        let (store, _, file) = try Self.fixture()
        // The same replay without a promotion, for comparison (the fixture is deterministic).
        let untouched = try Self.fixture().0
        _ = try ReplayFeed.run(try Self.service(untouched), speed: nil, shouldStop: { false })

        let inbox = ControlInbox()
        let service = try Self.service(store, inbox: inbox)
        let start = service.session.startMs
        let swapAt = start + 600 * 60_000
        while let t = service.nextBarMs, t < swapAt { try service.step() }
        try ModelRegistryRules.promote(store, name: "m1", version: 2)
        inbox.notify()
        try service.step()
        #expect(service.lastSwaps.map(\.status) == ["swapped"] && service.lastSwaps.first?.barMs == swapAt)
        #expect(service.model(0)?.version == 2)
        while service.nextBarMs != nil { try service.step() }

        let swaps = try store.jobs.swaps(engine: "paper")
        #expect(swaps.count == 1 && swaps[0].fromModel == "m1@1" && swaps[0].toModel == "m1@2" && swaps[0].barMs == swapAt)
        // Exact bar accounting: every bar-time committed once, as in the run without a swap.
        #expect(try store.ledger.equity().map(\.timeMs) == untouched.ledger.equity().map(\.timeMs))
        // Before the swap, the same orders; from it on, m1@2's (and they differ).
        let orders = try store.ledger.orders(), before = try untouched.ledger.orders()
        #expect(orders.filter { $0.decidedMs < swapAt } == before.filter { $0.decidedMs < swapAt })
        #expect(orders.filter { $0.decidedMs >= swapAt }.map(\.clientOrderId) != before.filter { $0.decidedMs >= swapAt }.map(\.clientOrderId), "the new model must decide differently")
        #expect(orders.contains { $0.decidedMs >= swapAt } && orders.contains { $0.decidedMs < swapAt })
        for o in orders {
            let m1 = try #require(try OrderExplanation.explain(o.clientOrderId, store: store).contributions.first)
            #expect(m1.model == (o.decidedMs < swapAt ? "m1@1" : "m1@2"), "order decided at \(UTCTime.iso(o.decidedMs))")
        }
        // The streams carried on: after the swap the signal is m1@2's batch prediction at each bar.
        let data = try StrategyData.load(store, symbol: file.symbol, interval: file.interval, set: file.definition.set, from: nil, to: nil)
        let frame = FeaturePipeline(file.definition.set).compute(FeatureInput(data.series, reference: data.reference))
        let (_, m2) = try ModelArtifact.load(URL(fileURLWithPath: try store.models.entry("m1", version: 2).path))
        let rows = (0..<data.series.count).filter { data.series.openTime[$0] >= swapAt }.prefix(50)
        let batch = try m2.probabilities(frame.matrix.gatherRows(Array(rows)))
        let signals = Dictionary(uniqueKeysWithValues: try store.ledger.signals().map { ($0.timeMs, $0.probability) })
        for (k, r) in rows.enumerated() {
            let streamed = signals[data.series.openTime[r]] ?? nil
            #expect(abs((streamed ?? .nan) - batch[k]) < 1e-9, "bar \(r)")
        }
        // A restart rebuilds through the swap (it would refuse on any difference) and goes on with m1@2.
        let restarted = try Self.service(store)
        #expect(restarted.resumedAfterMs == (try store.ledger.cursor("paper")?.lastBarMs))
        #expect(restarted.model(0)?.version == 2)
    }

    @Test func aModelThatDoesNotLoadIsRefusedOnceAndTheOldOneTrades() throws {
        let (store, dir, _) = try Self.fixture()
        let inbox = ControlInbox()
        let service = try Self.service(store, inbox: inbox)
        while let t = service.nextBarMs, t < service.session.startMs + 100 * 60_000 { try service.step() }
        // m1@3: m1@2's files with its weights damaged, made active behind the registry's back.
        let good = try store.models.entry("m1", version: 2)
        let bad = dir.appendingPathComponent("models/m1/3")
        try FileManager.default.copyItem(atPath: good.path, toPath: bad.path)
        let weights = try #require(try FileManager.default.contentsOfDirectory(atPath: bad.path).first { $0.hasSuffix(".bin") })
        let url = bad.appendingPathComponent(weights)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: url)
        try store.models.register(ModelEntry(name: "m1", version: 3, kind: good.kind, path: bad.path, featureSet: good.featureSet, featureHash: good.featureHash,
                                             symbol: good.symbol, interval: good.interval, createdMs: 0, active: false, summary: ""), activate: true)
        inbox.notify()
        try service.step()
        #expect(service.lastSwaps.map(\.status) == ["refused"])
        #expect(service.lastSwaps.first?.reason.contains("does not load") == true && service.lastSwaps.first?.reason.contains("m1@1 keeps trading") == true,
                "\(service.lastSwaps.first?.reason ?? "")")
        #expect(service.model(0)?.version == 1)
        inbox.notify()
        try service.step()
        #expect(service.lastSwaps.isEmpty, "refused once, not at every bar")
        #expect(try store.jobs.swaps(engine: "paper").map(\.status) == ["refused"])
        #expect(try store.ledger.signals().last?.probability != nil, "m1@1 still decides")
    }

    @Test func pastItsAgeLimitAStrategyOnlyExitsUntilAFresherModelIsSwappedIn() throws {
        let (store, dir, file) = try Self.fixture()
        var config = Self.config
        config.models.maxAgeMs = 6 * 3_600_000
        let inbox = ControlInbox()
        let service = try Self.service(store, inbox: inbox, config: config)
        let through = try #require(service.strategies[0].runtime.modelThroughMs)
        let day4: Int64 = 1_704_067_200_000 + 3 * 86_400_000
        let freshAt = day4 + 8 * 3_600_000
        while let t = service.nextBarMs, t < freshAt { try service.step() }
        // m1@3, trained to 07:00 of the fourth day, promoted at 08:00.
        let d = file.definition
        let m3 = try TrainingJob(set: d.set, symbol: file.symbol, interval: file.interval, spec: d.model, cv: d.cv, calibration: d.calibration,
                                 to: day4 + 7 * 3_600_000, name: "m1", seed: 42, modelsDirectory: dir.appendingPathComponent("models").path).run(store: store)
        try ModelRegistryRules.promote(store, name: "m1", version: m3.entry.version)
        inbox.notify()
        while service.nextBarMs != nil { try service.step() }

        let events = try store.ledger.serviceEvents(engine: "paper").filter { $0.kind.hasPrefix("model_") }
        // m1@3 ages too: six hours after its own training data it expires in turn.
        #expect(events.map { $0.kind } == ["model_expired", "model_fresh", "model_expired"], "\(events)")
        try #require(events.count == 3)
        let expiredAt = try #require(events[0].barMs), freshFrom = try #require(events[1].barMs), againAt = try #require(events[2].barMs)
        #expect(againAt > freshFrom + 4 * 3_600_000)
        #expect(expiredAt == through + 6 * 3_600_000 + 60_000, "the first bar past the limit")
        #expect(freshFrom == freshAt && events.first?.detail.contains("exits only") == true)
        let orders = try store.ledger.orders()
        let window = orders.filter { $0.decidedMs >= expiredAt && $0.decidedMs < freshFrom }
        #expect(window.allSatisfy { $0.reduceOnly }, "only exits while expired: \(window.filter { !$0.reduceOnly })")
        let opensBefore = orders.contains { $0.decidedMs < expiredAt && !$0.reduceOnly }, opensAfter = orders.contains { $0.decidedMs >= freshFrom && $0.decidedMs < againAt && !$0.reduceOnly }
        #expect(opensBefore && opensAfter, "it opens positions before and after")
        #expect(orders.filter { $0.decidedMs >= againAt }.allSatisfy { $0.reduceOnly })
        // A restart rebuilds the same expiry (and would refuse if the state differed).
        let restarted = try Self.service(store, config: config)
        #expect(restarted.expired == [true])
    }

    /// m1@2 in shadow beside m1@1 for 200 bars: its P(up) is recorded at every bar on the same
    /// features, nothing it says is traded, and the decision is the rule's on both models' log loss
    /// over those bars' labels, computed here independently from the batch features.
    @Test(arguments: [0.0, 0.5])
    func aShadowIsScoredOnLiveBarsAndPromotedOnlyIfStillAhead(margin: Double) throws {
        let (store, _, file) = try Self.fixture()
        let untouched = try Self.fixture().0
        _ = try ReplayFeed.run(try Self.service(untouched), speed: nil, shouldStop: { false })
        let shadow = try store.jobs.startShadow(ModelShadowRow(runId: nil, strategy: "m1", model: "m1", championVersion: 1, challengerVersion: 2, bars: 200,
                                                               metric: "log_loss", margin: margin, createdMs: 0, reason: "test"))
        let service = try Self.service(store)
        while service.nextBarMs != nil { try service.step() }
        let decided = try #require(try store.jobs.shadows().first)
        #expect(decided.status != "waiting", "decided after 200 bars and the label horizon")
        let signals = try store.jobs.shadowSignals(shadow.id!)
        let scored = Array(signals.prefix(200))
        let decidedAt = try #require(decided.decidedBarMs)
        #expect(scored.count == 200 && decidedAt >= scored.last!.timeMs + 15 * 60_000)
        // The champion's column is the traded signal; the challenger's is m1@2's batch prediction.
        let traded = Dictionary(uniqueKeysWithValues: try store.ledger.signals().map { ($0.timeMs, $0.probability) })
        #expect(scored.allSatisfy { traded[$0.timeMs] == $0.championP })
        let data = try StrategyData.load(store, symbol: file.symbol, interval: file.interval, set: file.definition.set, from: nil, to: nil)
        let frame = FeaturePipeline(file.definition.set).compute(FeatureInput(data.series, reference: data.reference))
        let rows = scored.map { r in data.series.openTime.firstIndex(of: r.timeMs)! }
        let (_, m1) = try ModelArtifact.load(URL(fileURLWithPath: try store.models.entry("m1", version: 1).path))
        let (_, m2) = try ModelArtifact.load(URL(fileURLWithPath: try store.models.entry("m1", version: 2).path))
        let x = frame.matrix.gatherRows(rows)
        let p1 = try m1.probabilities(x), p2 = try m2.probabilities(x)
        for (k, r) in scored.enumerated() { #expect(abs(r.challengerP! - p2[k]) < 1e-9 && abs(r.championP! - p1[k]) < 1e-9) }
        // Scored as training labels them: a flat label (dead zone) is left out when the set drops flats.
        let keep = rows.indices.filter { frame.labels[rows[$0]].isFinite && !(file.definition.set.label.dropsFlat && frame.labels[rows[$0]] == 0) }
        let y = keep.map { frame.labels[rows[$0]] > 0 ? 1.0 : 0.0 }
        func logLoss(_ p: [Double]) -> Double {
            zip(keep.map { p[$0] }, y).map { p, y in -(y * log(max(p, 1e-15)) + (1 - y) * log(max(1 - p, 1e-15))) }.reduce(0, +) / Double(y.count)
        }
        let gain = logLoss(p1) - logLoss(p2)
        let figures = try JSONSerialization.jsonObject(with: Data((decided.figures ?? "{}").utf8)) as? [String: Any]
        func figure(_ key: String) -> Double { (figures?[key] as? NSNumber)?.doubleValue ?? .nan }
        #expect(abs(figure("champion_log_loss") - logLoss(p1)) < 1e-5 && abs(figure("challenger_log_loss") - logLoss(p2)) < 1e-5,
                "\(decided.figures ?? "") vs \(logLoss(p1)), \(logLoss(p2))")
        #expect(decided.status == (gain >= margin ? "promoted" : "refused"), "gain \(gain), margin \(margin): \(decided.reason)")
        // Nothing the shadow said was traded before the decision.
        let before = try store.ledger.orders().filter { $0.decidedMs <= decided.decidedBarMs! }
        let reference = try untouched.ledger.orders().filter { $0.decidedMs <= decidedAt }
        #expect(before == reference)
        if decided.status == "promoted" {
            #expect(try store.models.entry("m1").version == 2)
            let swap = try #require(try store.jobs.swaps(engine: "paper").first)
            #expect(swap.toModel == "m1@2" && swap.barMs == decided.decidedBarMs! + 60_000, "swapped in at the next bar")
        } else {
            #expect(try store.models.entry("m1").version == 1 && store.jobs.swaps(engine: "paper").isEmpty)
        }
        if margin == 0 { #expect(decided.status == "promoted", "the near-constant m1@2 beats the champion on an edge-less market here: \(decided.reason)") }
    }
}
