import Foundation
import Learning
import NumericKit
import Testing

@Suite struct LinearModelTests {
    /// Closed form (XᵀX + λI)⁻¹Xᵀ(y − ȳ) by Gaussian elimination in plain Swift, the reference.
    func closedForm(_ x: Matrix, _ y: [Double], _ lambda: Double) -> [Double] {
        let n = x.rows, k = x.columns
        let ybar = y.reduce(0, +) / Double(n)
        var a = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k)
        for r in 0..<k {
            for c in 0..<k { var s = 0.0; for i in 0..<n { s += x[i, r] * x[i, c] }; a[r][c] = s + (r == c ? lambda : 0) }
            var s = 0.0; for i in 0..<n { s += x[i, r] * (y[i] - ybar) }; a[r][k] = s
        }
        for p in 0..<k {
            let pivot = (p..<k).max { abs(a[$0][p]) < abs(a[$1][p]) }!
            a.swapAt(p, pivot)
            for r in 0..<k where r != p {
                let f = a[r][p] / a[p][p]
                for c in p...k { a[r][c] -= f * a[p][c] }
            }
        }
        return (0..<k).map { a[$0][k] / a[$0][$0] }
    }

    func centred(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        var rng = SeededRNG(seed: seed)
        let raw = try! Matrix(rows: rows, columns: cols, columnMajor: (0..<(rows * cols)).map { _ in rng.normal() })
        return Standardizer(fitting: raw).transform(raw)
    }

    @Test func ridgeEqualsTheClosedForm() throws {
        let x = centred(200, 5, seed: 1)
        var rng = SeededRNG(seed: 2)
        let y = (0..<200).map { i in 0.5 * x[i, 0] - 2 * x[i, 3] + 0.1 * rng.normal() + 3 }
        for lambda in [0.0, 0.1, 10] {
            let fit = try RidgeRegression.fit(x: x, y: y, lambda: lambda)
            let reference = closedForm(x, y, lambda)
            #expect(zip(fit.coefficients, reference).allSatisfy { abs($0 - $1) < 1e-8 }, "λ = \(lambda)")
            #expect(abs(fit.intercept - y.reduce(0, +) / 200) < 1e-12)
            #expect(fit.solver == "cholesky")
        }
    }

    @Test func ridgeWithCollinearColumnsFallsBackToQR() throws {
        // Column 2 = column 0 exactly: XᵀX is singular; with λ tiny the system is ill-conditioned.
        var x = centred(100, 3, seed: 3)
        for i in 0..<100 { x[i, 2] = x[i, 0] }
        let y = (0..<100).map { x[$0, 0] + x[$0, 1] }
        let fit = try RidgeRegression.fit(x: x, y: y, lambda: 1e-9)
        #expect(fit.solver == "qr")
        // (Elimination on the normal equations is itself unreliable here — cond ≈ 1e9² — which is
        // why the fit goes through QR; check the answer directly.)
        #expect(abs(fit.coefficients[1] - 1) < 1e-6)
        // The weight of the duplicated column is shared evenly (the minimum-norm answer).
        #expect(abs(fit.coefficients[0] - 0.5) < 1e-6 && abs(fit.coefficients[2] - 0.5) < 1e-6)
        // With a real penalty the collinear system is fine for Cholesky and matches the closed form.
        let penalised = try RidgeRegression.fit(x: x, y: y, lambda: 1)
        #expect(zip(penalised.coefficients, closedForm(x, y, 1)).allSatisfy { abs($0 - $1) < 1e-8 })
    }

    @Test func logisticReachesTheOptimum() throws {
        let n = 2000
        let x = centred(n, 3, seed: 5)
        var rng = SeededRNG(seed: 6)
        let truth = [1.5, -1.0, 0.0], b = 0.3
        let y = (0..<n).map { i -> Double in
            let m = b + (0..<3).reduce(0) { $0 + truth[$1] * x[i, $1] }
            return rng.uniform() < 1 / (1 + exp(-m)) ? 1 : 0
        }
        let lambda = 1.0
        let fit = try LogisticRegression.fit(x: x, y: y, lambda: lambda)
        // First-order optimality: Xᵀ(p − y)/n + λ/n·β = 0 and Σ(p − y) = 0.
        let p = try fit.predict(x)
        for j in 0..<3 {
            var g = 0.0
            for i in 0..<n { g += x[i, j] * (p[i] - y[i]) }
            #expect(abs(g / Double(n) + lambda / Double(n) * fit.coefficients[j]) < 1e-9)
        }
        #expect(abs(zip(p, y).reduce(0) { $0 + $1.0 - $1.1 }) < 1e-6)
        #expect(abs(fit.coefficients[0] - 1.5) < 0.2 && abs(fit.coefficients[1] + 1) < 0.2 && abs(fit.coefficients[2]) < 0.15)
        #expect(fit.iterations < 15)
    }

    @Test func logisticOnSeparableDataStaysFiniteWithAPenalty() throws {
        let x = try Matrix(rows: 4, columns: 1, columnMajor: [-2, -1, 1, 2])
        let fit = try LogisticRegression.fit(x: x, y: [0, 0, 1, 1], lambda: 1)
        #expect(fit.coefficients[0].isFinite && fit.coefficients[0] > 0)
        let balanced = try LogisticRegression.fit(x: x, y: [0, 1, 1, 1], lambda: 1, classWeights: .balanced)
        #expect(abs(balanced.intercept) < abs(try LogisticRegression.fit(x: x, y: [0, 1, 1, 1], lambda: 1).intercept))
    }
}
