/// What kind of failure an error is, so the CLI can pick an exit code and the HTTP layer a status
/// from the kind rather than from the text (DESIGN.md rule 10).
public enum ErrorKind: String, Sendable, Equatable, CaseIterable {
    /// The request, a file or an argument is malformed or out of range.
    case badInput = "bad_input"
    /// A named thing (strategy, model, run, file) does not exist.
    case notFound = "not_found"
    /// The request clashes with existing state (a duplicate name, a resume with other inputs).
    case conflict
    /// Well-formed, but a rule says no (graduation, promotion, risk).
    case refused
    /// Something broke that the caller cannot fix by changing the request.
    case `internal`
    /// No credentials, or credentials that are wrong, expired or revoked.
    case unauthorized
    /// Credentials whose role does not allow the request.
    case forbidden
    /// Too many failed attempts from one address: wait before trying again.
    case rateLimited = "rate_limited"

    /// Process exit status for the CLI: 64 for bad input (as ArgumentParser's usage errors), 3…5 for the others.
    public var exitCode: Int32 {
        switch self {
        case .badInput: 64
        case .notFound: 3
        case .conflict: 4
        case .refused: 5
        case .internal: 1
        case .unauthorized: 6
        case .forbidden: 7
        case .rateLimited: 8
        }
    }

    /// HTTP status for the control API.
    public var httpStatus: Int {
        switch self {
        case .badInput: 400
        case .notFound: 404
        case .conflict: 409
        case .refused: 422
        case .internal: 500
        case .unauthorized: 401
        case .forbidden: 403
        case .rateLimited: 429
        }
    }
}

/// An error that knows its kind.
public protocol KindedError: Error, CustomStringConvertible {
    var kind: ErrorKind { get }
}

extension ErrorKind {
    /// The kind of any error: its own when it says, otherwise internal.
    public static func of(_ error: any Error) -> ErrorKind {
        (error as? any KindedError)?.kind ?? .internal
    }
}

/// A failure described in words, with its kind: for the many checks that need no fields of their own.
public struct Failure: KindedError, Equatable {
    public let kind: ErrorKind
    public let description: String

    public init(_ kind: ErrorKind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
