import Foundation
import NumericKit

/// The maximum-Sharpe (tangency) portfolio under the budget and per-asset bounds.
///
/// Along the efficient frontier w(t) = argmin ½wᵀΣw − t·μᵀw, the Sharpe ratio is quasi-concave
/// in t. A bracket and a golden-section search on t find the frontier segment that holds the
/// maximum; on that segment the active set is fixed, so w(t) = a + t·b exactly and the Sharpe
/// ratio's maximum has a closed form, t* = (m₀v₁ − m₁v₀)/(m₁v₁ − m₀v₂) with m = μᵀw − r_f and
/// v = wᵀΣw expanded in t. The result is therefore exact, not the search's approximation.
enum MaxSharpe {
    struct Result {
        let w: [Double]
        let kkt: Double
        let iterations: Int
    }

    static func solve(covariance: Matrix, mu: [Double], riskFree: Double, lower: [Double], upper: [Double], grossLeverage: Double? = nil) throws -> Result {
        guard (mu.max() ?? -.infinity) > riskFree else {
            throw PortfolioError("no asset's expected return exceeds the risk-free rate (\(riskFree)): the maximum-Sharpe portfolio does not exist")
        }
        func sharpe(_ w: [Double]) throws -> Double {
            (dot(mu, w) - riskFree) / (try covariance.quadraticForm(w)).squareRoot()
        }
        let scale = covariance.meanDiagonal / max(mu.map(abs).max()!, 1e-300)
        var iterations = 0

        if let grossLeverage {
            // With a leverage cap every frontier point is itself a search (over the cap's
            // multiplier), so the maximum is located to the search's precision, not in closed form.
            let qp = LeverageCappedQP(h: covariance, lower: lower, upper: upper, cap: grossLeverage)
            let found = try search(scale: scale) { t -> (Double, [Double], LeverageCappedQP.Solution) in
                let s = try qp.solve(c: mu.map { t * $0 })
                iterations += s.iterations
                return (try sharpe(s.w), s.w, s)
            } exact: { _, _ in false }
            let s = found.payload
            return Result(w: s.w, kkt: try LeverageCappedQP.kktResidual(s, cap: grossLeverage), iterations: iterations)
        }

        let qp = try BudgetBoxQP(h: covariance, lower: lower, upper: upper)
        var state: [BudgetBoxQP.Bound]? = nil
        var tried = Set<[BudgetBoxQP.Bound]>()
        var exactResult: Result?
        let found = try search(scale: scale) { t -> (Double, [Double], BudgetBoxQP.Solution) in
            let s = try qp.solve(c: mu.map { t * $0 }, start: state)
            state = s.state
            iterations += s.iterations
            return (try sharpe(s.w), s.w, s)
        } exact: { (best: BudgetBoxQP.Solution, bestSharpe: Double) -> Bool in
            // On the best point's active set the maximum has a closed form; a new set is tried once.
            guard tried.insert(best.state).inserted,
                  let e = try segmentMaximum(qp, state: best.state, mu: mu, riskFree: riskFree, covariance: covariance), e.valid,
                  try sharpe(e.solution.w) >= bestSharpe - 1e-12 * abs(bestSharpe) else { return false }
            exactResult = Result(w: e.solution.w, kkt: try qp.kktResidual(e.solution, c: mu.map { e.t * $0 }), iterations: iterations)
            return true
        }
        if let exactResult { return exactResult }
        return Result(w: found.payload.w, kkt: try qp.kktResidual(found.payload, c: mu.map { found.t * $0 }), iterations: iterations)
    }

    /// Brackets the Sharpe maximum along t (t = 0 is minimum variance; doubling until the ratio
    /// falls or the weights stop moving), then narrows it by golden section. `exact` is offered
    /// each new best point and ends the search by returning true.
    static func search<P>(scale: Double, point: (Double) throws -> (Double, [Double], P),
                          exact: (P, Double) throws -> Bool) throws -> (t: Double, payload: P) {
        typealias Point = (sharpe: Double, w: [Double], payload: P)
        func at(_ t: Double) throws -> Point { let p = try point(t); return (p.0, p.1, p.2) }
        var ts = [0.0], values = [try at(0)]
        var t = 1e-3 * scale
        for _ in 0..<200 {
            let p = try at(t)
            let previous = values.last!
            ts.append(t); values.append(p)
            if p.sharpe < previous.sharpe || zip(p.w, previous.w).allSatisfy({ abs($0 - $1) <= 1e-15 }) { break }
            t *= 2
        }
        let k = values.indices.max { values[$0].sharpe < values[$1].sharpe }!
        var a = ts[max(0, k - 1)], b = ts[min(ts.count - 1, k + 1)]
        var bestT = ts[k], best = values[k]
        let g = (5.0.squareRoot() - 1) / 2
        var x1 = b - g * (b - a), x2 = a + g * (b - a)
        var f1: Point?, f2: Point?
        var offered = false
        for _ in 0..<100 {
            if !offered, try exact(best.payload, best.sharpe) { return (bestT, best.payload) }
            offered = true
            guard b - a > 1e-13 * max(b, 1e-300) else { break }
            if f1 == nil { f1 = try at(x1) }
            if f2 == nil { f2 = try at(x2) }
            if f1!.sharpe >= f2!.sharpe { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = nil }
            else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = nil }
            for (x, f) in [(x1, f1), (x2, f2)] { if let f, f.sharpe > best.sharpe { bestT = x; best = f; offered = false } }
        }
        return (bestT, best.payload)
    }

    /// The Sharpe-maximising t on the segment where `state` is the active set, its solution, and
    /// whether `state` really is optimal there (free weights inside their bounds, multipliers of
    /// the right sign).
    static func segmentMaximum(_ qp: BudgetBoxQP, state: [BudgetBoxQP.Bound], mu: [Double], riskFree: Double, covariance: Matrix) throws
        -> (t: Double, solution: BudgetBoxQP.Solution, valid: Bool)? {
        let n = mu.count
        guard let p0 = try qp.solveFixed(state, c: [Double](repeating: 0, count: n)), let p1 = try qp.solveFixed(state, c: mu) else { return nil }
        let a = p0.w, b = zip(p1.w, p0.w).map { $0 - $1 }
        let sa = try BLAS.multiply(covariance, a), sb = try BLAS.multiply(covariance, b)
        let m0 = dot(mu, a) - riskFree, m1 = dot(mu, b)
        let v0 = dot(a, sa), v1 = dot(a, sb), v2 = dot(b, sb)
        let denominator = m1 * v1 - m0 * v2
        guard denominator != 0 else { return nil }
        let t = (m0 * v1 - m1 * v0) / denominator
        guard t.isFinite, t >= 0 else { return nil }
        let w = (0..<n).map { a[$0] + t * b[$0] }
        let nu = p0.nu + t * (p1.nu - p0.nu)
        let lambda = try qp.multipliers(w, nu: nu, c: mu.map { t * $0 }, state: state)
        let tolerance = 1e-12
        let scale = max(1e-300, covariance.meanDiagonal)
        var valid = true
        for i in 0..<n {
            switch state[i] {
            case .free: valid = valid && w[i] >= qp.lower[i] - tolerance && w[i] <= qp.upper[i] + tolerance
            case .upper: valid = valid && lambda[i] >= -tolerance * scale
            case .lower: valid = valid && lambda[i] <= tolerance * scale
            }
        }
        return (t, BudgetBoxQP.Solution(w: w, nu: nu, lambda: lambda, state: state, iterations: 0), valid)
    }
}
