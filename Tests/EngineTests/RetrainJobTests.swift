import Discovery
import Engine
import Foundation
import Learning
import Market
import Store
import TestSupport
import Testing

/// The nightly retrain on ModelModeTests' fixture: four days of bars, m1 trained on the first
/// three. A job whose training window is those same three days trains a challenger identical to
/// the champion (training is deterministic), so the rule's margin alone decides.
@Suite(.serialized) struct RetrainJobTests {
    static func fixture() throws -> (DataStore, URL) {
        let (store, _, dir) = try ModelModeTests.fixture()
        let path = try Fixtures.write(ModelModeTests.strategyYAML, named: "m1.yaml", in: dir)
        _ = try StoredStrategy.importFile(path, store: store, featuresDirectory: Fixtures.repositoryRoot.appendingPathComponent("features").path, replace: false)
        try store.strategies.setStatus("m1", from: .candidate, to: .paper, timeMs: 0, reason: "test")
        return (store, dir)
    }

    static func job(margin: Double, metric: PromotionRule.Metric = .logLoss, timeout: String = "1h", shadowBars: Int = 0) throws -> JobFile {
        try JobFile.parse(yaml: """
            schedule: "0 2 * * *"
            training_window: 3d
            holdout: 1d
            promotion: {metric: \(metric.rawValue), margin: \(margin), max_drawdown_increase: 0}
            timeout: \(timeout)
            shadow_bars: \(shadowBars)
            """, name: "nightly", file: "nightly.yaml")
    }

    @Test func withShadowBarsAChallengerThatPassesGoesIntoShadowNotLive() throws {
        let (store, dir) = try Self.fixture()
        let report = try Self.run(try Self.job(margin: 0, shadowBars: 120), store, dir)
        #expect(report.outcomes.map(\.outcome) == [.shadowing], "\(report.outcomes.first?.reason ?? "")")
        #expect(report.outcomes.first?.reason.contains("in shadow for 120 bars") == true && report.run.detail.contains("1 in shadow"))
        #expect(try store.models.entry("m1").version == 1, "not promoted yet")
        let shadows = try store.jobs.shadows()
        #expect(shadows.count == 1 && shadows[0].status == "waiting" && shadows[0].championVersion == 1 && shadows[0].challengerVersion == 2
                && shadows[0].bars == 120 && shadows[0].runId == report.run.id)
        // A later run's challenger supersedes one still waiting.
        _ = try Self.run(try Self.job(margin: 0, shadowBars: 120), store, dir)
        #expect(try store.jobs.shadows().map(\.status) == ["refused", "waiting"])
        #expect(try store.jobs.outcomes(run: report.run.id!).map(\.outcome) == ["shadowing"])
    }

    static func run(_ job: JobFile, _ store: DataStore, _ dir: URL, now: @escaping () -> Int64 = UTCTime.nowMs) throws -> RetrainJob.Report {
        try RetrainJob(job: job, modelsDirectory: dir.appendingPathComponent("models").path,
                       featuresDirectory: Fixtures.repositoryRoot.appendingPathComponent("features").path, now: now)
            .run(store: store, config: MlbotConfig.builtIn(), catalog: InstrumentCatalog())
    }

    @Test func theChampionStaysUnlessTheChallengerIsBetterByTheMargin() throws {
        let (store, dir) = try Self.fixture()
        let kept = try Self.run(try Self.job(margin: 0.0005), store, dir)
        #expect(kept.run.status == "succeeded" && kept.outcomes.count == 1)
        let o = try #require(kept.outcomes.first)
        #expect(o.outcome == .keptChampion, "\(o.reason)")
        #expect(o.champion?.model == "m1@1" && o.challenger?.model == "m1@2")
        // Same window, same seed: the challenger is the champion again, on exactly the same bars.
        #expect(o.champion?.logLoss == o.challenger?.logLoss && o.champion?.sharpe == o.challenger?.sharpe && o.champion?.trades == o.challenger?.trades)
        #expect(o.reason.contains("better by 0.0000, the rule needs 0.0005"), "\(o.reason)")
        #expect(o.holdoutFromMs == 1_704_067_200_000 + 3 * 86_400_000 && o.trainToMs == o.holdoutFromMs! - 60_000)
        #expect(try store.models.entry("m1").version == 1, "the champion is still the active version")
        #expect(try store.models.entry("m1", version: 2).active == false, "the challenger is registered, inactive")
        let stored = try store.jobs.outcomes(run: kept.run.id!)
        #expect(stored.map(\.outcome) == ["kept_champion"] && stored.first?.challenger == "m1@2")

        let promoted = try Self.run(try Self.job(margin: 0), store, dir)
        #expect(promoted.outcomes.first?.outcome == .promoted, "\(promoted.outcomes.first?.reason ?? "")")
        #expect(try store.models.entry("m1").version == 3)
        #expect(try store.jobs.runs(job: "nightly").map(\.status) == ["succeeded", "succeeded"])
    }

    @Test func aSecondRunWhileOneHoldsTheLockIsRecordedAsSkipped() throws {
        let (store, dir) = try Self.fixture()
        let held = try ServiceLock(database: store.path, purpose: "job-nightly", what: "run of job nightly")
        let e = try caught(Failure.self) { _ = try Self.run(try Self.job(margin: 0), store, dir) }
        #expect(e?.kind == .conflict && e?.description.contains("skipped") == true, "\(String(describing: e))")
        #expect(try store.jobs.runs(job: "nightly").map(\.status) == ["skipped"])
        #expect(try store.models.list(name: "m1").count == 1, "nothing trained")
        withExtendedLifetime(held) {}
    }

    @Test func aRunWhoseProcessDiedIsClosedAsFailedByTheNext() throws {
        let (store, dir) = try Self.fixture()
        _ = try store.jobs.start(JobRunRow(job: "nightly", trigger: "schedule", scheduledMs: 0, startedMs: 1, status: "running", pid: 999_999))
        _ = try Self.run(try Self.job(margin: 0.0005), store, dir)
        let runs = try store.jobs.runs(job: "nightly")
        #expect(runs.map(\.status) == ["succeeded", "failed"])
        #expect(runs.last?.detail.contains("pid 999999") == true)
    }

    @Test func theTimeoutStopsTheRunAndKeepsTheChampion() throws {
        let (store, dir) = try Self.fixture()
        // Two strategies; the clock passes the 45 s timeout after the first.
        let path = try Fixtures.write(ModelModeTests.strategyYAML.replacingOccurrences(of: "name: m1", with: "name: m1b"), named: "m1b.yaml", in: dir)
        _ = try StoredStrategy.importFile(path, store: store, featuresDirectory: Fixtures.repositoryRoot.appendingPathComponent("features").path, replace: false)
        try store.strategies.setStatus("m1b", from: .candidate, to: .paper, timeMs: 0, reason: "test")
        let clock = Clock()
        let report = try Self.run(try Self.job(margin: 0, timeout: "45s"), store, dir, now: { clock.tick(30_000) })
        #expect(report.run.status == "timed_out" && report.outcomes.count == 1, "\(report.run.detail)")
        #expect(report.run.detail.contains("timeout of 45 s"))
        #expect(try store.models.list(name: "m1b").isEmpty, "m1b was never reached")
    }

    @Test func aRuleStrategyNamedInTheJobFailsWithAReason() throws {
        let (store, dir) = try Self.fixture()
        let path = try Fixtures.write("name: e\nsymbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nsignal: {rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}\nexit: {kind: opposite}\nsizing: {kind: fixed, fraction: 0.1}\n",
                                      named: "e.yaml", in: dir)
        _ = try StoredStrategy.importFile(path, store: store, featuresDirectory: Fixtures.repositoryRoot.appendingPathComponent("features").path, replace: false)
        var job = try Self.job(margin: 0)
        job.strategies = ["e", "m1"]
        let report = try Self.run(job, store, dir)
        #expect(report.run.status == "failed")
        #expect(report.outcomes.map(\.outcome) == [.failed, .promoted])
        #expect(report.outcomes.first?.reason.contains("rule strategy") == true)
    }

    /// A wall clock that moves only when read.
    final class Clock: @unchecked Sendable {
        private var t: Int64 = 1_800_000_000_000
        func tick(_ by: Int64) -> Int64 { t += by; return t }
    }
}
