import Market

/// A Bybit request that failed for good (after any retries); internal, as the caller's own input was fine.
public enum BybitError: KindedError, Equatable {
    public var kind: ErrorKind { .internal }
    /// The API answered with a business error (`retCode != 0`).
    case api(path: String, retCode: Int, retMsg: String)
    /// An HTTP status that is not retried (400, 401, 404…).
    case http(path: String, status: Int, body: String)
    /// A body that is not the documented shape.
    case malformed(path: String, detail: String)
    /// The public stream failed (silence, a refused subscription).
    case stream(detail: String)
    /// Retries ran out.
    case gaveUp(path: String, attempts: Int, lastReason: String)

    public var description: String {
        switch self {
        case let .api(p, c, m): return "Bybit \(p): retCode \(c): \(m)"
        case let .http(p, s, b): return "Bybit \(p): HTTP \(s): \(b.prefix(200))"
        case let .malformed(p, d): return "Bybit \(p): unexpected response: \(d)"
        case let .stream(d): return "Bybit stream: \(d)"
        case let .gaveUp(p, n, r): return "Bybit \(p): gave up after \(n) attempts; last failure: \(r)"
        }
    }
}
