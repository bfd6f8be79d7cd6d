import Foundation
import NumericKit

/// Equal risk contribution: every asset contributes the same share of the portfolio variance.
///
/// Without a binding cap this is the unique minimiser of ½yᵀΣy − (1/n)·Σ log yᵢ (Spinu, 2013),
/// a strictly convex problem solved by Newton's method with LAPACK's Cholesky; w = y / Σy. When
/// that puts an asset above the cap, the asset is held at the cap and the others are given equal
/// contributions among themselves (Newton on wᵢ(Σw)ᵢ = θ, Σw = 1 − capped share), repeated until
/// no weight exceeds the cap.
enum RiskParity {
    struct Result {
        let w: [Double]
        /// Largest relative spread of the free assets' risk contributions.
        let residual: Double
        let iterations: Int
    }

    static func solve(covariance: Matrix, cap: Double) throws -> Result {
        let n = covariance.rows
        // Inverse volatility, scaled so that the contributions already sum to one as at the optimum.
        var y = (0..<n).map { 1 / covariance[$0, $0].squareRoot() }
        let start = try BLAS.multiply(covariance, y)
        let c = 1 / dot(y, start).squareRoot()
        y = y.map { $0 * c }
        var iterations = 0
        func objective(_ y: [Double]) throws -> Double {
            0.5 * (try covariance.quadraticForm(y)) - y.reduce(0) { $0 + log($1) } / Double(n)
        }
        for _ in 0..<200 {
            iterations += 1
            let sy = try BLAS.multiply(covariance, y)
            let gradient = (0..<n).map { sy[$0] - 1 / (Double(n) * y[$0]) }
            if gradient.map(abs).max()! <= 1e-15 * max(1, sy.map(abs).max()!) { break }
            var hessian = covariance
            for i in 0..<n { hessian[i, i] += 1 / (Double(n) * y[i] * y[i]) }
            let step = try LAPACK.posv(hessian, .column(gradient.map { -$0 })).storage
            let slope = dot(gradient, step)
            // The Newton decrement: below this, another step changes nothing representable.
            if -slope < 1e-28 { break }
            // Backtracking: stay positive and decrease the objective.
            var alpha = 1.0
            let f0 = try objective(y)
            while true {
                let candidate = (0..<n).map { y[$0] + alpha * step[$0] }
                if candidate.allSatisfy({ $0 > 0 }), try objective(candidate) <= f0 + 1e-4 * alpha * slope + 1e-15 * abs(f0) { y = candidate; break }
                alpha /= 2
                if alpha < 1e-10 { break }
            }
            if alpha < 1e-10 { break }
        }
        let total = y.reduce(0, +)
        var w = y.map { $0 / total }
        var capped = Set<Int>()
        while case let over = w.indices.filter({ !capped.contains($0) && w[$0] > cap + 1e-12 }), !over.isEmpty {
            capped.formUnion(over)
            guard capped.count < n else { throw PortfolioError("risk parity cannot keep every asset under the cap") }
            let (solved, k) = try equalContributions(covariance, fixed: capped, cap: cap, start: w)
            w = solved
            iterations += k
        }
        return Result(w: w, residual: try spread(covariance, w, excluding: capped), iterations: iterations)
    }

    /// Newton on wᵢ(Σw)ᵢ − θ = 0 for the free assets, Σ free w = 1 − |fixed|·cap.
    static func equalContributions(_ sigma: Matrix, fixed: Set<Int>, cap: Double, start: [Double]) throws -> ([Double], Int) {
        let n = sigma.rows
        let free = (0..<n).filter { !fixed.contains($0) }
        let m = free.count, budget = 1 - Double(fixed.count) * cap
        var w = start
        for i in fixed { w[i] = cap }
        let startTotal = free.reduce(0) { $0 + w[$1] }
        for i in free { w[i] *= budget / startTotal }
        func residual(_ w: [Double]) throws -> ([Double], [Double]) {
            let sw = try BLAS.multiply(sigma, w)
            let rc = free.map { w[$0] * sw[$0] }
            let theta = rc.reduce(0, +) / Double(m)
            return (rc.map { $0 - theta } + [free.reduce(0) { $0 + w[$1] } - budget], sw)
        }
        var k = 0
        for _ in 0..<100 {
            k += 1
            let (r, sw) = try residual(w)
            let norm = r.map(abs).max()!
            if norm <= 1e-15 * max(1, sw.map(abs).max()!) { break }
            // Unknowns: the free weights and θ. Rows: contribution equations, then the budget.
            let theta = free.reduce(0) { $0 + w[$1] * sw[$1] } / Double(m)
            var j = Matrix(rows: m + 1, columns: m + 1)
            for (a, i) in free.enumerated() {
                for (b, l) in free.enumerated() { j[a, b] = w[i] * sigma[i, l] + (a == b ? sw[i] : 0) }
                j[a, m] = -1
                j[m, a] = 1
            }
            var rhs = free.enumerated().map { a, i in -(w[i] * sw[i] - theta) }
            rhs.append(-r[m])
            let step = try LAPACK.gesv(j, .column(rhs)).storage
            var alpha = 1.0
            while alpha > 1e-12 {
                var candidate = w
                for (a, i) in free.enumerated() { candidate[i] += alpha * step[a] }
                if free.allSatisfy({ candidate[$0] > 0 }), try residual(candidate).0.map(abs).max()! < norm { w = candidate; break }
                alpha /= 2
            }
            if alpha <= 1e-12 { break }
        }
        return (w, k)
    }

    /// max |RCᵢ − mean| / mean over the assets not held at the cap.
    static func spread(_ sigma: Matrix, _ w: [Double], excluding fixed: Set<Int>) throws -> Double {
        let sw = try BLAS.multiply(sigma, w)
        let rc = w.indices.filter { !fixed.contains($0) }.map { w[$0] * sw[$0] }
        let mean = rc.reduce(0, +) / Double(rc.count)
        return rc.map { abs($0 - mean) / mean }.max() ?? 0
    }
}
