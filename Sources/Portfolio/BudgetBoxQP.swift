import Foundation
import NumericKit

/// min ½·wᵀHw − cᵀw  subject to  Σw = 1  and  lower ≤ w ≤ upper, for symmetric positive-definite
/// H: the problem behind minimum-variance and (per risk-aversion level) maximum-Sharpe weights.
///
/// Solved exactly by active sets. A primal–dual active-set iteration (Hintermüller, Ito &
/// Kunisch) moves many bounds per step and usually ends in a handful of reduced solves; should it
/// cycle, a primal active-set method (Nocedal & Wright, Algorithm 16.3), which always terminates,
/// takes over. Each step solves the KKT system of the free variables with LAPACK's Cholesky.
struct BudgetBoxQP {
    enum Bound: Sendable, Equatable { case free, lower, upper }

    struct Solution: Sendable {
        let w: [Double]
        /// Multiplier of the budget constraint.
        let nu: Double
        /// Bound multipliers: ≥ 0 at an upper bound, ≤ 0 at a lower bound, 0 when free.
        let lambda: [Double]
        let state: [Bound]
        let iterations: Int
    }

    let h: Matrix
    let lower: [Double]
    let upper: [Double]
    var n: Int { h.rows }

    init(h: Matrix, lower: [Double], upper: [Double]) throws {
        precondition(h.isSquare && lower.count == h.rows && upper.count == h.rows, "shapes")
        guard zip(lower, upper).allSatisfy({ $0 <= $1 }) else { throw PortfolioError("a lower weight bound is above its upper bound") }
        guard lower.reduce(0, +) <= 1 + 1e-12, upper.reduce(0, +) >= 1 - 1e-12 else {
            throw PortfolioError(String(format: "no weights can sum to one within the bounds (they allow %.4f … %.4f); raise --cap", lower.reduce(0, +), upper.reduce(0, +)))
        }
        self.h = h
        self.lower = lower
        self.upper = upper
    }

    func solve(c: [Double], start: [Bound]? = nil) throws -> Solution {
        if let s = try primalDual(c: c, start: start ?? [Bound](repeating: .free, count: n)) { return s }
        return try primalActiveSet(c: c)
    }

    /// The minimiser with the variables in `state` fixed at their bounds, or nil when the fixed
    /// ones leave no free variable to meet the budget.
    func solveFixed(_ state: [Bound], c: [Double]) throws -> (w: [Double], nu: Double)? {
        var w = [Double](repeating: 0, count: n)
        var free: [Int] = []
        var fixedSum = 0.0
        for i in 0..<n {
            switch state[i] {
            case .free: free.append(i)
            case .lower: w[i] = lower[i]; fixedSum += lower[i]
            case .upper: w[i] = upper[i]; fixedSum += upper[i]
            }
        }
        guard !free.isEmpty else { return nil }
        let m = free.count
        var hff = Matrix(rows: m, columns: m)
        var rhs = Matrix(rows: m, columns: 2)
        h.storage.withUnsafeBufferPointer { hs in
            let ld = n
            for (b, j) in free.enumerated() { for (a, i) in free.enumerated() { hff[a, b] = hs[j * ld + i] } }
            for (a, i) in free.enumerated() {
                var s = c[i]
                for j in 0..<n where state[j] != .free && w[j] != 0 { s -= hs[j * ld + i] * w[j] }
                rhs[a, 0] = s
                rhs[a, 1] = 1
            }
        }
        let sol: Matrix
        do { sol = try LAPACK.posv(hff, rhs) } catch LinearAlgebraError.notPositiveDefinite {
            throw PortfolioError("the covariance matrix is not positive definite (singular or nearly so): assets are collinear or there are too few periods; try --covariance ledoit-wolf")
        }
        var sx = 0.0, sz = 0.0
        for a in 0..<m { sx += sol[a, 0]; sz += sol[a, 1] }
        let nu = (sx - (1 - fixedSum)) / sz
        for (a, i) in free.enumerated() { w[i] = sol[a, 0] - nu * sol[a, 1] }
        return (w, nu)
    }

    /// −(Hw − c + ν·1): the bound multipliers implied at `w` (meaningful at fixed variables).
    func multipliers(_ w: [Double], nu: Double, c: [Double], state: [Bound]) throws -> [Double] {
        let hw = try BLAS.multiply(h, w)
        return (0..<n).map { i in state[i] == .free ? 0 : -(hw[i] - c[i] + nu) }
    }

    private func primalDual(c: [Double], start: [Bound]) throws -> Solution? {
        var state = start
        let kappa = max(1e-300, h.meanDiagonal)
        for iteration in 1...max(50, 2 * n) {
            guard let (w, nu) = try solveFixed(state, c: c) else { return nil }
            let lambda = try multipliers(w, nu: nu, c: c, state: state)
            var next = state
            for i in 0..<n {
                if lambda[i] + kappa * (w[i] - upper[i]) > 0 { next[i] = .upper }
                else if lambda[i] + kappa * (w[i] - lower[i]) < 0 { next[i] = .lower }
                else { next[i] = .free }
            }
            if next == state { return Solution(w: w, nu: nu, lambda: lambda, state: state, iterations: iteration) }
            state = next
        }
        return nil
    }

    private func primalActiveSet(c: [Double]) throws -> Solution {
        // A feasible start: every weight at its lower bound, then filled up to the budget.
        var w = lower
        var remaining = 1 - lower.reduce(0, +)
        for i in 0..<n where remaining > 0 { let add = min(upper[i] - w[i], remaining); w[i] += add; remaining -= add }
        var state = (0..<n).map { i -> Bound in w[i] == lower[i] ? .lower : (w[i] == upper[i] ? .upper : .free) }
        if !state.contains(.free) { state[state.firstIndex(where: { _ in true })!] = .free }
        for iteration in 1...(10 * n + 100) {
            guard let (target, nu) = try solveFixed(state, c: c) else { throw PortfolioError("the active-set solver lost its free variables") }
            var alpha = 1.0, blocking: (index: Int, bound: Bound)?
            // A lone free variable is pinned by the budget; fixing it would leave none to meet it.
            let freeCount = state.lazy.filter { $0 == .free }.count
            for i in 0..<n where state[i] == .free && freeCount > 1 {
                let p = target[i] - w[i]
                if abs(p) <= 1e-15 * (1 + abs(w[i])) { continue }
                if p < 0, lower[i] - w[i] > alpha * p { alpha = (lower[i] - w[i]) / p; blocking = (i, .lower) }
                if p > 0, upper[i] - w[i] < alpha * p { alpha = (upper[i] - w[i]) / p; blocking = (i, .upper) }
            }
            alpha = max(0, alpha)
            for i in 0..<n where state[i] == .free { w[i] += alpha * (target[i] - w[i]) }
            if let (b, bound) = blocking {
                state[b] = bound
                w[b] = bound == .lower ? lower[b] : upper[b]
                continue
            }
            w = target
            let lambda = try multipliers(w, nu: nu, c: c, state: state)
            // Release the bound whose multiplier has the wrong sign by the most.
            var worst: Int?, worstValue = 0.0
            for i in 0..<n {
                let wrong = state[i] == .upper ? -lambda[i] : (state[i] == .lower ? lambda[i] : 0)
                if wrong > worstValue { worstValue = wrong; worst = i }
            }
            guard let release = worst, worstValue > 1e-14 * max(1, h.meanDiagonal) else {
                return Solution(w: w, nu: nu, lambda: lambda, state: state, iterations: iteration)
            }
            state[release] = .free
        }
        throw PortfolioError("the active-set solver did not converge")
    }

    /// Largest violation of the KKT conditions at a solution: stationarity, bounds, budget,
    /// multiplier signs (in units of the objective's gradient).
    func kktResidual(_ s: Solution, c: [Double]) throws -> Double {
        let hw = try BLAS.multiply(h, s.w)
        var r = abs(s.w.reduce(0, +) - 1)
        for i in 0..<n {
            r = max(r, abs(hw[i] - c[i] + s.nu + s.lambda[i]))
            r = max(r, lower[i] - s.w[i], s.w[i] - upper[i])
            switch s.state[i] {
            case .free: r = max(r, abs(s.lambda[i]))
            case .upper: r = max(r, -s.lambda[i], abs(s.w[i] - upper[i]))
            case .lower: r = max(r, s.lambda[i], abs(s.w[i] - lower[i]))
            }
        }
        return r
    }
}
