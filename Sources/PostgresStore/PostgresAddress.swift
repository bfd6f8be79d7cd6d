import Foundation
import Market

/// Where a PostgreSQL store is: `postgres://user@host:port/database` from the config's
/// `database:`, the password from `MLBOT_DATABASE_PASSWORD` or a `.env` file (never from the URL,
/// which ends up in configs and logs).
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    public let user: String
    public let host: String
    public let port: Int
    public let database: String
    public let password: String?

    /// Whether `text` names a PostgreSQL store rather than an SQLite file.
    public static func isPostgres(_ text: String) -> Bool { text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") }

    /// Parses the URL; `environment` and the `.env` text supply the password.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment, dotEnv: String? = nil) throws {
        func bad(_ why: String) -> Failure {
            Failure(.badInput, "database: \(why); expected postgres://user@host:port/database (password in MLBOT_DATABASE_PASSWORD or .env)")
        }
        guard Self.isPostgres(text), let url = URLComponents(string: text) else { throw bad("'\(Self.redacted(text))' is not a postgres:// URL") }
        guard url.password == nil else { throw bad("a password in the URL is refused (it would be kept in configs and logs)") }
        guard let user = url.user, !user.isEmpty else { throw bad("no user") }
        guard let host = url.host, !host.isEmpty else { throw bad("no host") }
        let name = String(url.path.drop { $0 == "/" })
        guard !name.isEmpty, !name.contains("/") else { throw bad("no database name") }
        guard url.query == nil else { throw bad("options after '?' are not supported") }
        let port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw bad("port \(port) is out of range") }
        self.user = user; self.host = host; self.port = port; self.database = name
        password = environment["MLBOT_DATABASE_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 } ?? dotEnv.flatMap { Self.value("MLBOT_DATABASE_PASSWORD", inDotEnv: $0) }
    }

    /// As the CLI reads it: the password from the environment or a `.env` in the working directory.
    public static func forCommand(_ text: String) throws -> PostgresAddress {
        try PostgresAddress(text, dotEnv: try? String(contentsOfFile: ".env", encoding: .utf8))
    }

    /// The address without the password: safe to print.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// `KEY=value` from `.env` text (`#` comments, optional `export`, quotes stripped).
    static func value(_ key: String, inDotEnv text: String) -> String? {
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = line.firstIndex(of: "="), line[..<eq].trimmingCharacters(in: .whitespaces) == key else { continue }
            var v = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if v.count >= 2, let f = v.first, f == "\"" || f == "'", v.last == f { v = String(v.dropFirst().dropLast()) }
            return v.isEmpty ? nil : v
        }
        return nil
    }

    /// A URL with any password replaced, for an error message.
    public static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? "postgres://…"
    }
}
