import Foundation
import NumericKit

/// How the covariance of periodic returns is estimated.
public enum CovarianceEstimator: Sendable, Equatable {
    /// Unbiased sample covariance (divides by T − 1), as pandas and PyPortfolioOpt's `sample_cov`.
    case sample
    /// Ledoit–Wolf shrinkage of the maximum-likelihood covariance towards μ·I (μ its mean
    /// variance), with scikit-learn's `ledoit_wolf` shrinkage intensity.
    case ledoitWolf
    /// Exponentially weighted: returns centred on their plain mean, products averaged with weights
    /// (1 − α)^age, α = 2 / (span + 1) — PyPortfolioOpt's `exp_cov` (pandas `ewm(span).mean()`).
    case ewma(span: Double)

    /// An estimate and, for Ledoit–Wolf, the shrinkage intensity used.
    public struct Estimate: Sendable {
        public let matrix: Matrix
        public let shrinkage: Double?
    }

    public func estimate(_ r: AssetReturns) throws -> Estimate {
        let t = r.matrix.rows, n = r.matrix.columns
        guard n >= 1 else { throw PortfolioError("no assets") }
        guard t >= 3 else { throw PortfolioError("\(t) periods of returns; need at least 3 to estimate a covariance") }
        let centred = Self.centred(r.matrix)
        switch self {
        case .sample:
            guard t > n else {
                throw PortfolioError("\(t) periods for \(n) assets: the sample covariance is singular; use more periods or --covariance ledoit-wolf")
            }
            return Estimate(matrix: BLAS.syrk(centred, alpha: 1 / Double(t - 1)), shrinkage: nil)
        case .ledoitWolf:
            let emp = BLAS.syrk(centred, alpha: 1 / Double(t))
            var trace = 0.0
            for i in 0..<n { trace += emp[i, i] }
            let mu = trace / Double(n)
            // β̂ and δ̂ of Ledoit & Wolf (2004), in scikit-learn's form.
            var betaSum = 0.0
            centred.storage.withUnsafeBufferPointer { x in
                for row in 0..<t {
                    var s = 0.0
                    for j in 0..<n { let v = x[j * t + row]; s += v * v }
                    betaSum += s * s
                }
            }
            var deltaSum = 0.0
            for v in emp.storage { deltaSum += v * v }        // ‖XᵀX‖²_F / T²
            let beta = (betaSum / Double(t) - deltaSum) / (Double(n) * Double(t))
            let delta = (deltaSum - 2 * mu * trace + Double(n) * mu * mu) / Double(n)
            let shrinkage = delta == 0 ? 0 : min(beta, delta) / delta
            var m = emp
            for j in 0..<n { for i in 0..<n { m[i, j] = (1 - shrinkage) * emp[i, j] + (i == j ? shrinkage * mu : 0) } }
            return Estimate(matrix: m, shrinkage: max(0, shrinkage))
        case .ewma(let span):
            guard span >= 1 else { throw PortfolioError("EWMA span must be at least 1, got \(span)") }
            let alpha = 2 / (span + 1)
            var weights = [Double](repeating: 0, count: t)
            var w = 1.0
            for row in stride(from: t - 1, through: 0, by: -1) { weights[row] = w; w *= 1 - alpha }
            let total = weights.reduce(0, +)
            // Scale each row by √(weight / total) so that one syrk gives the weighted average of products.
            var scaled = centred
            for j in 0..<n { for row in 0..<t { scaled[row, j] *= (weights[row] / total).squareRoot() } }
            return Estimate(matrix: BLAS.syrk(scaled), shrinkage: nil)
        }
    }

    static func centred(_ x: Matrix) -> Matrix {
        var c = x
        let t = x.rows
        for j in 0..<x.columns {
            var mean = 0.0
            for i in 0..<t { mean += x[i, j] }
            mean /= Double(t)
            for i in 0..<t { c[i, j] -= mean }
        }
        return c
    }
}
