/// A dense column-major matrix of `Double`, laid out exactly as BLAS and LAPACK expect.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    /// Element (r, c) lives at `storage[c * rows + r]`.
    public var storage: [Double]

    /// A matrix filled with one value.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix whose storage is left uninitialised: the caller must write every element before
    /// reading any (filling 100+ MB with zeros first costs as much as a cheap kernel).
    public init(rows: Int, columns: Int, uninitializedWriter write: (UnsafeMutableBufferPointer<Double>) -> Void) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Double](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            write(buffer)
            initialized = rows * columns
        }
    }

    /// Wraps column-major storage; throws when the count does not match the shape.
    public init(rows: Int, columns: Int, columnMajor: [Double]) throws {
        guard rows >= 0, columns >= 0, columnMajor.count == rows * columns else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix", detail: "\(columnMajor.count) values cannot fill \(rows)×\(columns)")
        }
        self.rows = rows
        self.columns = columns
        self.storage = columnMajor
    }

    /// Builds a matrix from row arrays (convenient for literals and tests).
    public init(rowArrays: [[Double]]) throws {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        guard rowArrays.allSatisfy({ $0.count == c }) else {
            throw LinearAlgebraError.shapeMismatch(operation: "Matrix", detail: "rows have different lengths")
        }
        self.init(rows: r, columns: c)
        for i in 0..<r { for j in 0..<c { storage[j * r + i] = rowArrays[i][j] } }
    }

    /// The n×n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.storage[i * n + i] = 1 }
        return m
    }

    /// A column vector (n×1).
    public static func column(_ values: [Double]) -> Matrix {
        Matrix(rows: values.count, columns: 1, storageUnchecked: values)
    }

    init(rows: Int, columns: Int, storageUnchecked: [Double]) {
        self.rows = rows
        self.columns = columns
        self.storage = storageUnchecked
    }

    public subscript(row: Int, column: Int) -> Double {
        get { storage[column * rows + row] }
        set { storage[column * rows + row] = newValue }
    }

    /// A copy of column `j`.
    public func column(_ j: Int) -> [Double] {
        Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    /// The rows as arrays (for printing and tests).
    public var rowArrays: [[Double]] {
        (0..<rows).map { i in (0..<columns).map { j in self[i, j] } }
    }

    public var isSquare: Bool { rows == columns }

    /// Aᵀ, copied in 64 × 64 tiles so both sides stay in cache.
    public func transposed() -> Matrix {
        let r = rows, c = columns
        return Matrix(rows: c, columns: r) { out in
            storage.withUnsafeBufferPointer { src in
                let tile = 64
                for j0 in stride(from: 0, to: c, by: tile) {
                    for i0 in stride(from: 0, to: r, by: tile) {
                        for j in j0..<Swift.min(j0 + tile, c) {
                            for i in i0..<Swift.min(i0 + tile, r) { out[i * c + j] = src[j * r + i] }
                        }
                    }
                }
            }
        }
    }

    /// The rows at `indices` (in that order) as a new matrix: how training sets, folds and
    /// batches are cut out of a design matrix.
    public func gatherRows(_ indices: [Int]) -> Matrix {
        let n = rows, m = indices.count
        return Matrix(rows: m, columns: columns) { out in
            storage.withUnsafeBufferPointer { src in
                for j in 0..<columns { for (i, r) in indices.enumerated() { out[j * m + i] = src[j * n + r] } }
            }
        }
    }

    /// Largest absolute element-wise difference; shapes must agree.
    public func maxAbsDifference(_ other: Matrix) -> Double {
        precondition(rows == other.rows && columns == other.columns, "shape mismatch")
        var m = 0.0
        for k in storage.indices { m = Swift.max(m, abs(storage[k] - other.storage[k])) }
        return m
    }

    var allFinite: Bool { storage.allSatisfy { $0.isFinite } }

    /// ‖A‖₁: the largest absolute column sum.
    public var norm1: Double {
        var best = 0.0
        for j in 0..<columns {
            var s = 0.0
            for i in 0..<rows { s += abs(storage[j * rows + i]) }
            best = Swift.max(best, s)
        }
        return best
    }
}
