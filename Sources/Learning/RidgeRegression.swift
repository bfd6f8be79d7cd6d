import NumericKit

/// Ridge regression on standardised features: β = (XᵀX + λI)⁻¹ Xᵀ(y − ȳ), intercept ȳ (the
/// features are centred on the training rows, so the intercept is not penalised). XᵀX comes from
/// one dsyrk, the solve from a Cholesky factorisation; when that system is ill-conditioned
/// (LAPACK's reciprocal condition estimate below 1e-10, or not positive definite) the same problem
/// is solved as least squares on [X; √λ·I] by QR, which squares no condition number.
public struct RidgeRegression: Sendable, Equatable, Codable {
    public let coefficients: [Double]
    public let intercept: Double
    /// How the system was solved ("cholesky" or "qr").
    public let solver: String

    public init(coefficients: [Double], intercept: Double, solver: String) {
        self.coefficients = coefficients
        self.intercept = intercept
        self.solver = solver
    }

    /// Fits on already standardised (column-centred) `x`.
    public static func fit(x: Matrix, y: [Double], lambda: Double) throws -> RidgeRegression {
        precondition(x.rows == y.count, "rows and targets differ")
        let n = x.rows, k = x.columns
        let ybar = y.reduce(0, +) / Double(max(1, n))
        let yc = y.map { $0 - ybar }
        var gram = BLAS.syrk(x)
        for j in 0..<k { gram[j, j] += lambda }
        let rhs = try BLAS.multiply(x, yc, trans: .transpose)
        if let factor = try? LAPACK.potrf(gram), (try? factor.reciprocalCondition(norm1: gram.norm1)) ?? 0 > 1e-10 {
            return RidgeRegression(coefficients: try factor.solve(rhs), intercept: ybar, solver: "cholesky")
        }
        // [X; √λ I] β ≈ [y − ȳ; 0]
        var augmented = Matrix(rows: n + k, columns: k)
        for j in 0..<k {
            for i in 0..<n { augmented[i, j] = x[i, j] }
            augmented[n + j, j] = lambda.squareRoot()
        }
        let beta = try LAPACK.gels(augmented, .column(yc + [Double](repeating: 0, count: k)))
        return RidgeRegression(coefficients: beta.storage, intercept: ybar, solver: "qr")
    }

    /// Predictions for every row of standardised `x`.
    public func predict(_ x: Matrix) throws -> [Double] {
        var out = [Double](repeating: intercept, count: x.rows)
        try BLAS.gemv(x, coefficients, beta: 1, into: &out)
        return out
    }
}
