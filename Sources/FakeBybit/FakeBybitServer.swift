import Foundation
import Hashing
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import Market
import NIOCore

/// A local Bybit V5 server for tests, following `reference/bybit-v5.md`: the response envelope,
/// GET /v5/market/time, /v5/market/kline (defaults, inclusive start/end, newest first, 7-string
/// rows) and /v5/market/instruments-info (category required, cursor pages), the IP rate limit, signed private requests (10003 / 10002 / 10004) and scheduled faults;
/// and the public WebSocket at /v5/public/linear (`FakeStreamState`).
/// Listens on 127.0.0.1 on a random free port.
public final class FakeBybitServer: Sendable {
    public let state: FakeBybitState
    public let port: Int
    private let task: Task<Void, Error>

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// The public linear stream (reference §1: `/v5/public/linear`).
    public var streamURL: String { "ws://127.0.0.1:\(port)/v5/public/linear" }

    private init(state: FakeBybitState, port: Int, task: Task<Void, Error>) {
        self.state = state
        self.port = port
        self.task = task
    }

    /// Starts the server and returns once it accepts connections.
    public static func start(state: FakeBybitState = FakeBybitState()) async throws -> FakeBybitServer {
        let router = Router()
        router.get("/v5/market/time") { request, _ in
            try await Self.guarded(request, state) { now in
                Self.envelope(result: "{\"timeSecond\":\"\(now / 1000)\",\"timeNano\":\"\(now)000000\"}", time: now)
            }
        }
        router.get("/v5/market/kline") { request, _ in
            try await Self.guarded(request, state) { now in try await Self.kline(request, state: state, now: now) }
        }
        router.get("/v5/market/instruments-info") { request, _ in
            try await Self.guarded(request, state) { now in try await Self.instrumentsInfo(request, state: state, now: now) }
        }
        router.get("/v5/account/wallet-balance") { request, _ in
            try await Self.guarded(request, state) { now in
                if let denied = try await Self.authenticate(request, payload: request.uri.query ?? "", state: state, now: now) { return denied }
                return Self.envelope(result: #"{"list":[{"accountType":"UNIFIED","totalEquity":"10000","coin":[{"coin":"USDT","walletBalance":"10000","equity":"10000"}]}]}"#, time: now)
            }
        }

        let wsRouter = Router(context: BasicWebSocketRequestContext.self)
        wsRouter.ws("/v5/public/linear") { inbound, outbound, _ in
            let (pushes, send) = AsyncStream<String>.makeStream()
            let id = await state.stream.open(send)
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Ends when the server drops the connection (the stream is finished).
                group.addTask { for await text in pushes { try await outbound.write(.text(text)) } }
                group.addTask {
                    for try await message in inbound.messages(maxSize: 1 << 16) {
                        if case .text(let text) = message { await state.stream.handle(text, connection: id) }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
            await state.stream.close(id)
        }

        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: wsRouter),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0); continuation.finish() },
            logger: .init(label: "fake-bybit", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let task = Task { try await app.run() }
        var port = 0
        for await p in stream { port = p }
        guard port > 0 else { task.cancel(); throw FakeServerError.didNotStart }
        return FakeBybitServer(state: state, port: port, task: task)
    }

    /// Stops the server.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// The checks every request passes first: GET with a body → 403, IP limit → 403.
    static func guarded(_ request: Request, _ state: FakeBybitState, _ body: (Int64) async throws -> Response) async throws -> Response {
        let now = await state.now()
        if let length = request.headers[.contentLength], let n = Int(length), n > 0 {
            return Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "GET with a body is forbidden")))
        }
        guard await state.admitFromIP(now: now) else {
            await state.record(request.uri.path, [:], "403-ip")
            return Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "access too frequent")))
        }
        return try await body(now)
    }

    static func envelope(retCode: Int = 0, retMsg: String = "OK", result: String = "{}", time: Int64, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "application/json; charset=utf-8"
        let body = envelopeText(retCode: retCode, retMsg: retMsg, result: result, time: time)
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func envelopeText(retCode: Int, retMsg: String, result: String, time: Int64) -> String {
        "{\"retCode\":\(retCode),\"retMsg\":\"\(retMsg)\",\"result\":\(result),\"retExtInfo\":{},\"time\":\(time)}"
    }

    static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { out[String(k)] = String(v) }
        return out
    }

    /// §5.3: `category` required; `symbol` and `status` (default Trading) filter; `limit` 1…1000
    /// (default 500) with an opaque `cursor` (here the offset) and `nextPageCursor` "" when done.
    static func instrumentsInfo(_ request: Request, state: FakeBybitState, now: Int64) async throws -> Response {
        let q = query(request)
        func paramError(_ msg: String) async -> Response {
            await state.record("/v5/market/instruments-info", q, "10001")
            return envelope(retCode: 10001, retMsg: "params error: \(msg)", time: now)
        }
        guard let category = q["category"], ["linear", "inverse", "spot", "option"].contains(category) else {
            return await paramError("category is required (spot, linear, inverse or option)")
        }
        let limitText = q["limit"] ?? "500"
        guard let limit = Int(limitText), (1...1000).contains(limit) else { return await paramError("limit must be 1...1000") }
        let offset = q["cursor"].flatMap { $0.isEmpty ? 0 : Int($0) } ?? 0
        let status = q["status"] ?? "Trading"
        var list = await state.instrumentList(category: category).filter { $0.status == status }
        if let symbol = q["symbol"] { list = list.filter { $0.symbol == symbol } }
        let page = Array(list.dropFirst(offset).prefix(limit))
        let next = offset + page.count < list.count ? String(offset + page.count) : ""
        let items = page.enumerated().map { i, x in x.json(symbolId: offset + i + 1) }.joined(separator: ",")
        await state.record("/v5/market/instruments-info", q, "ok")
        return envelope(result: "{\"category\":\"\(category)\",\"list\":[\(items)],\"nextPageCursor\":\"\(next)\"}", time: now)
    }

    static func kline(_ request: Request, state: FakeBybitState, now: Int64) async throws -> Response {
        let q = query(request)
        func paramError(_ msg: String) async -> Response {
            await state.record("/v5/market/kline", q, "10001")
            return envelope(retCode: 10001, retMsg: "params error: \(msg)", time: now)
        }
        let category = q["category"] ?? "linear"
        guard ["spot", "linear", "inverse"].contains(category) else { return await paramError("category invalid") }
        guard let symbol = q["symbol"], !symbol.isEmpty else { return await paramError("symbol is required") }
        guard symbol == symbol.uppercased() else { return await paramError("symbol must be upper-case") }
        let codes = ["1", "3", "5", "15", "30", "60", "120", "240", "360", "720", "D", "W", "M"]
        guard let interval = q["interval"], codes.contains(interval) else { return await paramError("intervalTime is invalid") }
        let limit = q["limit"].map { Int($0) ?? -1 } ?? 200
        guard (1...1000).contains(limit) else { return await paramError("limit must be in [1, 1000]") }
        let start = q["start"].flatMap { Int64($0) }
        let end = q["end"].flatMap { Int64($0) }
        if q["start"] != nil && start == nil { return await paramError("start invalid") }
        if q["end"] != nil && end == nil { return await paramError("end invalid") }

        var limitHeaders: HTTPFields = [:]
        if let gate = await state.admitToEndpoint(now: now) {
            limitHeaders[HTTPField.Name("X-Bapi-Limit")!] = String(gate.limit)
            limitHeaders[HTTPField.Name("X-Bapi-Limit-Status")!] = String(gate.remaining)
            limitHeaders[HTTPField.Name("X-Bapi-Limit-Reset-Timestamp")!] = String(gate.reset)
            if !gate.admitted {
                await state.record("/v5/market/kline", q, "10006")
                return envelope(retCode: 10006, retMsg: "Too many visits!", time: now, headers: limitHeaders)
            }
        }
        let fault = await state.nextKlineFault()
        switch fault {
        case .rateLimited(let after)?:
            await state.record("/v5/market/kline", q, "10006")
            return envelope(retCode: 10006, retMsg: "Too many visits!", time: now, headers: [
                HTTPField.Name("X-Bapi-Limit")!: "10", HTTPField.Name("X-Bapi-Limit-Status")!: "0",
                HTTPField.Name("X-Bapi-Limit-Reset-Timestamp")!: String(now + after),
            ])
        case .http429?:
            await state.record("/v5/market/kline", q, "429")
            return Response(status: .tooManyRequests)
        case .http403?:
            await state.record("/v5/market/kline", q, "403")
            return Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "access too frequent")))
        default: break
        }

        guard let (closed, open) = await state.candles(category: category, symbol: symbol, interval: interval) else {
            return await paramError("Not supported symbols")
        }
        var all = closed
        if let open { all.append(open) }
        // Inclusive start/end on startTime; with `end` (or neither) the newest `limit`, with only `start` the first `limit`.
        var selected = all.filter { bar in (start.map { bar.openTime >= $0 } ?? true) && (end.map { bar.openTime <= $0 } ?? true) }
        if start != nil && end == nil { selected = Array(selected.prefix(limit)) } else { selected = Array(selected.suffix(limit)) }
        let rows = selected.reversed().map { b in
            "[\"\(b.openTime)\",\"\(num(b.open))\",\"\(num(b.high))\",\"\(num(b.low))\",\"\(num(b.close))\",\"\(num(b.volume))\",\"\(num(b.volume * b.close))\"]"
        }
        let result = "{\"symbol\":\"\(symbol)\",\"category\":\"\(category)\",\"list\":[\(rows.joined(separator: ","))]}"
        if case .windowExhausted(let after)? = fault {
            limitHeaders[HTTPField.Name("X-Bapi-Limit")!] = "10"
            limitHeaders[HTTPField.Name("X-Bapi-Limit-Status")!] = "0"
            limitHeaders[HTTPField.Name("X-Bapi-Limit-Reset-Timestamp")!] = String(now + after)
        }
        var response = envelope(result: result, time: now, headers: limitHeaders)
        if fault == .dropConnection {
            await state.record("/v5/market/kline", q, "dropped")
            let bytes = Array(envelopeText(retCode: 0, retMsg: "OK", result: result, time: now).utf8)
            let half = ByteBuffer(bytes: bytes.prefix(bytes.count / 2))
            response.body = ResponseBody(contentLength: bytes.count) { writer in
                try await writer.write(half)
                throw FakeServerError.droppedOnPurpose
            }
            return response
        }
        await state.record("/v5/market/kline", q, "ok")
        return response
    }

    /// Bybit's auth order: unknown key → 10003, timestamp window → 10002, signature → 10004. Nil when valid.
    static func authenticate(_ request: Request, payload: String, state: FakeBybitState, now: Int64) async throws -> Response? {
        let h = request.headers
        let key = h[HTTPField.Name("X-BAPI-API-KEY")!] ?? ""
        let timestampText = h[HTTPField.Name("X-BAPI-TIMESTAMP")!] ?? ""
        let recvText = h[HTTPField.Name("X-BAPI-RECV-WINDOW")!] ?? "5000"
        let sign = h[HTTPField.Name("X-BAPI-SIGN")!] ?? ""
        guard let secret = await state.secret(for: key) else {
            var r = envelope(retCode: 10003, retMsg: "API key is invalid.", time: now)
            if await state.authErrorsAs401 { r.status = .unauthorized }
            return r
        }
        guard let ts = Int64(timestampText), let recv = Int64(recvText), now - recv <= ts, ts < now + 1000 else {
            return envelope(retCode: 10002, retMsg: "invalid request, please check your server timestamp or recv_window param. req_timestamp[\(timestampText)],server_timestamp[\(now)],recv_window[\(recvText)]", time: now)
        }
        let expected = Digest.hmacSHA256Hex(key: secret, message: "\(timestampText)\(key)\(recvText)\(payload)")
        guard expected == sign.lowercased() else {
            return envelope(retCode: 10004, retMsg: "error sign! origin_string[\(timestampText)\(key)\(recvText)\(payload)]", time: now)
        }
        return nil
    }

    static func num(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}

/// Why the fake server stopped serving.
public enum FakeServerError: Error {
    case didNotStart
    case droppedOnPurpose
}
