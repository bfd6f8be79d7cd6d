import Foundation
import Learning
import NumericKit
import Testing

@Suite struct EvaluationTests {
    @Test func metricsOnAHandWorkedCase() {
        let p = [0.9, 0.8, 0.3, 0.6, 0.2], y = [1.0, 1, 0, 0, 1]
        let r = [0.01, 0.02, -0.01, 0.0, 0.03]
        let m = Metrics(p: p, y: y, forwardReturn: r)
        // Positives 0.9, 0.8, 0.2 vs negatives 0.3, 0.6: pairs won 2+2+0 of 6.
        #expect(abs(m.auc - 4.0 / 6) < 1e-15)
        #expect(abs(m.brier - (0.01 + 0.04 + 0.09 + 0.36 + 0.64) / 5) < 1e-15)
        #expect(abs(m.accuracy - 3.0 / 5) < 1e-15)
        // Calls with a non-zero return: 0.9↑ +, 0.8↑ +, 0.3↓ −, 0.2↓ + → 3 of 4.
        #expect(abs(m.hitRate - 0.75) < 1e-15)
        let logs: [Double] = [log(0.9), log(0.8), log(0.7), log(0.4), log(0.2)]
        let expectedLogLoss: Double = -logs.reduce(0, +) / 5
        #expect(abs(m.logLoss - expectedLogLoss) < 1e-15)
        // Ranks of p (5,4,2,3,1) against ranks of r (3,4,1,2,5): Σd² = 22 → ρ = 1 − 6·22/120.
        #expect(abs(m.ic - -0.1) < 1e-12)
        #expect(Metrics(p: [0.1, 0.9], y: [0, 1], forwardReturn: [-1, 1]).auc == 1)
        #expect(Metrics(p: [0.5, 0.5], y: [0, 1], forwardReturn: [-1, 1]).auc == 0.5)
    }

    @Test func calibrationMakesOverconfidentScoresHonest() throws {
        // True probability 0.5 + 0.25·s for s in [−1, 1], but the raw score claims sigmoid(4s).
        var rng = SeededRNG(seed: 8)
        let s = (0..<20_000).map { _ in 2 * rng.uniform() - 1 }
        let y = s.map { rng.uniform() < 0.5 + 0.25 * $0 ? 1.0 : 0.0 }
        let raw = s.map { 1 / (1 + exp(-4 * $0)) }
        let before = Calibration.expectedCalibrationError(p: raw, y: y)
        for method in Calibration.Method.allCases {
            let c = try Calibration.fit(method, scores: s, y: y)
            let after = Calibration.expectedCalibrationError(p: s.map(c.probability), y: y)
            #expect(after < 0.02 && after < before / 3, "\(method): ECE \(before) → \(after)")
        }
        // Isotonic output is monotone in the score.
        let iso = try Calibration.fit(.isotonic, scores: s, y: y)
        let grid = stride(from: -1.0, through: 1.0, by: 0.01).map(iso.probability)
        #expect(zip(grid, grid.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test(arguments: [WalkForward.Mode.expanding, .rolling])
    func foldsNeverLetATrainingLabelReachTheTestBlock(mode: WalkForward.Mode) {
        // Series rows with holes (warm-up, dropped flat rows), horizon 15, embargo 5.
        let rows = (60..<5000).filter { $0 % 7 != 0 }
        let cv = WalkForward(folds: 5, mode: mode, window: 2, embargo: 5)
        let splits = cv.splits(rows: rows, horizon: 15)
        #expect(splits.count == 5)
        var tested = Set<Int>()
        for s in splits {
            let firstTest = rows[s.test.first!]
            #expect(s.train.allSatisfy { rows[$0] + 15 < firstTest - 5 })
            #expect(s.train.max()! < s.test.min()!)
            #expect(Set(s.test).isDisjoint(with: tested))
            tested.formUnion(s.test)
            // Purging removes only what it must: the last kept row is the last one allowed.
            let allowed = rows.indices.filter { rows[$0] + 15 < firstTest - 5 }
            #expect(s.train.last == allowed.last)
        }
        if mode == .rolling { #expect(splits[4].train.first! > splits[0].train.first!) }
    }
}
