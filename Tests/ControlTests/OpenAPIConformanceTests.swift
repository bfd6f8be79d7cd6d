import Control
import Discovery
import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Market
import MarketData
import Store
import TestSupport
import Testing

/// openapi.yaml is the contract: the served document is the file, and every documented route
/// answers with a documented status and the documented required fields, on a service that has
/// committed real bars (so the lists are not empty).
@Suite(.serialized) struct OpenAPIConformanceTests {
    @Test func theServedDocumentIsTheRepositorysFile() throws {
        let file = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        #expect(file == OpenAPIDocument.yaml, "openapi.yaml and Control/OpenAPIDocument.swift differ: change both")
    }

    /// A store where a rule strategy has traded 2 days of bars through the paper service (the
    /// tight drawdown limit gives /risk events to list).
    static func context() throws -> (ControlContext, token: String) {
        let f = try ServiceFixture("openapi", seed: 3, maxDrawdown: 0.001)
        _ = try ReplayFeed.run(f.service, speed: nil, shouldStop: { false })
        f.status.update { $0.warm = true }
        let token = try ControlTokens.create(name: "admin", role: .admin, nowMs: UTCTime.nowMs(), store: f.store)
        // An audit row and a revocable token for the list routes to show.
        try ControlTokens.create(name: "spare", role: .read, nowMs: UTCTime.nowMs(), store: f.store)
        return (f.context(ServiceMetrics(version: "test")), token)
    }

    @Test func everyDocumentedRouteAnswersAsDocumented() async throws {
        let (c, token) = try Self.context()
        let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        let app = Application(router: buildRouter(c))
        try await app.test(.router) { client in
            let doc = try await client.execute(uri: "/openapi.json", method: .get) { r in
                try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
            }
            let schemas = (doc["components"] as! [String: Any])["schemas"] as! [String: Any]
            func resolve(_ s: [String: Any]) -> [String: Any] {
                guard let ref = s["$ref"] as? String else { return s }
                return schemas[String(ref.split(separator: "/").last!)] as! [String: Any]
            }
            /// Problems of `value` against `schema`: missing required keys, wrong container types.
            func check(_ value: Any, _ schema: [String: Any], _ at: String) -> [String] {
                let s = resolve(schema)
                switch s["type"] as? String {
                case "object":
                    guard let o = value as? [String: Any] else { return ["\(at): expected an object"] }
                    let missing = ((s["required"] as? [String]) ?? []).filter { o[$0] == nil }
                    var problems = missing.map { "\(at): missing \($0)" }
                    for (k, p) in (s["properties"] as? [String: [String: Any]]) ?? [:] {
                        if let v = o[k], !(v is NSNull) { problems += check(v, p, "\(at).\(k)") }
                    }
                    return problems
                case "array":
                    guard let a = value as? [Any] else { return ["\(at): expected an array"] }
                    return a.prefix(20).enumerated().flatMap { check($1, s["items"] as! [String: Any], "\(at)[\($0)]") }
                default:
                    return []
                }
            }
            let paths = doc["paths"] as! [String: [String: Any]]
            #expect(paths.count == 20)
            let someOrder = try c.store.ledger.orders().first!.clientOrderId
            func documented(_ template: String, _ method: String) -> [String: [String: Any]] {
                (paths[template]![method] as! [String: Any])["responses"] as! [String: [String: Any]]
            }
            /// The answer's status is documented for the route and its body has the documented shape.
            func conforms(_ r: TestResponse, _ responses: [String: [String: Any]], _ path: String) throws {
                let code = String(r.status.code)
                guard let documented = responses[code] else { Issue.record("\(path) answered \(code), documented \(responses.keys.sorted())"); return }
                let content = documented["content"] as! [String: [String: Any]]
                guard let json = content["application/json"] else { return }
                let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body), options: [.fragmentsAllowed])
                if let a = body as? [Any] { #expect(!a.isEmpty, "\(path): an empty list checks nothing") }
                let problems = check(body, json["schema"] as! [String: Any], path)
                #expect(problems.isEmpty, "\(problems)")
            }
            // Writes first, so the history and the lists below have rows to check.
            for (path, body) in [("/control/settings", #"{"key": "confidence", "value": 0.6, "reason": "conformance"}"#),
                                 ("/control/commands", #"{"command": "pause"}"#),
                                 ("/control/tokens", #"{"name": "new-one", "role": "control", "expires_in_days": 30}"#)] {
                try await client.execute(uri: path, method: .post, headers: auth, body: ByteBuffer(string: body)) { r in
                    #expect(r.status.code < 300, "\(path): \(String(buffer: r.body))")
                    try conforms(r, documented(path, "post"), path)
                }
            }
            try await client.execute(uri: "/control/tokens/spare", method: .delete, headers: auth) { r in
                #expect(r.status == .ok)
                try conforms(r, documented("/control/tokens/{name}", "delete"), "/control/tokens/spare")
            }
            for (template, item) in paths.sorted(by: { $0.key < $1.key }) where item["get"] != nil {
                let path = template.replacingOccurrences(of: "{id}", with: someOrder)
                let responses = documented(template, "get")
                // The event stream never ends with a token; unauthenticated it is a documented 401.
                let authorized = template.hasPrefix("/control") || template == "/dashboard/data"
                try await client.execute(uri: path, method: .get, headers: authorized ? auth : [:]) { r in
                    try conforms(r, responses, path)
                }
            }
            // The documented 400s, 401s and 404s.
            for (path, status) in [("/orders?limit=0", HTTPResponse.Status.badRequest), ("/fills?since=later", .badRequest), ("/equity?limit=x", .badRequest),
                                   ("/orders/no-such-order", .notFound), ("/control/settings?key=leverage", .badRequest), ("/control/history", .unauthorized),
                                   ("/dashboard/data", .unauthorized), ("/dashboard/events", .unauthorized)] {
                try await client.execute(uri: path, method: .get, headers: [.unauthorized].contains(status) ? [:] : auth) { r in
                    #expect(r.status == status, "\(path)")
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                    #expect(check(body, ["$ref": "#/components/schemas/Error"], path).isEmpty)
                }
            }
        }
    }
}
