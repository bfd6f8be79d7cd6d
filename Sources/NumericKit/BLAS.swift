import CLinearAlgebra
import Dispatch

/// Whether an operand enters a product as itself or transposed.
public enum Transpose: Sendable {
    case none, transpose
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Level-2/3 BLAS on `Matrix`, with shapes checked before OpenBLAS is called.
public enum BLAS {
    /// C ← alpha·op(A)·op(B) + beta·C (dgemm).
    public static func gemm(
        _ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) throws {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard k == kb, c.rows == m, c.columns == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemm", detail: "op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.columns)")
        }
        if m == 0 || n == 0 { return }
        cblas_dgemm(
            CblasColMajor, transA.cblas, transB.cblas, blasint(m), blasint(n), blasint(k),
            alpha, a.storage, blasint(max(1, a.rows)), b.storage, blasint(max(1, b.rows)),
            beta, &c.storage, blasint(max(1, m)))
    }

    /// op(A)·op(B) as a new matrix.
    public static func multiply(_ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none) throws -> Matrix {
        let m = transA == .none ? a.rows : a.columns
        let n = transB == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n)
        try gemm(a, b, transA: transA, transB: transB, into: &c)
        return c
    }

    /// y ← alpha·op(A)·x + beta·y (dgemv).
    public static func gemv(_ a: Matrix, _ x: [Double], trans: Transpose = .none, alpha: Double = 1, beta: Double = 0, into y: inout [Double]) throws {
        let (m, n) = trans == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        guard x.count == n, y.count == m else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemv", detail: "op(A) is \(m)×\(n), x has \(x.count), y has \(y.count)")
        }
        if m == 0 { return }
        if n == 0 { for i in y.indices { y[i] *= beta }; return }
        cblas_dgemv(CblasColMajor, trans.cblas, blasint(a.rows), blasint(a.columns), alpha, a.storage,
                    blasint(max(1, a.rows)), x, 1, beta, &y, 1)
    }

    /// op(A)·x as a new vector.
    public static func multiply(_ a: Matrix, _ x: [Double], trans: Transpose = .none) throws -> [Double] {
        var y = [Double](repeating: 0, count: trans == .none ? a.rows : a.columns)
        try gemv(a, x, trans: trans, into: &y)
        return y
    }

    /// The Gram matrix: AᵀA for `.transpose`, AAᵀ for `.none` (dsyrk), with both triangles filled.
    /// A tall AᵀA is split by rows between two workers (a fixed split, so the result does not
    /// depend on timing): OpenBLAS does not parallelise dsyrk for thin matrices (1M × 64 runs at the
    /// same speed on 1 or 2 threads). Executables run OpenBLAS single-threaded (`ProcessTuning`).
    public static func syrk(_ a: Matrix, trans: Transpose = .transpose, alpha: Double = 1) -> Matrix {
        let (n, k) = trans == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        var c = Matrix(rows: n, columns: n)
        if n == 0 { return c }
        if trans == .transpose && k >= 131_072 && n <= 512 {
            let halves = [0..<(k / 2), (k / 2)..<k]
            var parts = [[Double]](repeating: [Double](repeating: 0, count: n * n), count: 2)
            a.storage.withUnsafeBufferPointer { src in
                let base = UncheckedSendable(src.baseAddress!)
                parts.withUnsafeMutableBufferPointer { out in
                    let dst = UncheckedSendable(out.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: 2) { h in
                        let r = halves[h]
                        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, blasint(n), blasint(r.count), alpha,
                                    base.value + r.lowerBound, blasint(k), 0, &dst.value[h], blasint(n))
                    }
                }
            }
            for i in 0..<(n * n) { c.storage[i] = parts[0][i] + parts[1][i] }
        } else if k > 0 {
            cblas_dsyrk(CblasColMajor, CblasUpper, trans.cblas, blasint(n), blasint(k), alpha, a.storage,
                        blasint(max(1, a.rows)), 0, &c.storage, blasint(n))
        }
        c.mirrorUpperToLower()
        return c
    }
}

extension Matrix {
    /// Copies the upper triangle onto the lower one (LAPACK and syrk only write one half).
    public mutating func mirrorUpperToLower() {
        precondition(isSquare, "mirror needs a square matrix")
        let n = rows
        storage.withUnsafeMutableBufferPointer { s in
            for j in 0..<n { for i in (j + 1)..<n where i < n { s[j * n + i] = s[i * n + j] } }
        }
    }
}
