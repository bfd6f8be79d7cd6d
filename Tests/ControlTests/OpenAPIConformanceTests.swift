import Control
import Discovery
import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
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
    static func context() throws -> ControlContext {
        let f = try ServiceFixture("openapi", seed: 3, maxDrawdown: 0.001)
        _ = try ReplayFeed.run(f.service, speed: nil, shouldStop: { false })
        f.status.update { $0.warm = true }
        return f.context(ServiceMetrics(version: "test"))
    }

    @Test func everyDocumentedRouteAnswersAsDocumented() async throws {
        let c = try Self.context()
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
            #expect(paths.count == 12)
            let someOrder = try c.store.ledger.orders().first!.clientOrderId
            for (template, item) in paths.sorted(by: { $0.key < $1.key }) {
                let path = template.replacingOccurrences(of: "{id}", with: someOrder)
                let responses = (item["get"] as! [String: Any])["responses"] as! [String: [String: Any]]
                try await client.execute(uri: path, method: .get) { r in
                    let code = String(r.status.code)
                    guard let documented = responses[code] else { Issue.record("\(path) answered \(code), documented \(responses.keys.sorted())"); return }
                    let content = documented["content"] as! [String: [String: Any]]
                    guard let json = content["application/json"] else { return }
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body), options: [.fragmentsAllowed])
                    if let a = body as? [Any] { #expect(!a.isEmpty, "\(path): an empty list checks nothing") }
                    let problems = check(body, json["schema"] as! [String: Any], path)
                    #expect(problems.isEmpty, "\(problems)")
                }
            }
            // The documented 400s.
            for (path, status) in [("/orders?limit=0", HTTPResponse.Status.badRequest), ("/fills?since=later", .badRequest), ("/equity?limit=x", .badRequest),
                                   ("/orders/no-such-order", .notFound)] {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == status, "\(path)")
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                    #expect(check(body, ["$ref": "#/components/schemas/Error"], path).isEmpty)
                }
            }
        }
    }
}
