import Foundation
import NumericKit
@testable import Portfolio
import TestSupport
import Testing

/// A random positive-definite covariance from a 3-factor model plus idiosyncratic variance, and
/// expected returns that loosely follow risk.
func problem(_ n: Int, seed: UInt64) -> (sigma: Matrix, mu: [Double]) {
    var rng = SeededRNG(seed: seed)
    let k = 3
    let loadings = (0..<(n * k)).map { _ in 0.1 * rng.normal() }
    var sigma = Matrix(rows: n, columns: n)
    for i in 0..<n {
        for j in 0..<n {
            var s = 0.0
            for f in 0..<k { s += loadings[i * k + f] * loadings[j * k + f] }
            sigma[i, j] = s
        }
        sigma[i, i] += 0.01 + 0.05 * rng.uniform()
    }
    let mu = (0..<n).map { 0.02 + 0.5 * sigma[$0, $0] + 0.05 * rng.normal() }
    return (sigma, mu)
}

/// An independent reference for tiny problems: every assignment of {free, lower, upper} to the
/// assets, each equality-constrained problem solved by LU on its full KKT matrix, the best
/// feasible one kept.
func bruteForceMinimum(_ h: Matrix, c: [Double], lower: Double, upper: Double) throws -> [Double] {
    let n = h.rows
    var best: (value: Double, w: [Double])?
    var code = [Int](repeating: 0, count: n)
    repeat {
        let fixed = (0..<n).filter { code[$0] != 0 }
        let size = n + 1 + fixed.count
        var k = Matrix(rows: size, columns: size), rhs = [Double](repeating: 0, count: size)
        for i in 0..<n { for j in 0..<n { k[i, j] = h[i, j] }; k[i, n] = 1; k[n, i] = 1; rhs[i] = c[i] }
        rhs[n] = 1
        for (r, i) in fixed.enumerated() { k[n + 1 + r, i] = 1; k[i, n + 1 + r] = 1; rhs[n + 1 + r] = code[i] == 1 ? lower : upper }
        if let x = try? LAPACK.gesv(k, .column(rhs)).storage {
            let w = Array(x[0..<n])
            if w.allSatisfy({ $0 >= lower - 1e-12 && $0 <= upper + 1e-12 }) {
                let hw = try BLAS.multiply(h, w)
                let value = 0.5 * zip(w, hw).reduce(0) { $0 + $1.0 * $1.1 } - zip(c, w).reduce(0) { $0 + $1.0 * $1.1 }
                if best == nil || value < best!.value { best = (value, w) }
            }
        }
        var i = 0
        while i < n { code[i] += 1; if code[i] < 3 { break }; code[i] = 0; i += 1 }
        if i == n { break }
    } while true
    return best!.w
}

@Suite struct PortfolioOptimizerTests {
    let names = (0..<6).map { "A\($0)" }

    @Test(arguments: [(UInt64(1), 0.0, 0.3), (2, 0.0, 0.25), (3, -0.2, 0.5), (4, 0.0, 1.0)])
    func minimumVarianceEqualsTheBruteForceOptimum(seed: UInt64, lower: Double, cap: Double) throws {
        let (sigma, _) = problem(6, seed: seed)
        let a = try PortfolioOptimizer.optimize(.minVariance, names: names, covariance: sigma, bounds: WeightBounds(lower: lower, cap: cap))
        let reference = try bruteForceMinimum(sigma, c: [Double](repeating: 0, count: 6), lower: lower, upper: cap)
        #expect(zip(a.weights, reference).allSatisfy { abs($0 - $1) < 1e-10 }, "\(a.weights) vs \(reference)")
        #expect(a.kktResidual! < 1e-8)
        #expect(abs(a.weights.reduce(0, +) - 1) < 1e-12 && abs(a.riskContributions.reduce(0, +) - 1) < 1e-12)
    }

    @Test func unconstrainedMinimumVarianceAndTangencyHaveClosedForms() throws {
        let (sigma, mu) = problem(5, seed: 9)
        let n5 = Array(names.prefix(5))
        let ones = try LAPACK.posv(sigma, .column([Double](repeating: 1, count: 5))).storage
        let mv = try PortfolioOptimizer.optimize(.minVariance, names: n5, covariance: sigma, bounds: WeightBounds(lower: -5, cap: 5))
        #expect(zip(mv.weights, ones.map { $0 / ones.reduce(0, +) }).allSatisfy { abs($0 - $1) < 1e-12 })
        let rf = 0.01
        let excess = try LAPACK.posv(sigma, .column(mu.map { $0 - rf })).storage
        let ms = try PortfolioOptimizer.optimize(.maxSharpe, names: n5, covariance: sigma, expectedReturns: mu, riskFree: rf, bounds: WeightBounds(lower: -5, cap: 5))
        let tangency = excess.map { $0 / excess.reduce(0, +) }
        #expect(zip(ms.weights, tangency).allSatisfy { abs($0 - $1) < 1e-9 }, "\(ms.weights) vs \(tangency)")
    }

    /// Independent reference for maximum Sharpe: Cornuejols & Tütüncü's transformation — minimise
    /// yᵀΣy with (μ − r_f)ᵀy = 1, κ = Σy, 0 ≤ y ≤ cap·κ — solved by enumerating its active sets.
    func referenceMaxSharpe(_ sigma: Matrix, _ mu: [Double], rf: Double, cap: Double) throws -> [Double] {
        let n = sigma.rows
        var best: (value: Double, w: [Double])?
        var code = [Int](repeating: 0, count: n)
        repeat {
            let fixed = (0..<n).filter { code[$0] != 0 }
            // Unknowns y (n), κ; multipliers for the return and budget rows and each fixed bound.
            let size = n + 1 + 2 + fixed.count
            var k = Matrix(rows: size, columns: size), rhs = [Double](repeating: 0, count: size)
            for i in 0..<n { for j in 0..<n { k[i, j] = 2 * sigma[i, j] } }
            let ret = n + 1, bud = n + 2
            for i in 0..<n { k[ret, i] = mu[i] - rf; k[i, ret] = mu[i] - rf; k[bud, i] = 1; k[i, bud] = 1 }
            k[bud, n] = -1; k[n, bud] = -1
            rhs[ret] = 1
            for (r, i) in fixed.enumerated() {
                let row = n + 3 + r, bound = code[i] == 1 ? 0.0 : cap
                k[row, i] = 1; k[i, row] = 1; k[row, n] = -bound; k[n, row] = -bound
            }
            if let x = try? LAPACK.gesv(k, .column(rhs)).storage {
                let y = Array(x[0..<n]), kappa = x[n]
                if kappa > 0, y.allSatisfy({ $0 >= -1e-12 && $0 <= cap * kappa + 1e-12 }) {
                    let sy = try BLAS.multiply(sigma, y)
                    let value = zip(y, sy).reduce(0) { $0 + $1.0 * $1.1 }
                    if best == nil || value < best!.value { best = (value, y.map { $0 / kappa }) }
                }
            }
            var i = 0
            while i < n { code[i] += 1; if code[i] < 3 { break }; code[i] = 0; i += 1 }
            if i == n { break }
        } while true
        return best!.w
    }

    @Test(arguments: [(UInt64(11), 0.3), (12, 0.4), (13, 1.0), (14, 0.25)])
    func maximumSharpeEqualsAnIndependentFormulation(seed: UInt64, cap: Double) throws {
        let (sigma, mu) = problem(6, seed: seed)
        let a = try PortfolioOptimizer.optimize(.maxSharpe, names: names, covariance: sigma, expectedReturns: mu, riskFree: 0.01, bounds: WeightBounds(cap: cap))
        let reference = try referenceMaxSharpe(sigma, mu, rf: 0.01, cap: cap)
        #expect(zip(a.weights, reference).allSatisfy { abs($0 - $1) < 1e-9 }, "\(a.weights) vs \(reference)")
        #expect(a.kktResidual! < 1e-8)
    }

    @Test func fiftyAssetsMeetTheOptimalityConditions() throws {
        let (sigma, mu) = problem(50, seed: 21)
        let n50 = (0..<50).map { "S\($0)" }
        for method in [OptimizationMethod.minVariance, .maxSharpe] {
            let a = try PortfolioOptimizer.optimize(method, names: n50, covariance: sigma, expectedReturns: mu, riskFree: 0, bounds: WeightBounds(cap: 0.1))
            #expect(a.kktResidual! < 1e-8, "\(method): \(a.kktResidual!)")
            #expect(a.weights.allSatisfy { $0 >= -1e-12 && $0 <= 0.1 + 1e-12 } && abs(a.weights.reduce(0, +) - 1) < 1e-12)
        }
    }

    @Test func riskParityEqualisesContributions() throws {
        // Two assets: w₁ = σ₂ / (σ₁ + σ₂) whatever the correlation.
        var two = Matrix(rows: 2, columns: 2)
        two[0, 0] = 0.04; two[1, 1] = 0.01; two[0, 1] = 0.006; two[1, 0] = 0.006
        let a = try PortfolioOptimizer.optimize(.riskParity, names: ["X", "Y"], covariance: two)
        #expect(abs(a.weights[0] - 0.1 / 0.3) < 1e-12)
        let (sigma, _) = problem(20, seed: 5)
        let n20 = (0..<20).map { "R\($0)" }
        let erc = try PortfolioOptimizer.optimize(.riskParity, names: n20, covariance: sigma)
        #expect(erc.riskContributions.allSatisfy { abs($0 - 0.05) < 1e-10 } && erc.kktResidual! < 1e-10)
        // With a binding cap: capped assets sit at the cap, the others share risk equally.
        let cap = erc.weights.sorted()[18]      // below the two largest weights
        let capped = try PortfolioOptimizer.optimize(.riskParity, names: n20, covariance: sigma, bounds: WeightBounds(cap: cap))
        #expect(capped.atCap.count >= 2 && capped.weights.allSatisfy { $0 <= cap + 1e-12 } && abs(capped.weights.reduce(0, +) - 1) < 1e-12)
        let free = capped.weights.indices.filter { capped.weights[$0] < cap - 1e-9 }.map { capped.riskContributions[$0] }
        #expect(free.allSatisfy { abs($0 - free[0]) < 1e-10 * free[0] + 1e-14 })
    }

    @Test func inverseVolatilityWithACap() throws {
        var sigma = Matrix(rows: 3, columns: 3)
        sigma[0, 0] = 0.01; sigma[1, 1] = 0.04; sigma[2, 2] = 0.16
        let a = try PortfolioOptimizer.optimize(.inverseVolatility, names: ["a", "b", "c"], covariance: sigma)
        #expect(zip(a.weights, [10.0 / 17.5, 5 / 17.5, 2.5 / 17.5]).allSatisfy { abs($0 - $1) < 1e-15 })
        let c = try PortfolioOptimizer.optimize(.inverseVolatility, names: ["a", "b", "c"], covariance: sigma, bounds: WeightBounds(cap: 0.5))
        #expect(zip(c.weights, [0.5, 0.5 * 5 / 7.5, 0.5 * 2.5 / 7.5]).allSatisfy { abs($0 - $1) < 1e-15 } && c.atCap == ["a"])
    }

    @Test func impossibleProblemsAreClearErrors() throws {
        let (sigma, mu) = problem(4, seed: 3)
        let four = ["a", "b", "c", "d"]
        #expect(throws: PortfolioError.self) { try PortfolioOptimizer.optimize(.minVariance, names: four, covariance: sigma, bounds: WeightBounds(cap: 0.2)) }
        #expect(throws: PortfolioError.self) {
            try PortfolioOptimizer.optimize(.maxSharpe, names: four, covariance: sigma, expectedReturns: mu, riskFree: 10)
        }
        var singular = sigma
        for i in 0..<4 { singular[i, 3] = sigma[i, 2]; singular[3, i] = sigma[2, i] }
        singular[3, 3] = sigma[2, 2]
        do {
            _ = try PortfolioOptimizer.optimize(.minVariance, names: four, covariance: singular, bounds: WeightBounds(lower: -1, cap: 1))
            Issue.record("a singular covariance was accepted")
        } catch let e as PortfolioError { #expect(e.description.contains("not positive definite")) }
    }
}

@Suite struct CovarianceTests {
    let x: [[Double]] = [[0.01, -0.02, 0.005], [0.03, 0.01, -0.01], [-0.02, 0.0, 0.02], [0.015, -0.005, 0.0],
                         [0.0, 0.02, -0.015], [-0.01, 0.01, 0.01], [0.02, -0.01, 0.005]]

    func returns() throws -> AssetReturns {
        let t = x.count
        return try AssetReturns(names: ["a", "b", "c"], time: (0..<t).map { Int64($0) * 86_400_000 },
                                matrix: try Matrix(rows: t, columns: 3, columnMajor: (0..<3).flatMap { j in x.map { $0[j] } }))
    }

    @Test func sampleCovarianceDividesByTMinusOne() throws {
        let s = try CovarianceEstimator.sample.estimate(try returns()).matrix
        let t = Double(x.count)
        let m0 = x.map { $0[0] }.reduce(0, +) / t, m1 = x.map { $0[1] }.reduce(0, +) / t
        let c01 = x.map { ($0[0] - m0) * ($0[1] - m1) }.reduce(0, +) / (t - 1)
        #expect(abs(s[0, 1] - c01) < 1e-18 && s[0, 1] == s[1, 0])
    }

    @Test func ledoitWolfMatchesScikitLearn() throws {
        // sklearn.covariance.ledoit_wolf on the same seven rows (scikit-learn 1.9.1).
        let e = try CovarianceEstimator.ledoitWolf.estimate(try returns())
        #expect(abs(e.shrinkage! - 0.7253113223933128) < 1e-14)
        let reference: [[Double]] = [[2.03282515e-04, -1.20526665e-05, -2.92907825e-05], [-1.20526665e-05, 1.75253058e-04, -1.80789997e-05],
                                     [-2.92907825e-05, -1.80789997e-05, 1.64321570e-04]]
        for i in 0..<3 { for j in 0..<3 { #expect(abs(e.matrix[i, j] - reference[i][j]) < 1e-12) } }
    }

    @Test func ewmaWeighsRecentPeriodsMore() throws {
        let e = try CovarianceEstimator.ewma(span: 3).estimate(try returns()).matrix
        let t = x.count, alpha = 0.5
        let m = (0..<3).map { j in x.map { $0[j] }.reduce(0, +) / Double(t) }
        var num = 0.0, den = 0.0
        for r in 0..<t { let w = pow(1 - alpha, Double(t - 1 - r)); num += w * (x[r][0] - m[0]) * (x[r][2] - m[2]); den += w }
        #expect(abs(e[0, 2] - num / den) < 1e-17)
    }

    @Test func shortOrBadInputsAreClearErrors() throws {
        let short = try AssetReturns(names: ["a", "b"], time: [0, 1], matrix: try Matrix(rows: 2, columns: 2, columnMajor: [0.1, 0.2, 0.3, 0.1]))
        #expect(throws: PortfolioError.self) { try CovarianceEstimator.sample.estimate(short) }
        #expect(throws: PortfolioError.self) { try AssetReturns.parse(csv: "timestamp,a,b\n2024-01-01,0.1,x\n", file: "r.csv") }
        do { _ = try AssetReturns.parse(csv: "timestamp,a,b\n2024-01-01,0.1,0.2\n2024-01-02,0.1\n", file: "r.csv") } catch let e as PortfolioError {
            #expect(e.description.hasPrefix("r.csv:3:"))
        }
        let parsed = try AssetReturns.parse(csv: "timestamp,a,b\n2024-01-01,0.1,0.2\n2024-01-02,0.3,-0.1\n2024-01-03,0,0\n", file: "r.csv")
        #expect(parsed.names == ["a", "b"] && parsed.matrix[1, 1] == -0.1 && abs(parsed.periodsPerYear! - 365.25) < 1e-9)
    }
}

@Suite struct GrossLeverageTests {
    /// Reference: each asset long-free, short-free, at zero, at its lower or upper bound; the
    /// leverage row Σ signᵢ·wᵢ = L either imposed or not; every combination solved by LU on its
    /// KKT matrix and the best feasible one kept.
    func reference(_ h: Matrix, c: [Double], lower: Double, upper: Double, leverage: Double) throws -> [Double] {
        let n = h.rows
        var best: (value: Double, w: [Double])?
        var code = [Int](repeating: 0, count: n)
        repeat {
            for imposeCap in [false, true] {
                let fixed = (0..<n).filter { code[$0] >= 2 }
                let size = n + 1 + fixed.count + (imposeCap ? 1 : 0)
                var k = Matrix(rows: size, columns: size), rhs = [Double](repeating: 0, count: size)
                for i in 0..<n { for j in 0..<n { k[i, j] = h[i, j] }; k[i, n] = 1; k[n, i] = 1; rhs[i] = c[i] }
                rhs[n] = 1
                for (r, i) in fixed.enumerated() {
                    k[n + 1 + r, i] = 1; k[i, n + 1 + r] = 1
                    rhs[n + 1 + r] = code[i] == 2 ? 0 : (code[i] == 3 ? lower : upper)
                }
                if imposeCap {
                    let row = size - 1
                    for i in 0..<n {
                        let sign: Double = code[i] == 0 || code[i] == 4 ? 1 : (code[i] == 1 || code[i] == 3 ? -1 : 0)
                        k[row, i] = sign; k[i, row] = sign
                    }
                    rhs[row] = leverage
                }
                guard let x = try? LAPACK.gesv(k, .column(rhs)).storage else { continue }
                let w = Array(x[0..<n])
                let signsHold = (0..<n).allSatisfy { i in code[i] == 0 ? w[i] >= -1e-12 : (code[i] == 1 ? w[i] <= 1e-12 : true) }
                guard signsHold, w.allSatisfy({ $0 >= lower - 1e-12 && $0 <= upper + 1e-12 }), w.reduce(0, { $0 + abs($1) }) <= leverage + 1e-10 else { continue }
                let hw = try BLAS.multiply(h, w)
                let value = 0.5 * zip(w, hw).reduce(0) { $0 + $1.0 * $1.1 } - zip(c, w).reduce(0) { $0 + $1.0 * $1.1 }
                if best == nil || value < best!.value { best = (value, w) }
            }
            var i = 0
            while i < n { code[i] += 1; if code[i] < 5 { break }; code[i] = 0; i += 1 }
            if i == n { break }
        } while true
        return best!.w
    }

    @Test(arguments: [(UInt64(31), 1.2), (32, 1.5), (33, 1.05), (34, 3.0)])
    func minimumVarianceUnderAGrossLeverageCap(seed: UInt64, leverage: Double) throws {
        // Expected returns used as a tilt make shorting attractive, so the cap matters.
        let (sigma, mu) = problem(5, seed: seed)
        let c = mu.map { 0.5 * $0 }
        let names = (0..<5).map { "L\($0)" }
        let a = try PortfolioOptimizer.optimize(.minVariance, names: names, covariance: sigma, bounds: WeightBounds(lower: -0.5, cap: 0.8, grossLeverage: leverage))
        let r = try reference(sigma, c: [Double](repeating: 0, count: 5), lower: -0.5, upper: 0.8, leverage: leverage)
        #expect(zip(a.weights, r).allSatisfy { abs($0 - $1) < 1e-8 }, "\(a.weights) vs \(r)")
        #expect(a.weights.reduce(0) { $0 + abs($1) } <= leverage + 1e-10 && a.kktResidual! < 1e-8)
        // The QP with a linear term too (the maximum-Sharpe frontier's inner problem).
        let qp = LeverageCappedQP(h: sigma, lower: [Double](repeating: -0.5, count: 5), upper: [Double](repeating: 0.8, count: 5), cap: leverage)
        let tilted = try qp.solve(c: c)
        let rt = try reference(sigma, c: c, lower: -0.5, upper: 0.8, leverage: leverage)
        #expect(zip(tilted.w, rt).allSatisfy { abs($0 - $1) < 1e-8 }, "\(tilted.w) vs \(rt)")
        #expect(try LeverageCappedQP.kktResidual(tilted, cap: leverage) < 1e-8)
    }

    @Test func maximumSharpeRespectsTheCap() throws {
        let (sigma, mu) = problem(8, seed: 40)
        let names = (0..<8).map { "M\($0)" }
        let free = try PortfolioOptimizer.optimize(.maxSharpe, names: names, covariance: sigma, expectedReturns: mu, bounds: WeightBounds(lower: -1, cap: 1))
        let capped = try PortfolioOptimizer.optimize(.maxSharpe, names: names, covariance: sigma, expectedReturns: mu,
                                                     bounds: WeightBounds(lower: -1, cap: 1, grossLeverage: 1.3))
        #expect(free.weights.reduce(0) { $0 + abs($1) } > 1.3)            // the cap binds here
        #expect(capped.weights.reduce(0) { $0 + abs($1) } <= 1.3 + 1e-10 && capped.sharpe! <= free.sharpe! && capped.kktResidual! < 1e-8)
        // No allocation within the cap does better: the capped one beats random feasible perturbations.
        var rng = SeededRNG(seed: 3)
        for _ in 0..<2000 {
            var w = capped.weights.map { $0 + 0.02 * rng.normal() }
            let shift = (w.reduce(0, +) - 1) / 8
            w = w.map { $0 - shift }
            guard w.reduce(0, { $0 + abs($1) }) <= 1.3, w.allSatisfy({ $0 >= -1 && $0 <= 1 }) else { continue }
            let sw = try BLAS.multiply(sigma, w)
            let s = zip(mu, w).reduce(0) { $0 + $1.0 * $1.1 } / zip(w, sw).reduce(0) { $0 + $1.0 * $1.1 }.squareRoot()
            #expect(s <= capped.sharpe! + 1e-9)
        }
    }
}
