import Foundation
import HummingbirdWSClient
import NIOCore
import Synchronization

/// A JSON object from the DevTools protocol (JSONSerialization's dictionaries are not Sendable).
public struct JSONValue: @unchecked Sendable {
    public let object: [String: Any]
    public subscript(_ key: String) -> Any? { object[key] }
}

/// One connection to a browser's DevTools endpoint: commands with their answers, and every event
/// received, kept in order for the test to inspect.
public final class DevTools: Sendable {
    private let outbound: WebSocketOutboundWriter
    private let state = Mutex<(next: Int, waiting: [Int: CheckedContinuation<JSONValue, any Error>], events: [JSONValue], closed: Bool)>((1, [:], [], false))

    init(outbound: WebSocketOutboundWriter) { self.outbound = outbound }

    /// Sends `method` (to a page when `session` is given) and returns its `result`, or throws its error.
    @discardableResult
    public func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil) async throws -> JSONValue {
        let id = state.withLock { s -> Int in s.next += 1; return s.next }
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)
        return try await withCheckedThrowingContinuation { (k: CheckedContinuation<JSONValue, any Error>) in
            let closed = state.withLock { s -> Bool in
                if s.closed { return true }
                s.waiting[id] = k
                return false
            }
            if closed { k.resume(throwing: Chromium.Failure("the DevTools connection is closed")); return }
            let outbound = self.outbound
            Task {
                do { try await outbound.write(.text(text)) } catch {
                    self.state.withLock { $0.waiting.removeValue(forKey: id) }?.resume(throwing: error)
                }
            }
        }
    }

    func receive(_ text: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return }
        if let id = object["id"] as? Int {
            let k = state.withLock { $0.waiting.removeValue(forKey: id) }
            if let error = object["error"] as? [String: Any] {
                k?.resume(throwing: Chromium.Failure("DevTools: \(error["message"] ?? error)"))
            } else {
                k?.resume(returning: JSONValue(object: object["result"] as? [String: Any] ?? [:]))
            }
        } else {
            state.withLock { $0.events.append(JSONValue(object: object)) }
        }
    }

    func closed() {
        let waiting = state.withLock { s -> [CheckedContinuation<JSONValue, any Error>] in
            s.closed = true
            defer { s.waiting = [:] }
            return Array(s.waiting.values)
        }
        for k in waiting { k.resume(throwing: Chromium.Failure("the DevTools connection closed")) }
    }

    /// Every event received so far (method and params).
    public var events: [JSONValue] { state.withLock { $0.events } }
}
