import Foundation
import CLinearAlgebra

/// LAPACK drivers on `Matrix` (column-major LAPACKE); every failure becomes a `LinearAlgebraError`.
public enum LAPACK {
    private static let upper = CChar(UInt8(ascii: "U"))
    private static let lower = CChar(UInt8(ascii: "L"))

    /// Solves A·X = B for symmetric positive-definite A (dposv).
    public static func posv(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        try requireSquare("posv", a, rhs: b)
        try requireFinite("posv", a, b)
        var a = a, x = b
        let n = Int32(a.rows)
        let info = LAPACKE_dposv(LAPACK_COL_MAJOR, lower, n, Int32(b.columns), &a.storage, max(1, n), &x.storage, max(1, n))
        try checkInfo(info, "posv") { .notPositiveDefinite(operation: "posv", leadingMinor: $0) }
        return x
    }

    /// Cholesky factorisation A = L·Lᵀ (dpotrf); the upper triangle of the result is zero.
    public static func potrf(_ a: Matrix) throws -> CholeskyFactor {
        guard a.isSquare else {
            throw LinearAlgebraError.shapeMismatch(operation: "potrf", detail: "A is \(a.rows)×\(a.columns), not square")
        }
        try requireFinite("potrf", a)
        var l = a
        let n = Int32(a.rows)
        let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, lower, n, &l.storage, max(1, n))
        try checkInfo(info, "potrf") { .notPositiveDefinite(operation: "potrf", leadingMinor: $0) }
        for j in 0..<l.columns { for i in 0..<j { l[i, j] = 0 } }
        return CholeskyFactor(lower: l)
    }

    /// Solves A·X = B given A's Cholesky factor (dpotrs).
    public static func potrs(_ factor: CholeskyFactor, _ b: Matrix) throws -> Matrix {
        let l = factor.lower
        try requireSquare("potrs", l, rhs: b)
        try requireFinite("potrs", b)
        var x = b
        let n = Int32(l.rows)
        let info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, lower, n, Int32(b.columns), l.storage, max(1, n), &x.storage, max(1, n))
        try checkInfo(info, "potrs") { _ in .illegalArgument(operation: "potrs", position: 0) }
        return x
    }

    /// Solves A·X = B for general square A by LU with partial pivoting (dgesv).
    public static func gesv(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        try requireSquare("gesv", a, rhs: b)
        try requireFinite("gesv", a, b)
        var a = a, x = b
        let n = Int32(a.rows)
        var pivots = [Int32](repeating: 0, count: a.rows)
        let info = LAPACKE_dgesv(LAPACK_COL_MAJOR, n, Int32(b.columns), &a.storage, max(1, n), &pivots, &x.storage, max(1, n))
        try checkInfo(info, "gesv") { .singular(operation: "gesv", pivot: $0) }
        return x
    }

    /// Least squares min ‖A·X − B‖ for full-rank A with rows ≥ columns, by QR (dgels).
    public static func gels(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard a.rows == b.rows else {
            throw LinearAlgebraError.shapeMismatch(operation: "gels", detail: "A has \(a.rows) rows, B has \(b.rows)")
        }
        guard a.rows >= a.columns else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gels", detail: "A is \(a.rows)×\(a.columns): need at least as many rows as columns")
        }
        try requireFinite("gels", a, b)
        var a = a, x = b
        let info = LAPACKE_dgels(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), Int32(a.rows), Int32(a.columns), Int32(b.columns),
            &a.storage, max(1, Int32(a.rows)), &x.storage, max(1, Int32(b.rows)))
        try checkInfo(info, "gels") { .rankDeficient(operation: "gels", column: $0) }
        // dgels only reports an exactly zero diagonal of R; treat numerically zero as rank deficient
        // too (collinear columns otherwise give huge, meaningless coefficients).
        let n = a.columns
        var largest = 0.0
        for i in 0..<n { largest = max(largest, abs(a[i, i])) }
        let tolerance = Double(max(a.rows, n)) * Double.ulpOfOne * largest
        for i in 0..<n where abs(a[i, i]) <= tolerance {
            throw LinearAlgebraError.rankDeficient(operation: "gels", column: i + 1)
        }
        // The first `columns` rows of the overwritten B hold the solution.
        var solution = Matrix(rows: a.columns, columns: b.columns)
        for j in 0..<b.columns { for i in 0..<a.columns { solution[i, j] = x[i, j] } }
        return solution
    }

    /// Eigen-decomposition of a symmetric matrix (dsyevd): ascending eigenvalues, eigenvectors as columns.
    public static func syevd(_ a: Matrix) throws -> SymmetricEigen {
        guard a.isSquare else {
            throw LinearAlgebraError.shapeMismatch(operation: "syevd", detail: "A is \(a.rows)×\(a.columns), not square")
        }
        try requireFinite("syevd", a)
        var v = a
        var w = [Double](repeating: 0, count: a.rows)
        let n = Int32(a.rows)
        let info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), upper, n, &v.storage, max(1, n), &w)
        try checkInfo(info, "syevd") { .didNotConverge(operation: "syevd", info: $0) }
        return SymmetricEigen(values: w, vectors: v)
    }

    private static func requireSquare(_ op: String, _ a: Matrix, rhs b: Matrix) throws {
        guard a.isSquare else {
            throw LinearAlgebraError.shapeMismatch(operation: op, detail: "A is \(a.rows)×\(a.columns), not square")
        }
        guard b.rows == a.rows else {
            throw LinearAlgebraError.shapeMismatch(operation: op, detail: "A is \(a.rows)×\(a.columns) but B has \(b.rows) rows")
        }
    }
}

/// A lower-triangular Cholesky factor L with A = L·Lᵀ.
public struct CholeskyFactor: Sendable, Equatable {
    public let lower: Matrix

    /// LAPACK's estimate of 1 / cond₁(A) (dpocon), given ‖A‖₁ of the factored matrix.
    public func reciprocalCondition(norm1 anorm: Double) throws -> Double {
        var rcond = 0.0
        let n = Int32(lower.rows)
        let info = LAPACKE_dpocon(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), n, lower.storage, max(1, n), anorm, &rcond)
        try checkInfo(info, "pocon") { .didNotConverge(operation: "pocon", info: $0) }
        return rcond
    }

    /// Solves A·x = b.
    public func solve(_ b: [Double]) throws -> [Double] {
        try LAPACK.potrs(self, .column(b)).storage
    }

    /// log det A = 2·Σ log Lᵢᵢ.
    public var logDeterminant: Double {
        (0..<lower.rows).reduce(0) { $0 + 2 * log(lower[$1, $1]) }
    }
}

/// Eigenvalues in ascending order and the matching orthonormal eigenvectors (columns).
public struct SymmetricEigen: Sendable, Equatable {
    public let values: [Double]
    public let vectors: Matrix
}
