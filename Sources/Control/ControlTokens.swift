import Foundation
import Hashing
import Market
import Store

/// What a token may do: `read` every GET; `control` also settings and commands (tightening risk
/// limits only); `admin` also tokens and loosening a risk limit.
public enum ControlRole: String, Sendable, CaseIterable, Codable, Comparable {
    case read, control, admin

    public static func < (a: ControlRole, b: ControlRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Named bearer tokens: 32 random bytes from OpenSSL, given out once as text, kept only as their
/// SHA-256 hash, checked in constant time against every live token.
public enum ControlTokens {
    /// A new token's text: `mlbot_` and 64 hex digits.
    public static func generate() throws -> String {
        guard let bytes = Secrets.randomBytes(32) else { throw Failure(.internal, "OpenSSL could not produce random bytes for a token") }
        return "mlbot_" + Digest.hex(bytes)
    }

    /// Stores `secret` (a new one if nil) as token `name`; returns the secret, which is not kept.
    @discardableResult
    public static func create(name: String, role: ControlRole, expiresMs: Int64? = nil, secret: String? = nil, nowMs: Int64, store: DataStore) throws -> String {
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"#, options: .regularExpression) != nil else {
            throw Failure(.badInput, "name: expected 1–64 letters, digits, '_', '.' or '-', got '\(name)'")
        }
        let text = try secret ?? generate()
        guard text.count >= 16 else { throw Failure(.badInput, "token for \(name): expected at least 16 characters") }
        try store.control.write { db in
            if try ControlTokenRow.fetchOne(db, key: name) != nil { throw Failure(.conflict, "a token named \(name) exists (revoke it first)") }
            try ControlRepository.save(ControlTokenRow(name: name, role: role.rawValue, sha256: Digest.sha256Hex(text), createdMs: nowMs, expiresMs: expiresMs), db)
        }
        return text
    }

    /// Why a presented token is refused (nil on the way in: the caller).
    public enum Verdict: Equatable { case ok(Caller), missing, unknown, expired(String), revoked(String) }

    public static func verify(_ presented: String?, nowMs: Int64, store: DataStore) throws -> Verdict {
        guard let presented, !presented.isEmpty else { return .missing }
        let hash = Array(Digest.sha256Hex(presented).utf8)
        var match: ControlTokenRow?
        for row in try store.control.tokens() {
            // Every row is compared, so the time does not say how many tokens there are before a match.
            if Secrets.constantTimeEqual(Array(row.sha256.utf8), hash) && match == nil { match = row }
        }
        guard let row = match, let role = ControlRole(rawValue: row.role) else { return .unknown }
        if row.revokedMs != nil { return .revoked(row.name) }
        if let e = row.expiresMs, e <= nowMs { return .expired(row.name) }
        // At most one write a minute per token: a polling client must not queue writes beside the bar loop's commits.
        if row.lastUsedMs.map({ nowMs - $0 >= 60_000 }) ?? true {
            try store.control.write { try ControlRepository.touch(token: row.name, atMs: nowMs, $0) }
        }
        return .ok(Caller(name: row.name, role: role))
    }

    public static func revoke(name: String, nowMs: Int64, store: DataStore) throws {
        try store.control.write { db in
            guard var row = try ControlTokenRow.fetchOne(db, key: name) else { throw Failure(.notFound, "no token named \(name)") }
            guard row.revokedMs == nil else { throw Failure(.conflict, "token \(name) is already revoked") }
            row.revokedMs = nowMs
            try ControlRepository.save(row, db)
        }
    }

    /// The first start's tokens: `MLBOT_ADMIN_TOKEN` / `MLBOT_READ_TOKEN` when set, else new ones
    /// written to `file` (mode 0600, `name=token` lines). Does nothing once any token exists. The
    /// file is written (to a temporary name, then renamed) before both rows commit in one
    /// transaction, so a start killed half-way leaves no token without its file. Returns the names created.
    @discardableResult
    public static func bootstrap(file: String, environment: [String: String], nowMs: Int64, store: DataStore) throws -> [String] {
        guard try store.control.tokens().isEmpty else { return [] }
        var secrets: [(String, ControlRole, String)] = []
        var lines: [String] = []
        for (name, role, variable) in [("admin", ControlRole.admin, "MLBOT_ADMIN_TOKEN"), ("read", ControlRole.read, "MLBOT_READ_TOKEN")] {
            if let given = environment[variable], !given.isEmpty {
                guard given.count >= 16 else { throw Failure(.badInput, "\(variable): expected a token of at least 16 characters") }
                secrets.append((name, role, given))
            } else {
                let t = try generate()
                secrets.append((name, role, t))
                lines.append("\(name)=\(t)")
            }
        }
        if !lines.isEmpty {
            let temporary = file + ".tmp"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else { throw Failure(.internal, "\(file): cannot write the bootstrap tokens (\(String(cString: strerror(errno))))") }
            fchmod(fd, 0o600)
            let text = Array((lines.joined(separator: "\n") + "\n").utf8)
            let written = write(fd, text, text.count)
            fsync(fd)
            close(fd)
            guard written == text.count, rename(temporary, file) == 0 else { throw Failure(.internal, "\(file): could not write the bootstrap tokens") }
        }
        try store.control.write { db in
            for (name, role, secret) in secrets {
                try ControlRepository.save(ControlTokenRow(name: name, role: role.rawValue, sha256: Digest.sha256Hex(secret), createdMs: nowMs), db)
            }
        }
        return secrets.map(\.0)
    }

    /// The token for `name` in a bootstrap or token file (`name=token` lines; a file of one bare line is that token).
    public static func read(file: String, name: String) throws -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if lines.count == 1, !lines[0].contains("=") { return lines[0] }
        for l in lines { let p = l.split(separator: "=", maxSplits: 1); if p.count == 2, p[0] == name { return String(p[1]) } }
        return nil
    }
}
