import Foundation
import HTTPTypes
import Hummingbird
import Market
import Store
import Synchronization

/// Failed attempts per address over the last minute: more than `limit` and the address gets 429
/// for a minute from its last failure. The clock is injected.
public final class FailureLimiter: Sendable {
    private let failures = Mutex<[String: [Int64]]>([:])
    private let noticed = Mutex<[String: Int64]>([:])
    public let limit: Int
    public let windowMs: Int64

    public init(limit: Int = 10, windowMs: Int64 = 60_000) { self.limit = limit; self.windowMs = windowMs }

    public func blocked(_ address: String, nowMs: Int64) -> Bool {
        failures.withLock { f in
            let recent = (f[address] ?? []).filter { nowMs - $0 < windowMs }
            f[address] = recent.isEmpty ? nil : recent
            return recent.count > limit
        }
    }

    /// Whether a 429 for `address` should go into the audit trail: once per window, so a flood of
    /// refused calls cannot flood the store.
    public func shouldRecordBlock(_ address: String, nowMs: Int64) -> Bool {
        noticed.withLock { n in
            if let last = n[address], nowMs - last < windowMs { return false }
            n[address] = nowMs
            return true
        }
    }

    public func fail(_ address: String, nowMs: Int64) {
        failures.withLock { $0[address, default: []].append(nowMs) }
    }
}

/// Bearer tokens in front of the routes: every `/control` call needs one whose role allows it
/// (GET: read; settings and commands: control; tokens: admin), and so do the other reads when the
/// service is reachable from other hosts. A refusal is 401/403/429 as JSON, recorded in the audit
/// trail with the token's name (if any) and the address, and changes nothing else.
struct AccessGuard: RouterMiddleware {
    typealias Context = ControlRequestContext
    let c: ControlContext

    static let open: Set<String> = ["/health", "/ready", "/metrics", "/openapi.json"]

    func needed(_ request: Request) -> ControlRole? {
        let path = request.uri.path
        if path == "/control/tokens" || path.hasPrefix("/control/tokens/") { return .admin }
        if path.hasPrefix("/control/") || path == "/control" { return request.method == .get ? .read : .control }
        if Self.open.contains(path) || path == "/" { return nil }
        // The dashboard's data needs a read token even on loopback: a browser tab is not a trusted caller.
        if path.hasPrefix("/dashboard/") { return .read }
        return c.readNeedsToken ? .read : nil
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let role = needed(request) else { return try await next(request, context) }
        let now = c.clock(), address = context.source
        let action = "\(request.method) \(request.uri.path)"
        func refuse(_ kind: ErrorKind, _ message: String, token: String?, tokenRole: ControlRole?, outcome: String) -> Response {
            if kind != .rateLimited { c.limiter.fail(address, nowMs: now) }
            if kind == .rateLimited && !c.limiter.shouldRecordBlock(address, nowMs: now) { return API.error(message, kind: kind) }
            try? c.store.control.write { db in
                try ControlRepository.insert(AuditRow(timeMs: now, token: token, role: tokenRole?.rawValue, source: address, action: action,
                                                      reason: message, outcome: outcome, status: kind.httpStatus), db)
            }
            return API.error(message, kind: kind)
        }
        if c.limiter.blocked(address, nowMs: now) {
            return refuse(.rateLimited, "too many failed attempts from \(address): try again in a minute", token: nil, tokenRole: nil, outcome: "rate_limited")
        }
        var presented: String?
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer ") else {
                return refuse(.unauthorized, "Authorization: expected 'Bearer <token>'", token: nil, tokenRole: nil, outcome: "unauthorized")
            }
            presented = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        switch try ControlTokens.verify(presented, nowMs: now, store: c.store) {
        case .missing: return refuse(.unauthorized, "this call needs a bearer token (role \(role.rawValue) or above)", token: nil, tokenRole: nil, outcome: "unauthorized")
        case .unknown: return refuse(.unauthorized, "the token is not one this service knows", token: nil, tokenRole: nil, outcome: "unauthorized")
        case .expired(let name): return refuse(.unauthorized, "token \(name) has expired", token: name, tokenRole: nil, outcome: "unauthorized")
        case .revoked(let name): return refuse(.unauthorized, "token \(name) was revoked", token: name, tokenRole: nil, outcome: "unauthorized")
        case .ok(let caller):
            guard caller.role >= role else {
                return refuse(.forbidden, "token \(caller.name) has role \(caller.role.rawValue); \(action) needs \(role.rawValue)",
                              token: caller.name, tokenRole: caller.role, outcome: "forbidden")
            }
            var context = context
            context.caller = caller
            return try await next(request, context)
        }
    }
}
