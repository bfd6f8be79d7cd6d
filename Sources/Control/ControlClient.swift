import Exchange
import Foundation
import Market

/// What `mlbot control` talks to a running service with: JSON over HTTP (libcurl) with a bearer
/// token; a refusal comes back as the service's kinded error, an unreachable service as one
/// naming the address tried.
public struct ControlClient {
    public let baseURL: String
    let token: String
    let http: HTTPClient

    public init(baseURL: String, token: String, timeout: TimeInterval = 10) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        http = HTTPClient(timeout: timeout)
    }

    /// Where `serve` writes its first tokens unless told otherwise: beside the database.
    public static func defaultTokenFile(database: String) -> String { database + ".tokens" }

    /// The token to use: `--token-file`, else `MLBOT_TOKEN`, else the admin entry of the service's bootstrap file.
    public static func findToken(tokenFile: String?, environment: [String: String], database: String) throws -> String {
        if let tokenFile {
            guard let t = try ControlTokens.read(file: tokenFile, name: "admin") ?? ControlTokens.read(file: tokenFile, name: "control")
                    ?? ControlTokens.read(file: tokenFile, name: "read") else {
                throw Failure(.badInput, "--token-file \(tokenFile): no token in it (expected one line, or name=token lines)")
            }
            return t
        }
        if let t = environment["MLBOT_TOKEN"], !t.isEmpty { return t }
        let file = defaultTokenFile(database: database)
        if let t = try ControlTokens.read(file: file, name: "admin") { return t }
        throw Failure(.unauthorized, "no token: give --token-file, set MLBOT_TOKEN, or start the service once so it writes \(file)")
    }

    public func get(_ path: String) throws -> [UInt8] { try send("GET", path, nil) }
    public func post(_ path: String, _ body: [String: Any]) throws -> [UInt8] {
        try send("POST", path, Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
    }
    public func delete(_ path: String) throws -> [UInt8] { try send("DELETE", path, nil) }

    public func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        do { return try d.decode(type, from: Data(bytes)) } catch { throw Failure(.internal, "\(baseURL): an answer this client does not understand (\(error))") }
    }

    private func send(_ method: String, _ path: String, _ body: [UInt8]?) throws -> [UInt8] {
        var headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let r: HTTPResponse
        do { r = try http.send(method: method, url: baseURL + path, headers: headers, body: body) } catch let e as TransportError {
            throw Failure(.internal, "no service answers at \(baseURL) (\(e.message)); start one with `mlbot serve --paper`, or use --offline")
        }
        guard (200..<300).contains(r.status) else {
            let object = (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any]
            let message = object?["error"] as? String ?? "HTTP \(r.status)"
            let kind = (object?["kind"] as? String).flatMap(ErrorKind.init(rawValue:)) ?? (r.status == 401 ? .unauthorized : r.status == 403 ? .forbidden : .internal)
            throw Failure(kind, message)
        }
        return r.body
    }
}
