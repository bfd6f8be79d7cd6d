import CLinearAlgebra
import Foundation
import NumericKit

/// L2-regularised logistic regression by Newton's method (IRLS). Objective:
/// Σ wᵢ·[−yᵢ log pᵢ − (1 − yᵢ) log(1 − pᵢ)] / Σ wᵢ + (λ / 2n)·‖β‖², intercept unpenalised
/// (the penalty is scaled by n so λ means the same as scikit-learn's 1/C for unit weights).
/// Each step forms the Hessian XᵀSX + λI with dsyrk over row chunks scaled by √sᵢ (no copy of
/// the whole design matrix), solves it by Cholesky, and backtracks until the objective falls.
public struct LogisticRegression: Sendable, Equatable, Codable {
    public let coefficients: [Double]
    public let intercept: Double
    public let iterations: Int

    public init(coefficients: [Double], intercept: Double, iterations: Int) {
        self.coefficients = coefficients
        self.intercept = intercept
        self.iterations = iterations
    }

    /// Class weights: none, or "balanced" (each class weighs n / (2·count)).
    public enum ClassWeights: String, Sendable, Codable { case none, balanced }

    public static func fit(x: Matrix, y: [Double], lambda: Double, classWeights: ClassWeights = .none,
                           maxIterations: Int = 50, tolerance: Double = 1e-10) throws -> LogisticRegression {
        let n = x.rows, k = x.columns, p = k + 1
        precondition(y.count == n, "rows and targets differ")
        let positives = y.reduce(0, +)
        var w = [Double](repeating: 1, count: n)
        if classWeights == .balanced, positives > 0, positives < Double(n) {
            let wp = Double(n) / (2 * positives), wn = Double(n) / (2 * (Double(n) - positives))
            for i in 0..<n { w[i] = y[i] > 0 ? wp : wn }
        }
        let wsum = w.reduce(0, +)
        // θ = [β; b]; the data term is averaged over Σw, the penalty is λ/2n·‖β‖².
        var theta = [Double](repeating: 0, count: p)
        let prior = min(max(positives / Double(n), 1e-6), 1 - 1e-6)
        theta[k] = log(prior / (1 - prior))
        let penalty = lambda / Double(n)

        func objective(_ t: [Double], _ margin: inout [Double]) throws -> Double {
            margin = [Double](repeating: t[k], count: n)
            try BLAS.gemv(x, Array(t[0..<k]), beta: 1, into: &margin)
            var loss = 0.0
            for i in 0..<n {
                // log(1 + e^m) − y·m, computed without overflow.
                let m = margin[i]
                let softplus = m > 0 ? m + log1p(exp(-m)) : log1p(exp(m))
                loss += w[i] * (softplus - y[i] * m)
            }
            var reg = 0.0
            for j in 0..<k { reg += t[j] * t[j] }
            return loss / wsum + 0.5 * penalty * reg
        }

        var margin = [Double]()
        var current = try objective(theta, &margin)
        var iterations = 0
        let chunk = 4096
        var scaled = [Double](repeating: 0, count: chunk * p)
        for iteration in 1...maxIterations {
            iterations = iteration
            // Gradient and Hessian of the averaged objective.
            var gradient = [Double](repeating: 0, count: p)
            var residual = [Double](repeating: 0, count: n)
            var s = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let pr = 1 / (1 + exp(-margin[i]))
                residual[i] = w[i] * (pr - y[i]) / wsum
                s[i] = w[i] * pr * (1 - pr) / wsum
            }
            var gx = [Double](repeating: 0, count: k)
            try BLAS.gemv(x, residual, trans: .transpose, into: &gx)
            for j in 0..<k { gradient[j] = gx[j] + penalty * theta[j] }
            gradient[k] = residual.reduce(0, +)
            var hessian = Matrix(rows: p, columns: p)
            x.storage.withUnsafeBufferPointer { xs in
                scaled.withUnsafeMutableBufferPointer { z in
                    var start = 0
                    while start < n {
                        let m = min(chunk, n - start)
                        for j in 0..<k {
                            for i in 0..<m { z[j * m + i] = xs[j * n + start + i] * s[start + i].squareRoot() }
                        }
                        for i in 0..<m { z[k * m + i] = s[start + i].squareRoot() }
                        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, blasint(p), blasint(m), 1, z.baseAddress, blasint(m),
                                    1, &hessian.storage, blasint(p))
                        start += m
                    }
                }
            }
            hessian.mirrorUpperToLower()
            for j in 0..<k { hessian[j, j] += penalty }
            if hessian[k, k] <= 0 { hessian[k, k] = 1e-12 }
            let step = try LAPACK.posv(hessian, .column(gradient)).storage
            // Backtracking: Newton steps are almost always accepted whole.
            var t = 1.0
            var candidate = theta
            var trialMargin = [Double]()
            var next = current
            while t > 1e-10 {
                for j in 0..<p { candidate[j] = theta[j] - t * step[j] }
                next = try objective(candidate, &trialMargin)
                if next <= current { break }
                t *= 0.5
            }
            let decrease = current - next
            theta = candidate
            margin = trialMargin
            current = next
            let gmax = gradient.map(abs).max() ?? 0
            if gmax < tolerance || decrease < tolerance * max(1, abs(current)) { break }
        }
        return LogisticRegression(coefficients: Array(theta[0..<k]), intercept: theta[k], iterations: iterations)
    }

    /// P(y = 1) for every row of standardised `x`.
    public func predict(_ x: Matrix) throws -> [Double] {
        var m = [Double](repeating: intercept, count: x.rows)
        try BLAS.gemv(x, coefficients, beta: 1, into: &m)
        return m.map { 1 / (1 + exp(-$0)) }
    }
}
