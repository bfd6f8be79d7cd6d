import CLinearAlgebra
import Dispatch
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
    public enum ClassWeights: String, Sendable, Codable, CaseIterable { case none, balanced }

    public static func fit(x: Matrix, y: [Double], lambda: Double, classWeights: ClassWeights = .none,
                           maxIterations: Int = 50, tolerance: Double = 1e-12) throws -> LogisticRegression {
        let n = x.rows, k = x.columns, p = k + 1
        precondition(y.count == n, "rows and targets differ")
        let positives = y.reduce(0, +)
        var w = [Double](repeating: 1, count: n)
        if classWeights == .balanced, positives > 0, positives < Double(n) {
            let wp = Double(n) / (2 * positives), wn = Double(n) / (2 * (Double(n) - positives))
            for i in 0..<n { w[i] = y[i] > 0 ? wp : wn }
        }
        let wsum = w.reduce(0, +)
        let weights = w
        // θ = [β; b]; the data term is averaged over Σw, the penalty is λ/2n·‖β‖².
        var theta = [Double](repeating: 0, count: p)
        let prior = min(max(positives / Double(n), 1e-6), 1 - 1e-6)
        theta[k] = log(prior / (1 - prior))
        let penalty = lambda / Double(n)

        let halves = n >= 65_536 ? 2 : 1
        func objective(_ t: [Double], _ margin: inout [Double]) throws -> Double {
            margin = [Double](repeating: t[k], count: n)
            let beta = Array(t[0..<k])
            var partial = [Double](repeating: 0, count: halves)
            // Rows split between two workers: each computes its margins (dgemv on its rows) and
            // its part of the loss; the parts are added in a fixed order.
            x.storage.withUnsafeBufferPointer { xs in
                margin.withUnsafeMutableBufferPointer { mg in
                    partial.withUnsafeMutableBufferPointer { out in
                        let shared = UncheckedSendable((x: xs.baseAddress!, margin: mg.baseAddress!, partial: out.baseAddress!))
                        DispatchQueue.concurrentPerform(iterations: halves) { h in
                            let io = shared.value
                            let lo = n * h / halves, hi = n * (h + 1) / halves
                            cblas_dgemv(CblasColMajor, CblasNoTrans, blasint(hi - lo), blasint(k), 1, io.x + lo, blasint(n),
                                        beta, 1, 1, io.margin + lo, 1)
                            var loss = 0.0
                            for i in lo..<hi {
                                // log(1 + e^m) − y·m, computed without overflow.
                                let m = io.margin[i]
                                let softplus = m > 0 ? m + log1p(exp(-m)) : log1p(exp(m))
                                loss += weights[i] * (softplus - y[i] * m)
                            }
                            io.partial[h] = loss
                        }
                    }
                }
            }
            let loss = partial.reduce(0, +)
            guard loss.isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: "logistic objective") }
            var reg = 0.0
            for j in 0..<k { reg += t[j] * t[j] }
            return loss / wsum + 0.5 * penalty * reg
        }

        var margin = [Double]()
        var current = try objective(theta, &margin)
        var iterations = 0
        let chunk = 4096
        for iteration in 1...maxIterations {
            iterations = iteration
            // One pass over the rows in chunks, split between two workers: residuals, the gradient
            // (dgemv on the chunk while it is in cache) and the Hessian (dsyrk of the chunk scaled by
            // √sᵢ). Each worker sums into its own buffers; the two halves are added at the end.
            let workers = n >= 4 * chunk ? 2 : 1
            if iteration == 1 && classWeights == .none && theta[0..<k].allSatisfy({ $0 == 0 }) {
                // From the start point every row has the same probability, so the Hessian is a
                // multiple of the plain Gram matrix [X 1]ᵀ[X 1]: no per-row weighting pass needed.
                let p0 = 1 / (1 + exp(-theta[k]))
                let c = p0 * (1 - p0) / wsum
                let gram = BLAS.syrk(x)
                var hessian = Matrix(rows: p, columns: p)
                var residual = [Double](repeating: 0, count: n)
                for i in 0..<n { residual[i] = (p0 - y[i]) / wsum }
                var gradient = try BLAS.multiply(x, residual, trans: .transpose) + [residual.reduce(0, +)]
                let columnSums = try BLAS.multiply(x, [Double](repeating: 1, count: n), trans: .transpose)
                for j in 0..<k {
                    for i in 0..<k { hessian[i, j] = c * gram[i, j] }
                    hessian[k, j] = c * columnSums[j]; hessian[j, k] = c * columnSums[j]
                    hessian[j, j] += penalty
                    gradient[j] += penalty * theta[j]
                }
                hessian[k, k] = c * Double(n)
                let step = try LAPACK.posv(hessian, .column(gradient)).storage
                var candidate = theta
                var trialMargin = [Double]()
                var t = 1.0, next = current
                while t > 1e-10 {
                    for j in 0..<p { candidate[j] = theta[j] - t * step[j] }
                    next = try objective(candidate, &trialMargin)
                    if next <= current { break }
                    t *= 0.5
                }
                theta = candidate; margin = trialMargin; current = next
                continue
            }
            var partials = [Partial](repeating: Partial(p: p), count: workers)
            let shared = SharedInputs(x: x, margin: margin, w: w, y: y, wsum: wsum)
            // The split is fixed, so the sums do not depend on timing. (With 2-threaded OpenBLAS
            // inside each worker the cores are oversubscribed: 1.4 s against 0.67 s on 1M × 64;
            // the executables run OpenBLAS single-threaded, see `ProcessTuning`.)
            partials.withUnsafeMutableBufferPointer { parts in
                let out = UncheckedSendable(parts.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let lo = n * worker / workers, hi = n * (worker + 1) / workers
                    out.value[worker].accumulate(shared, rows: lo..<hi, chunk: chunk, features: k)
                }
            }
            var gradient = partials[0].gradient
            var hessian = Matrix(rows: p, columns: p)
            hessian.storage = partials[0].hessian
            var interceptGradient = partials[0].interceptGradient
            for extra in partials.dropFirst() {
                for j in 0..<p { gradient[j] += extra.gradient[j] }
                for j in 0..<(p * p) { hessian.storage[j] += extra.hessian[j] }
                interceptGradient += extra.interceptGradient
            }
            guard gradient.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFiniteInput(operation: "logistic gradient") }
            for j in 0..<k { gradient[j] += penalty * theta[j] }
            gradient[k] = interceptGradient

            hessian.mirrorUpperToLower()
            for j in 0..<k { hessian[j, j] += penalty }
            if hessian[k, k] <= 0 { hessian[k, k] = 1e-12 }
            let step = try LAPACK.posv(hessian, .column(gradient)).storage
            // Newton decrement: the decrease this step promises. Once it is negligible the step is
            // taken without a line search (which would cost another pass over the data).
            var decrement = 0.0
            for j in 0..<p { decrement += 0.5 * gradient[j] * step[j] }
            if decrement < tolerance * max(1, abs(current)) {
                for j in 0..<p { theta[j] -= step[j] }
                break
            }
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
            theta = candidate
            margin = trialMargin
            current = next
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

/// What the Hessian pass reads (immutable, shared by the workers).
private struct SharedInputs: Sendable {
    let x: Matrix, margin: [Double], w: [Double], y: [Double], wsum: Double
}

/// One worker's share of gradient and Hessian (upper triangle).
private struct Partial {
    var gradient: [Double]
    var hessian: [Double]
    var interceptGradient = 0.0
    init(p: Int) {
        gradient = [Double](repeating: 0, count: p)
        hessian = [Double](repeating: 0, count: p * p)
    }

    mutating func accumulate(_ s: SharedInputs, rows: Range<Int>, chunk: Int, features k: Int) {
        let n = s.x.rows, p = k + 1
        var z = [Double](repeating: 0, count: chunk * p)
        var residual = [Double](repeating: 0, count: chunk)
        s.x.storage.withUnsafeBufferPointer { xs in
            z.withUnsafeMutableBufferPointer { z in
                var start = rows.lowerBound
                while start < rows.upperBound {
                    let m = min(chunk, rows.upperBound - start)
                    for i in 0..<m {
                        let row = start + i
                        let pr = 1 / (1 + exp(-s.margin[row]))
                        residual[i] = s.w[row] * (pr - s.y[row]) / s.wsum
                        interceptGradient += residual[i]
                        z[k * m + i] = (s.w[row] * pr * (1 - pr) / s.wsum).squareRoot()
                    }
                    for j in 0..<k {
                        let src = xs.baseAddress! + j * n + start
                        let dst = z.baseAddress! + j * m
                        for i in 0..<m { dst[i] = src[i] * z[k * m + i] }
                    }
                    cblas_dgemv(CblasColMajor, CblasTrans, blasint(m), blasint(k), 1, xs.baseAddress! + start, blasint(n),
                                residual, 1, 1, &gradient, 1)
                    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, blasint(p), blasint(m), 1, z.baseAddress, blasint(m),
                                1, &hessian, blasint(p))
                    start += m
                }
            }
        }
    }
}
