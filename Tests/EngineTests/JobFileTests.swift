import ConfigFormat
import Engine
import Foundation
import Market
import TestSupport
import Testing

@Suite struct JobFileTests {
    @Test func theShippedNightlyJobReadsAsDocumented() throws {
        let j = try JobFile.load(name: "nightly-retrain", directory: Fixtures.repositoryRoot.appendingPathComponent("jobs").path)
        #expect(j.schedule.text == "0 2 * * *")
        #expect(j.strategies == nil)
        #expect(j.trainingWindowMs == 90 * 86_400_000 && j.holdoutMs == 7 * 86_400_000)
        #expect(j.promotion == PromotionRule(metric: .logLoss, margin: 0.0005, maxDrawdownIncrease: 0))
        #expect(j.timeoutMs == 7_200_000 && j.catchUp == .once && j.shadowBars == 0)
    }

    @Test func badFieldsNameTheFileLineAndWhatWasExpected() throws {
        func error(_ yaml: String) -> String? {
            try? caught(ConfigError.self) { _ = try JobFile.parse(yaml: yaml, name: "j", file: "jobs/j.yaml") }.map(\.description)
        }
        #expect(error("schedule: \"0 2 * *\"\n") == "jobs/j.yaml:1: schedule: expected a 5-field cron expression in UTC (expression: expected 5 fields (minute hour day-of-month month day-of-week), got 4)")
        #expect(error("schedule: \"0 25 * * *\"\n")?.contains("hour: 25 is out of range") == true)
        #expect(error("strategies: all\n") == "jobs/j.yaml:1: schedule: expected a 5-field cron expression in UTC, e.g. \"0 2 * * *\"")
        #expect(error("schedule: \"@daily\"\nholdout: 7 days\n") == "jobs/j.yaml:2: holdout: expected a positive duration such as 90d, 12h, 30m or 45s, got '7 days'")
        #expect(error("schedule: \"@daily\"\npromotion: {metric: sortino}\n")?.hasPrefix("jobs/j.yaml:2: promotion.metric: expected one of log_loss, auc, sharpe") == true)
        #expect(error("schedule: \"@daily\"\npromotion: {margin: -1}\n")?.contains("promotion.margin: expected a number in 0.0...1.0") == true)
        #expect(error("schedule: \"@daily\"\nstrategies: []\n")?.contains("strategies: expected all, or a non-empty list") == true)
        #expect(error("schedule: \"@daily\"\ncatch_up: always\n")?.contains("catch_up: expected once or skip") == true)
        #expect(error("schedule: \"@daily\"\nshedule: x\n")?.contains("jobs/j.yaml:2: shedule: expected one of the known keys") == true)
        #expect(error("schedule: \"@daily\"\nshadow_bars: 100\npromotion: {metric: sharpe}\n")?.contains("shadow_bars: expected 0 with promotion.metric sharpe") == true)
        #expect(try JobFile.parse(yaml: "schedule: \"@daily\"\nshadow_bars: 100\n", name: "j", file: "j.yaml").shadowBars == 100)
        let ok = try JobFile.parse(yaml: "schedule: \"*/30 * * * *\"\nstrategies: [a, b]\ntraining_window: 12h\ntimeout: 45s\ncatch_up: skip\n", name: "j", file: "j.yaml")
        #expect(ok.strategies == ["a", "b"] && ok.trainingWindowMs == 43_200_000 && ok.timeoutMs == 45_000 && ok.catchUp == .skip)
    }

    @Test func anUnknownJobListsTheKnownOnes() throws {
        let e = try caught(Failure.self) { _ = try JobFile.load(name: "weekly", directory: Fixtures.repositoryRoot.appendingPathComponent("jobs").path) }
        #expect(e?.kind == .notFound && e?.description.contains("jobs: nightly-retrain") == true, "\(String(describing: e))")
    }
}

@Suite struct PromotionRuleTests {
    func score(_ logLoss: Double, auc: Double = 0.55, sharpe: Double = 1, drawdown: Double = 0.05) -> HoldoutScore {
        HoldoutScore(model: "m@1", samples: 1000, logLoss: logLoss, auc: auc, sharpe: sharpe, maxDrawdown: drawdown, totalReturn: 0.01, trades: 10, inSampleBars: 0)
    }

    @Test func promotesOnlyWhenBetterByTheMarginAndNotWorseOnDrawdown() {
        let rule = PromotionRule(metric: .logLoss, margin: 0.001, maxDrawdownIncrease: 0)
        let champion = score(0.690)
        #expect(!rule.decide(champion: champion, challenger: score(0.692)).promote, "worse")
        #expect(!rule.decide(champion: champion, challenger: score(0.6895)).promote, "better, but by less than the margin")
        let better = rule.decide(champion: champion, challenger: score(0.688))
        #expect(better.promote && better.reason.contains("log loss 0.6880 vs champion 0.6900"), "\(better.reason)")
        let deeper = rule.decide(champion: champion, challenger: score(0.680, drawdown: 0.08))
        #expect(!deeper.promote && deeper.reason.contains("holdout max drawdown 8.00% vs champion 5.00%"), "better on log loss, worse on drawdown: \(deeper.reason)")
        let tolerant = PromotionRule(metric: .logLoss, margin: 0.001, maxDrawdownIncrease: 0.05)
        #expect(tolerant.decide(champion: champion, challenger: score(0.680, drawdown: 0.08)).promote)
    }

    @Test func higherIsBetterForAUCAndSharpe() {
        let auc = PromotionRule(metric: .auc, margin: 0.01, maxDrawdownIncrease: 0)
        #expect(auc.decide(champion: score(0.69, auc: 0.55), challenger: score(0.70, auc: 0.57)).promote)
        #expect(!auc.decide(champion: score(0.69, auc: 0.55), challenger: score(0.60, auc: 0.555)).promote)
        let sharpe = PromotionRule(metric: .sharpe, margin: 0.5, maxDrawdownIncrease: 0)
        #expect(sharpe.decide(champion: score(0.69, sharpe: 1), challenger: score(0.69, sharpe: 1.6)).promote)
        #expect(!sharpe.decide(champion: score(0.69, sharpe: 1), challenger: score(0.69, sharpe: 1.4)).promote)
    }

    @Test func noChampionPromotesAndAFigureThatIsNotANumberKeeps() {
        let rule = PromotionRule()
        #expect(rule.decide(champion: nil, challenger: score(0.7)).promote)
        #expect(!rule.decide(champion: score(0.69), challenger: score(.nan)).promote)
        #expect(rule.decide(champion: score(.nan), challenger: score(0.69)).promote, "a champion that cannot be scored on the metric loses to one that can")
    }
}
