import NumericKit

/// Per-feature mean and standard deviation, fitted on training rows only and saved with the model.
public struct Standardizer: Sendable, Equatable, Codable {
    public let mean: [Double]
    public let scale: [Double]

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// Fits on every row of `x`. A constant column gets scale 1 (it becomes all zeros).
    public init(fitting x: Matrix) {
        let n = x.rows
        var mean = [Double](repeating: 0, count: x.columns), scale = mean
        x.storage.withUnsafeBufferPointer { s in
            for j in 0..<x.columns {
                var sum = 0.0
                for i in 0..<n { sum += s[j * n + i] }
                let m = sum / Double(max(1, n))
                var ss = 0.0
                for i in 0..<n { let d = s[j * n + i] - m; ss += d * d }
                let sd = (ss / Double(max(1, n))).squareRoot()
                mean[j] = m
                scale[j] = sd > 0 && sd.isFinite ? sd : 1
            }
        }
        self.mean = mean
        self.scale = scale
    }

    /// (x − mean) / scale, column by column.
    public func transform(_ x: Matrix) -> Matrix {
        let n = x.rows
        return Matrix(rows: n, columns: x.columns) { out in
            x.storage.withUnsafeBufferPointer { s in
                for j in 0..<x.columns {
                    let m = mean[j], inv = 1 / scale[j]
                    for i in 0..<n { out[j * n + i] = (s[j * n + i] - m) * inv }
                }
            }
        }
    }

    /// One row, in place.
    public func transform(row: inout [Double]) {
        for j in row.indices { row[j] = (row[j] - mean[j]) / scale[j] }
    }
}
