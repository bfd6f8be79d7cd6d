import Foundation
import Hummingbird
import Market
import NIOCore

/// JSON in and out, set up once: snake_case keys (the names README lists), sorted, ISO dates none
/// (times are epoch ms and ISO strings built by the handlers).
enum API {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// `{"error": …, "kind": …}` with the status the error's kind maps to.
    static func error(_ message: String, kind: ErrorKind) -> Response {
        let body = (try? encoder.encode(["error": message, "kind": kind.rawValue])) ?? Data("{\"error\":\"internal\"}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .init(code: kind.httpStatus), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Every failure leaves as JSON: thrown kinded errors by their kind, unknown routes as 404.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = ControlRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as any KindedError {
            return API.error(e.description, kind: e.kind)
        } catch let e as HTTPError where e.status == .notFound {
            return API.error("no route \(request.method) \(request.uri.path)", kind: .notFound)
        } catch let e as HTTPError {
            return API.error(e.body ?? "\(e.status)", kind: e.status.code < 500 ? .badInput : .internal)
        } catch {
            return API.error("\(error)", kind: .internal)
        }
    }
}

/// `?limit=N&since=T` (T: ISO-8601 or epoch ms), validated: a bad value is a 400 naming it.
struct Page {
    let limit: Int
    let since: Int64?

    init(_ request: Request) throws {
        let q = request.uri.queryParameters
        if let text = q.get("limit") {
            guard let n = Int(text), (1...10_000).contains(n) else { throw Failure(.badInput, "limit: expected an integer in 1...10000, got '\(text)'") }
            limit = n
        } else {
            limit = 100
        }
        if let text = q.get("since") {
            guard let t = try? UTCTime.parse(text) else { throw Failure(.badInput, "since: expected an ISO-8601 time or epoch ms, got '\(text)'") }
            since = t
        } else {
            since = nil
        }
    }
}
