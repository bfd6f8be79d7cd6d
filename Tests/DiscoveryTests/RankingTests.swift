import ConfigFormat
import Discovery
import Foundation
import NumericKit
import Store
import Market
import TestSupport
import Testing

/// A candidate record with the given out-of-sample figures and per-bucket returns.
func candidate(key: Int, variant: Int = 0, rung: Int = 1, sharpe: Double, trades: Int = 100, observations: Int = 5000,
               buckets: [Double] = [], error: String? = nil) -> CandidateRecord {
    CandidateRecord(runId: "r", rung: rung, keyIndex: key, variant: variant, definition: "k\(key)", error: error,
                    observations: error == nil ? observations : 0, sharpe: error == nil ? sharpe : nil, skewness: error == nil ? 0 : nil,
                    kurtosis: error == nil ? 3 : nil, trades: trades, inSampleSharpe: nil, metricsJSON: nil,
                    bucketTimes: buckets.indices.map { Int64($0) * 60_000 }, bucketReturns: buckets)
}

@Suite struct RankingTests {
    func noise(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SeededRNG(seed: seed)
        return (0..<n).map { _ in rng.normal() }
    }

    @Test func trialsCountEveryConfigurationTriedAndMoreTrialsDeflateMore() {
        let base = noise(200, seed: 1)
        let finals = [candidate(key: 0, sharpe: 0.06, buckets: base), candidate(key: 1, sharpe: 0.01, buckets: noise(200, seed: 2))]
        // Key 2 was eliminated at rung 0; key 0 appears at both rungs but is one configuration.
        let all = finals + [candidate(key: 2, rung: 0, sharpe: -0.02), candidate(key: 0, rung: 0, sharpe: 0.05)]
        let few = Ranking.rank(all, finalRung: 1, minTrades: 30, maxCorrelation: 0.7)
        #expect(few.trials == 3)
        let m = SharpeStatistics.Moments(observations: 5000, sharpe: 0.06, skewness: 0, kurtosis: 3)
        let variance = 2 * (0.06 - 0.035) * (0.06 - 0.035)    // sample variance (n − 1) of the two full-rung Sharpe ratios
        #expect(abs(few.sharpeVariance - variance) < 1e-15)
        #expect(few.ranked.first?.keyIndex == 0)
        #expect(few.ranked.first?.dsr == SharpeStatistics.deflated(m, trials: 3, trialVariance: few.sharpeVariance))
        #expect(few.candidates.first { $0.keyIndex == 2 }?.note?.contains("eliminated at rung 0") == true)
        // The same best candidate among many more tried configurations is worth less.
        let more = Ranking.rank(all + (3..<60).map { candidate(key: $0, rung: 0, sharpe: 0) }, finalRung: 1, minTrades: 30, maxCorrelation: 0.7)
        #expect(more.trials == 60 && more.ranked.first!.dsr! < few.ranked.first!.dsr!)
    }

    @Test func tooFewTradesErrorsAndCorrelatedTwinsCannotRank() {
        let a = noise(300, seed: 3), c = noise(300, seed: 4)
        let twin = zip(a, noise(300, seed: 5)).map { $0 + 0.3 * $1 }    // correlation ≈ 0.96 with a
        let all = [
            candidate(key: 0, sharpe: 0.05, buckets: a),
            candidate(key: 1, sharpe: 0.04, buckets: twin),
            candidate(key: 2, sharpe: 0.03, buckets: c),
            candidate(key: 3, sharpe: 0.09, trades: 29, buckets: noise(300, seed: 6)),
            candidate(key: 4, sharpe: 0, error: "only 12 usable rows"),
        ]
        let r = Ranking.rank(all, finalRung: 1, minTrades: 30, maxCorrelation: 0.7)
        #expect(r.ranked.map(\.keyIndex) == [0, 2])
        let notes = Dictionary(uniqueKeysWithValues: r.candidates.map { ($0.keyIndex, $0.note ?? "") })
        #expect(notes[1]!.contains("correlate") && notes[1]!.contains("rank 1"), "\(notes[1]!)")
        #expect(notes[3]! == "too few trades (29 < 30)")
        #expect(notes[4]!.contains("only 12 usable rows"))
        // With the filter off (limit 1), the twin ranks between them.
        #expect(Ranking.rank(all, finalRung: 1, minTrades: 30, maxCorrelation: 1).ranked.map(\.keyIndex) == [0, 1, 2])
    }

    @Test func bucketsAlignByTime() {
        let b = ReturnBuckets(time: [0, 60_000, 120_000, 180_000], returns: [1, 2, 3, 4], bucketMs: 120_000)
        #expect(b.times == [0, 120_000] && b.sums == [3, 7])
        let x = ReturnBuckets(times: (0..<20).map { Int64($0) }, sums: (0..<20).map { Double($0) })
        let shifted = ReturnBuckets(times: (5..<25).map { Int64($0) }, sums: (5..<25).map { Double($0 * 2) })
        #expect(abs(x.correlation(with: shifted)! - 1) < 1e-12)     // 15 shared buckets, perfectly related
        #expect(x.correlation(with: ReturnBuckets(times: [100], sums: [1])) == nil)
    }
}

@Suite struct GraduationTests {
    let rules = GraduationRules(minDSR: 0.95, paperDays: 14, maxPaperDrawdown: 0.10)
    let day: Int64 = 86_400_000

    func record(_ status: StrategyRecord.Status, dsr: Double? = 0.97, since: Int64 = 0, paperBars: Int = 0, drawdown: Double? = nil) -> StrategyRecord {
        StrategyRecord(name: "s", status: status, symbol: "BTCUSDT", interval: "1m", featureSet: "default", featureHash: "h", definition: "",
                       dsr: dsr, createdMs: 0, statusMs: since, paperBars: paperBars, paperMaxDrawdown: drawdown)
    }

    func allowed(_ d: Graduation.Decision) -> StrategyRecord.Status? { if case .allowed(let s, _) = d { return s }; return nil }

    @Test func candidateToPaperNeedsTheDeflatedSharpe() {
        #expect(allowed(Graduation.promote(record(.candidate, dsr: 0.95), to: nil, rules: rules, nowMs: 0)) == .paper)
        #expect(allowed(Graduation.promote(record(.candidate, dsr: 0.9499), to: nil, rules: rules, nowMs: 0)) == nil)
        #expect(allowed(Graduation.promote(record(.candidate, dsr: nil), to: .paper, rules: rules, nowMs: 0)) == nil)
        #expect(allowed(Graduation.promote(record(.candidate), to: .live, rules: rules, nowMs: 0)) == nil)
    }

    @Test func paperToLiveOnlyWhenAskedAfterThePeriodWithinTheDrawdown() {
        let ok = record(.paper, since: 0, paperBars: 20_160, drawdown: 0.10)
        #expect(allowed(Graduation.promote(ok, to: nil, rules: rules, nowMs: 14 * day)) == nil)          // never automatic
        #expect(allowed(Graduation.promote(ok, to: .live, rules: rules, nowMs: 14 * day)) == .live)
        #expect(allowed(Graduation.promote(ok, to: .live, rules: rules, nowMs: 14 * day - 1)) == nil)     // one ms short
        #expect(allowed(Graduation.promote(record(.paper, paperBars: 20_160, drawdown: 0.1001), to: .live, rules: rules, nowMs: 30 * day)) == nil)
        #expect(allowed(Graduation.promote(record(.paper), to: .live, rules: rules, nowMs: 30 * day)) == nil)   // no paper record
        #expect(allowed(Graduation.promote(record(.retired), to: .paper, rules: rules, nowMs: 0)) == nil)
        #expect(allowed(Graduation.promote(record(.live), to: .live, rules: rules, nowMs: 0)) == nil)
    }
}

@Suite struct StrategyLifecycleTests {
    @Test func refusalsChangeNothingAndSayTheirKind() throws {
        let store = try DataStore(path: try Fixtures.temporaryDirectory().appendingPathComponent("s.sqlite").path)
        try store.strategies.save(StrategyRecord(name: "s", status: .candidate, symbol: "BTCUSDT", interval: "1m", featureSet: "default", featureHash: "h",
                                                 definition: "", dsr: 0.5, createdMs: 0), reason: "test")
        let rules = GraduationRules(minDSR: 0.95)
        #expect { try StrategyLifecycle.promote(store, name: "s", to: nil, rules: rules, nowMs: 1) } throws: { ErrorKind.of($0) == .refused }
        #expect(try store.strategies.get("s").status == .candidate && store.strategies.events("s").count == 1)
        #expect { try StrategyLifecycle.promote(store, name: "x", to: nil, rules: rules, nowMs: 1) } throws: { ErrorKind.of($0) == .notFound }
        let paper = try StrategyLifecycle.promote(store, name: "s", to: .paper, rules: GraduationRules(minDSR: 0.4), nowMs: 2)
        #expect(paper.from == .candidate && paper.to == .paper && paper.reason.contains("0.5000"))
        #expect { try StrategyLifecycle.retire(store, name: "s", reason: "  ", nowMs: 3) } throws: { ErrorKind.of($0) == .badInput }
        try StrategyLifecycle.retire(store, name: "s", reason: "edge gone", nowMs: 3)
        #expect { try StrategyLifecycle.retire(store, name: "s", reason: "again", nowMs: 4) } throws: { ErrorKind.of($0) == .conflict }
        #expect(try store.strategies.events("s").map(\.to) == ["candidate", "paper", "retired"])
    }
}
