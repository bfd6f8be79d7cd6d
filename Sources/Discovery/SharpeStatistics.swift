import Foundation
import NumericKit

/// Statistics that tell a real Sharpe ratio from a lucky one (Bailey & López de Prado, "The
/// Deflated Sharpe Ratio", 2014). Sharpe ratios here are per observation (not annualised);
/// kurtosis is the raw fourth standardised moment (3 for a normal distribution).
public enum SharpeStatistics {
    /// Sharpe ratio, skewness and kurtosis of a return series.
    public struct Moments: Sendable, Equatable {
        public let observations: Int
        public let sharpe: Double
        public let skewness: Double
        public let kurtosis: Double

        public init(observations: Int, sharpe: Double, skewness: Double, kurtosis: Double) {
            self.observations = observations
            self.sharpe = sharpe
            self.skewness = skewness
            self.kurtosis = kurtosis
        }

        /// From returns: sample-σ Sharpe, population skewness and kurtosis.
        public init(returns r: [Double]) {
            let n = Double(r.count)
            let mean = r.reduce(0, +) / n
            var m2 = 0.0, m3 = 0.0, m4 = 0.0
            for x in r { let d = x - mean; m2 += d * d; m3 += d * d * d; m4 += d * d * d * d }
            let variance = m2 / max(1, n - 1)
            let pm2 = m2 / n
            observations = r.count
            sharpe = variance > 0 ? mean / variance.squareRoot() : 0
            skewness = pm2 > 0 ? (m3 / n) / pow(pm2, 1.5) : 0
            kurtosis = pm2 > 0 ? (m4 / n) / (pm2 * pm2) : 3
        }
    }

    /// PSR: the probability that the true Sharpe ratio exceeds `benchmark`, given the estimate's
    /// sample length and the returns' skewness and kurtosis.
    public static func probabilistic(_ m: Moments, benchmark: Double) -> Double {
        let sr = m.sharpe
        let denominator = (1 - m.skewness * sr + (m.kurtosis - 1) / 4 * sr * sr).squareRoot()
        guard denominator > 0, m.observations > 1 else { return .nan }
        return NormalDistribution.cdf((sr - benchmark) * Double(m.observations - 1).squareRoot() / denominator)
    }

    /// E[max] of `trials` Sharpe ratios with true value 0 and cross-trial variance `variance`:
    /// √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), γ the Euler–Mascheroni constant.
    public static func expectedMaximum(trials: Int, variance: Double) -> Double {
        guard trials > 1, variance > 0 else { return 0 }
        let n = Double(trials), gamma = 0.5772156649015329
        return variance.squareRoot() * ((1 - gamma) * NormalDistribution.quantile(1 - 1 / n)
            + gamma * NormalDistribution.quantile(1 - 1 / (n * M_E)))
    }

    /// DSR: the PSR against the Sharpe ratio the best of `trials` worthless strategies would show.
    public static func deflated(_ m: Moments, trials: Int, trialVariance: Double) -> Double {
        probabilistic(m, benchmark: expectedMaximum(trials: trials, variance: trialVariance))
    }
}
