import Foundation
import NumericKit

/// min ½·wᵀHw − cᵀw  subject to  Σw = 1,  lower ≤ w ≤ upper  and a gross-leverage cap Σ|wᵢ| ≤ L.
///
/// Each weight is split into a long part p ∈ [0, upperᵢ] and a short part s ∈ [lowerᵢ, 0] with
/// w = p + s, which turns |w| into p − s and keeps every constraint a bound or the budget. The
/// cap is priced by a multiplier η ≥ 0 — the split problem with linear term c ∓ η is a
/// `BudgetBoxQP` — and η is found by bisection on the leverage, which falls as η grows, until
/// the cap holds to 1e-12. A relative 1e-12 ridge keeps the split Hessian [H H; H H] positive
/// definite; with η > 0 at most one part of each weight is away from zero at the optimum.
struct LeverageCappedQP {
    let h: Matrix
    let lower: [Double]
    let upper: [Double]
    let cap: Double

    struct Solution {
        let w: [Double]
        /// The multiplier of the cap (0 when it does not bind) and the split problem's solution.
        let eta: Double
        let split: BudgetBoxQP.Solution
        let splitQP: BudgetBoxQP
        let c: [Double]
        let iterations: Int
    }

    func solve(c: [Double]) throws -> Solution {
        let n = h.rows
        guard cap >= 1 else { throw PortfolioError("a gross leverage cap below 1 cannot hold weights that sum to one (got \(cap))") }
        var big = Matrix(rows: 2 * n, columns: 2 * n)
        let scale = h.meanDiagonal
        for j in 0..<(2 * n) { for i in 0..<(2 * n) { big[i, j] = h[i % n, j % n] } }
        for i in 0..<(2 * n) { big[i, i] += 1e-12 * scale }
        let qp = try BudgetBoxQP(h: big, lower: [Double](repeating: 0, count: n) + lower.map { min(0, $0) },
                                 upper: upper.map { max(0, $0) } + [Double](repeating: 0, count: n))
        var iterations = 0
        // Start long-only: every long part free, every short part at zero.
        var state: [BudgetBoxQP.Bound]? = [BudgetBoxQP.Bound](repeating: .free, count: n) + [BudgetBoxQP.Bound](repeating: .upper, count: n)
        func at(_ eta: Double) throws -> (leverage: Double, s: BudgetBoxQP.Solution, c: [Double]) {
            let c2 = c.map { $0 - eta } + c.map { $0 + eta }
            let s = try qp.solve(c: c2, start: state)
            state = s.state
            iterations += s.iterations
            return ((0..<n).reduce(0) { $0 + s.w[$1] - s.w[n + $1] }, s, c2)
        }
        func result(_ eta: Double, _ r: (leverage: Double, s: BudgetBoxQP.Solution, c: [Double])) -> Solution {
            Solution(w: (0..<n).map { r.s.w[$0] + r.s.w[n + $0] }, eta: eta, split: r.s, splitQP: qp, c: r.c, iterations: iterations)
        }
        let free = try at(0)
        if free.leverage <= cap * (1 + 1e-12) { return result(0, free) }
        // Bracket η, then bisect until the cap holds.
        var lo = 0.0, hi = max(1e-12, c.map(abs).max() ?? 0) + scale
        var high = try at(hi)
        for _ in 0..<200 where high.leverage > cap {
            lo = hi; hi *= 4; high = try at(hi)
        }
        guard high.leverage <= cap * (1 + 1e-9) else { throw PortfolioError("no weights meet the gross leverage cap \(cap) within the bounds") }
        for _ in 0..<200 where hi - lo > 1e-15 * hi {
            let mid = 0.5 * (lo + hi)
            let m = try at(mid)
            if m.leverage > cap { lo = mid } else { hi = mid; high = m }
            if abs(m.leverage - cap) <= 1e-13 * cap { return result(mid, m) }
        }
        return result(hi, high)
    }

    /// The split problem's KKT residual at its multiplier, the cap's violation, and (when the
    /// multiplier is positive) how far the leverage is from the cap.
    static func kktResidual(_ s: Solution, cap: Double) throws -> Double {
        let leverage = s.w.reduce(0) { $0 + abs($1) }
        var r = try s.splitQP.kktResidual(s.split, c: s.c)
        r = max(r, leverage - cap)
        if s.eta > 0 { r = max(r, abs(leverage - cap)) }
        return r
    }
}
