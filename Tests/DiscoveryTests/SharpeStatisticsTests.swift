import Discovery
import Foundation
import NumericKit
import Testing

@Suite struct SharpeStatisticsTests {
    @Test func normalDistribution() {
        #expect(abs(NormalDistribution.cdf(0) - 0.5) < 1e-16)
        #expect(abs(NormalDistribution.cdf(1.959963984540054) - 0.975) < 1e-15)
        for p in [1e-10, 0.001, 0.02425, 0.1, 0.5, 0.9, 0.975, 0.999, 1 - 1e-10] {
            #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) < 1e-14 * max(1, p / (1 - p)), "p = \(p)")
        }
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) < 1e-12)
    }

    /// The paper's numerical example: 100 trials whose annualised Sharpe ratios vary with V = 1/2;
    /// the best shows 2.5 annualised over 1,250 daily returns with skewness −3 and kurtosis 10.
    @Test func theWorkedExampleFromThePaper() {
        let days = 250.0
        let m = SharpeStatistics.Moments(observations: 1250, sharpe: 2.5 / days.squareRoot(), skewness: -3, kurtosis: 10)
        let benchmark = SharpeStatistics.expectedMaximum(trials: 100, variance: 0.5 / days)
        #expect(abs(benchmark - 0.1132) < 5e-5)       // SR₀ ≈ 0.1132 (per day)
        #expect(abs(SharpeStatistics.deflated(m, trials: 100, trialVariance: 0.5 / days) - 0.9004) < 5e-5)
    }

    @Test func probabilisticSharpeProperties() {
        let m = SharpeStatistics.Moments(observations: 500, sharpe: 0.1, skewness: 0, kurtosis: 3)
        #expect(abs(SharpeStatistics.probabilistic(m, benchmark: 0.1) - 0.5) < 1e-15)
        #expect(SharpeStatistics.probabilistic(m, benchmark: 0) > 0.98)
        // Negative skew and fat tails make the same Sharpe less convincing.
        let ugly = SharpeStatistics.Moments(observations: 500, sharpe: 0.1, skewness: -2, kurtosis: 12)
        #expect(SharpeStatistics.probabilistic(ugly, benchmark: 0) < SharpeStatistics.probabilistic(m, benchmark: 0))
        // More trials, a higher bar.
        #expect(SharpeStatistics.expectedMaximum(trials: 1000, variance: 1) > SharpeStatistics.expectedMaximum(trials: 10, variance: 1))
        #expect(SharpeStatistics.expectedMaximum(trials: 1, variance: 1) == 0)
    }

    @Test func theBestOfManyWorthlessStrategiesIsNotCalledReal() {
        // 200 strategies of pure noise, 750 returns each. The best raw Sharpe looks impressive
        // (its PSR against zero is high); deflated by the number of trials it is not significant.
        var rng = SeededRNG(seed: 17)
        var rejected = 0
        for _ in 0..<10 {
            let trials = (0..<200).map { _ in SharpeStatistics.Moments(returns: (0..<750).map { _ in 0.01 * rng.normal() }) }
            let best = trials.max { $0.sharpe < $1.sharpe }!
            let srs = trials.map(\.sharpe)
            let mean = srs.reduce(0, +) / 200
            let variance = srs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 199
            #expect(SharpeStatistics.probabilistic(best, benchmark: 0) > 0.95)
            if SharpeStatistics.deflated(best, trials: 200, trialVariance: variance) < 0.95 { rejected += 1 }
        }
        #expect(rejected >= 9)
    }
}
