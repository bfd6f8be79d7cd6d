import Foundation
import Market

/// The fake server's public WebSocket (`/v5/public/linear`, reference §8): subscribe acks, JSON
/// ping → pong, kline pushes to the connections subscribed to the topic, and the faults a live
/// stream shows — a dropped connection, silence (connected but nothing sent, not even pongs), and
/// whatever duplicate or out-of-order candles a test pushes.
public actor FakeStreamState {
    private struct Connection {
        let id: Int
        let send: AsyncStream<String>.Continuation
        var topics: Set<String> = []
    }

    private var connections: [Int: Connection] = [:]
    private var nextID = 1
    /// Connections accepted so far (a reconnect adds one).
    public private(set) var accepted = 0
    /// Client frames as received, oldest first.
    public private(set) var received: [String] = []
    private var silent = false

    public init() {}

    /// While on, the server sends nothing at all: pushes are lost and pings go unanswered.
    public func setSilent(_ on: Bool) { silent = on }

    /// Closes every open connection from the server's side.
    public func dropConnections() {
        for c in connections.values { c.send.finish() }
        connections.removeAll()
    }

    /// How many open connections are subscribed to `topic`.
    public func subscribers(_ topic: String) -> Int { connections.values.filter { $0.topics.contains(topic) }.count }

    /// Pushes one kline message (§8.3) for `bar` to the subscribers of `kline.{interval}.{symbol}`.
    public func push(_ bar: Bar, symbol: String, interval: Interval, confirm: Bool, ts: Int64? = nil) {
        let topic = "kline.\(interval.bybitCode).\(symbol)"
        let end = bar.openTime + interval.milliseconds - 1
        let stamp = ts ?? (confirm ? end : bar.openTime)
        let text = "{\"topic\":\"\(topic)\",\"data\":[{\"start\":\(bar.openTime),\"end\":\(end),\"interval\":\"\(interval.bybitCode)\","
            + "\"open\":\"\(FakeBybitServer.num(bar.open))\",\"close\":\"\(FakeBybitServer.num(bar.close))\",\"high\":\"\(FakeBybitServer.num(bar.high))\","
            + "\"low\":\"\(FakeBybitServer.num(bar.low))\",\"volume\":\"\(FakeBybitServer.num(bar.volume))\",\"turnover\":\"\(FakeBybitServer.num(bar.volume * bar.close))\","
            + "\"confirm\":\(confirm),\"timestamp\":\(stamp)}],\"ts\":\(stamp),\"type\":\"snapshot\"}"
        pushRaw(text, topic: topic)
    }

    /// Sends `text` as is to the subscribers of `topic` (for malformed-message tests).
    public func pushRaw(_ text: String, topic: String) {
        guard !silent else { return }
        for c in connections.values where c.topics.contains(topic) { c.send.yield(text) }
    }

    func open(_ send: AsyncStream<String>.Continuation) -> Int {
        let id = nextID
        nextID += 1
        accepted += 1
        connections[id] = Connection(id: id, send: send)
        return id
    }

    func close(_ id: Int) {
        connections.removeValue(forKey: id)?.send.finish()
    }

    /// Answers one client frame as Bybit's linear stream does (§8.1, §8.2).
    func handle(_ text: String, connection id: Int) {
        received.append(text)
        guard !silent, let c = connections[id] else { return }
        let connID = "fake-\(id)"
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let op = object["op"] as? String else {
            c.send.yield("{\"success\":false,\"ret_msg\":\"error:request not a JSON object with op\",\"conn_id\":\"\(connID)\",\"op\":\"\"}")
            return
        }
        let reqID = (object["req_id"] as? String) ?? ""
        switch op {
        case "ping":
            c.send.yield("{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"\(connID)\",\"req_id\":\"\(reqID)\",\"op\":\"ping\"}")
        case "subscribe", "unsubscribe":
            let args = (object["args"] as? [String]) ?? []
            let bad = args.filter { !Self.isKlineTopic($0) }
            guard bad.isEmpty, !args.isEmpty else {
                c.send.yield("{\"success\":false,\"ret_msg\":\"error:handler not found,topic:\(bad.first ?? "")\",\"conn_id\":\"\(connID)\",\"req_id\":\"\(reqID)\",\"op\":\"\(op)\"}")
                return
            }
            if op == "subscribe" { connections[id]?.topics.formUnion(args) } else { connections[id]?.topics.subtract(args) }
            c.send.yield("{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"\(connID)\",\"req_id\":\"\(reqID)\",\"op\":\"\(op)\"}")
        default:
            c.send.yield("{\"success\":false,\"ret_msg\":\"error:unknown op \(op)\",\"conn_id\":\"\(connID)\",\"req_id\":\"\(reqID)\",\"op\":\"\(op)\"}")
        }
    }

    static func isKlineTopic(_ topic: String) -> Bool {
        let parts = topic.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "kline" && (try? Interval(String(parts[1]))) != nil && !parts[2].isEmpty
    }
}
