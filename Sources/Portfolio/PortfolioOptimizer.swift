import Foundation
import NumericKit

/// How capital is split.
public enum OptimizationMethod: String, Sendable, CaseIterable, Codable {
    case minVariance = "min-variance"
    case maxSharpe = "max-sharpe"
    case riskParity = "risk-parity"
    case inverseVolatility = "inverse-vol"
}

/// Per-asset weight limits; weights always sum to one.
public struct WeightBounds: Sendable, Equatable {
    /// 0 for long-only; negative allows shorts down to it (minimum variance and maximum Sharpe).
    public var lower: Double
    /// The per-asset cap.
    public var cap: Double
    /// Σ|wᵢ| at most this (only meaningful when shorts are allowed); nil: no cap.
    public var grossLeverage: Double?

    public init(lower: Double = 0, cap: Double = 1, grossLeverage: Double? = nil) {
        self.lower = lower
        self.cap = cap
        self.grossLeverage = grossLeverage
    }
}

/// Weights with the diagnostics a risk officer asks for.
public struct Allocation: Sendable {
    public let names: [String]
    public let weights: [Double]
    public let method: OptimizationMethod
    /// Annualised volatility √(wᵀΣw) with the annualised covariance.
    public let volatility: Double
    /// wᵀμ and (wᵀμ − r_f) / volatility when expected returns were given.
    public let expectedReturn: Double?
    public let sharpe: Double?
    /// Each asset's share of the portfolio variance: wᵢ(Σw)ᵢ / wᵀΣw (sums to one).
    public let riskContributions: [Double]
    /// Assets held at the lower bound and at the cap.
    public let atLower: [String]
    public let atCap: [String]
    /// Largest violation of the optimality conditions (nil where the method has none to check).
    public let kktResidual: Double?
    public let iterations: Int
}

/// Minimum variance, maximum Sharpe, equal risk contribution and inverse volatility, all with a
/// budget (weights sum to one) and per-asset bounds; exact methods on LAPACK factorisations.
public enum PortfolioOptimizer {
    /// `covariance` and `expectedReturns` in the same (annual) units; `riskFree` likewise.
    public static func optimize(_ method: OptimizationMethod, names: [String], covariance: Matrix, expectedReturns: [Double]? = nil,
                                riskFree: Double = 0, bounds: WeightBounds = WeightBounds()) throws -> Allocation {
        let n = covariance.rows
        guard covariance.isSquare, names.count == n, n >= 1 else { throw PortfolioError("\(names.count) names for a \(covariance.rows)×\(covariance.columns) covariance") }
        guard covariance.storage.allSatisfy(\.isFinite) else { throw PortfolioError("the covariance has non-finite entries") }
        for i in 0..<n where !(covariance[i, i] > 0) {
            throw PortfolioError("asset '\(names[i])' has zero variance: a constant return series cannot be weighted by risk")
        }
        if let mu = expectedReturns, mu.count != n || !mu.allSatisfy(\.isFinite) { throw PortfolioError("expected returns must be \(n) finite numbers") }
        guard bounds.cap > 0, bounds.cap <= 1 || bounds.lower < 0, bounds.lower <= 0, bounds.lower > -10 else {
            throw PortfolioError("weight bounds: expected lower ≤ 0 < cap, got \(bounds.lower) … \(bounds.cap)")
        }
        guard Double(n) * bounds.cap >= 1 - 1e-12 else {
            throw PortfolioError(String(format: "a cap of %.4g on %d assets cannot hold the whole budget; raise it to at least %.4g", bounds.cap, n, 1 / Double(n)))
        }
        let lower = [Double](repeating: bounds.lower, count: n), upper = [Double](repeating: bounds.cap, count: n)
        let leverage = bounds.grossLeverage
        if let leverage, !(leverage >= 1) { throw PortfolioError("gross leverage cap: expected at least 1 (weights sum to one), got \(leverage)") }
        var weights: [Double]
        var kkt: Double? = nil, iterations = 0
        switch method {
        case .minVariance:
            let c = [Double](repeating: 0, count: n)
            if let leverage, bounds.lower < 0 {
                let s = try LeverageCappedQP(h: covariance, lower: lower, upper: upper, cap: leverage).solve(c: c)
                weights = s.w; kkt = try LeverageCappedQP.kktResidual(s, cap: leverage); iterations = s.iterations
            } else {
                let qp = try BudgetBoxQP(h: covariance, lower: lower, upper: upper)
                let s = try qp.solve(c: c)
                weights = s.w; kkt = try qp.kktResidual(s, c: c); iterations = s.iterations
            }
        case .maxSharpe:
            guard let mu = expectedReturns else { throw PortfolioError("maximum Sharpe needs expected returns") }
            let r = try MaxSharpe.solve(covariance: covariance, mu: mu, riskFree: riskFree, lower: lower, upper: upper,
                                        grossLeverage: bounds.lower < 0 ? leverage : nil)
            weights = r.w; kkt = r.kkt; iterations = r.iterations
        case .riskParity:
            guard bounds.lower <= 0 else { throw PortfolioError("risk parity is long-only") }
            let r = try RiskParity.solve(covariance: covariance, cap: bounds.cap)
            weights = r.w; kkt = r.residual; iterations = r.iterations
        case .inverseVolatility:
            weights = try cappedProportional((0..<n).map { 1 / covariance[$0, $0].squareRoot() }, cap: bounds.cap)
        }
        let sigmaW = try BLAS.multiply(covariance, weights)
        let variance = dot(weights, sigmaW)
        let volatility = max(0, variance).squareRoot()
        let expected = expectedReturns.map { dot($0, weights) }
        let tolerance = 1e-9
        return Allocation(names: names, weights: weights, method: method, volatility: volatility, expectedReturn: expected,
                          sharpe: expected.map { ($0 - riskFree) / volatility },
                          riskContributions: (0..<n).map { weights[$0] * sigmaW[$0] / variance },
                          atLower: (0..<n).filter { weights[$0] <= bounds.lower + tolerance }.map { names[$0] },
                          atCap: (0..<n).filter { weights[$0] >= bounds.cap - tolerance }.map { names[$0] },
                          kktResidual: kkt, iterations: iterations)
    }

    /// Weights proportional to `scores` (positive), summing to one, none above `cap`: the capped
    /// ones are fixed at the cap and the rest of the budget is shared in proportion again.
    static func cappedProportional(_ scores: [Double], cap: Double) throws -> [Double] {
        var w = [Double](repeating: 0, count: scores.count)
        var capped = Set<Int>()
        while true {
            let free = scores.indices.filter { !capped.contains($0) }
            let budget = 1 - Double(capped.count) * cap
            let total = free.reduce(0) { $0 + scores[$1] }
            for i in free { w[i] = budget * scores[i] / total }
            for i in capped { w[i] = cap }
            let over = free.filter { w[$0] > cap }
            if over.isEmpty { return w }
            capped.formUnion(over)
        }
    }
}
