import Foundation
import NumericKit

/// Annual expected returns from periodic returns.
public enum ExpectedReturns: String, Sendable, CaseIterable {
    /// Compounded: (Π(1 + rₜ))^(periods per year / T) − 1 — PyPortfolioOpt's `mean_historical_return`.
    case geometric
    /// Arithmetic mean × periods per year.
    case mean

    public func estimate(_ r: AssetReturns, periodsPerYear: Double) throws -> [Double] {
        let t = r.matrix.rows
        guard t >= 2 else { throw PortfolioError("\(t) periods; need at least 2 to estimate expected returns") }
        return try (0..<r.matrix.columns).map { j in
            let column = r.matrix.column(j)
            switch self {
            case .mean:
                return column.reduce(0, +) / Double(t) * periodsPerYear
            case .geometric:
                var logGrowth = 0.0
                for x in column {
                    guard x > -1 else { throw PortfolioError("asset '\(r.names[j])' loses everything in one period (return \(x)); use --expected-returns mean") }
                    logGrowth += log1p(x)
                }
                return expm1(logGrowth * periodsPerYear / Double(t))
            }
        }
    }
}

/// The whole of `mlbot portfolio optimize` as one call: covariance (and expected returns) from
/// the returns, annualised, then the optimiser.
public struct PortfolioRequest: Sendable {
    public var method: OptimizationMethod
    public var covariance: CovarianceEstimator
    public var expectedReturns: ExpectedReturns
    public var riskFree: Double
    public var bounds: WeightBounds
    /// nil: inferred from the timestamps.
    public var periodsPerYear: Double?

    public init(method: OptimizationMethod, covariance: CovarianceEstimator = .sample, expectedReturns: ExpectedReturns = .geometric,
                riskFree: Double = 0, bounds: WeightBounds = WeightBounds(), periodsPerYear: Double? = nil) {
        self.method = method; self.covariance = covariance; self.expectedReturns = expectedReturns
        self.riskFree = riskFree; self.bounds = bounds; self.periodsPerYear = periodsPerYear
    }

    /// The allocation with the estimation details behind it.
    public struct Outcome: Sendable {
        public let allocation: Allocation
        public let periodsPerYear: Double
        public let shrinkage: Double?
        public let observations: Int
        public let expectedReturns: [Double]?
    }

    public func run(_ returns: AssetReturns) throws -> Outcome {
        guard let f = periodsPerYear ?? returns.periodsPerYear, f > 0 else {
            throw PortfolioError("cannot infer periods per year from the timestamps; give --periods-per-year")
        }
        let estimate = try covariance.estimate(returns)
        var annual = estimate.matrix
        for k in annual.storage.indices { annual.storage[k] *= f }
        let mu = method == .maxSharpe ? try expectedReturns.estimate(returns, periodsPerYear: f) : nil
        let allocation = try PortfolioOptimizer.optimize(method, names: returns.names, covariance: annual, expectedReturns: mu,
                                                         riskFree: riskFree, bounds: bounds)
        return Outcome(allocation: allocation, periodsPerYear: f, shrinkage: estimate.shrinkage, observations: returns.matrix.rows, expectedReturns: mu)
    }
}
