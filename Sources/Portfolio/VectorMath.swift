import NumericKit

/// xᵀy of two equally long vectors.
@inline(__always) func dot(_ x: [Double], _ y: [Double]) -> Double {
    var s = 0.0
    for i in x.indices { s += x[i] * y[i] }
    return s
}

extension Matrix {
    /// wᵀAw, with A·w from BLAS.
    func quadraticForm(_ w: [Double]) throws -> Double { dot(w, try BLAS.multiply(self, w)) }

    /// The mean of the diagonal: the solvers' scale for variances and multipliers.
    var meanDiagonal: Double { (0..<rows).reduce(0) { $0 + self[$1, $1] } / Double(Swift.max(1, rows)) }
}
