/// Why a linear-algebra call could not produce a result; BLAS/LAPACK failures never crash.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    case shapeMismatch(operation: String, detail: String)
    case notPositiveDefinite(operation: String, leadingMinor: Int)
    case singular(operation: String, pivot: Int)
    case rankDeficient(operation: String, column: Int)
    case nonFiniteInput(operation: String)
    case illegalArgument(operation: String, position: Int)
    case didNotConverge(operation: String, info: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, detail): return "\(op): shape mismatch: \(detail)"
        case let .notPositiveDefinite(op, k): return "\(op): matrix is not positive definite (leading minor \(k) is not positive)"
        case let .singular(op, p): return "\(op): matrix is singular (U(\(p),\(p)) is exactly zero)"
        case let .rankDeficient(op, c): return "\(op): matrix does not have full rank (diagonal element \(c) of the triangular factor is zero)"
        case let .nonFiniteInput(op): return "\(op): input contains NaN or infinity"
        case let .illegalArgument(op, i): return "\(op): argument \(i) had an illegal value"
        case let .didNotConverge(op, info): return "\(op): algorithm failed to converge (info \(info))"
        }
    }
}

/// Maps a LAPACK `info` code to an error; `positive` builds the routine-specific failure.
@inline(__always)
func checkInfo(_ info: Int32, _ operation: String, positive: (Int) -> LinearAlgebraError) throws {
    if info < 0 { throw LinearAlgebraError.illegalArgument(operation: operation, position: Int(-info)) }
    if info > 0 { throw positive(Int(info)) }
}

@inline(__always)
func requireFinite(_ operation: String, _ matrices: Matrix...) throws {
    for m in matrices where !m.allFinite { throw LinearAlgebraError.nonFiniteInput(operation: operation) }
}
