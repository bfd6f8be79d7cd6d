import Foundation
import Market

/// Bybit V5 public market data over libcurl, with the documented rate-limit handling:
/// waits on retCode 10006 until `X-Bapi-Limit-Reset-Timestamp`, backs off on HTTP 429 and 5xx,
/// waits out an HTTP 403 IP ban, retries dropped connections and truncated bodies, and pauses
/// before a request when the previous one reported no requests left in the window.
public final class BybitMarketClient {
    public let baseURL: String
    public var retry: RetryPolicy
    public var onEvent: (ClientEvent) -> Void
    /// Rate-limit headers of the last response that carried them.
    public private(set) var lastRateLimit: RateLimitStatus?
    private var lastServerTime: Int64?
    private let http: HTTPClient

    public init(baseURL: String, retry: RetryPolicy = RetryPolicy(), timeout: TimeInterval = 30,
                onEvent: @escaping (ClientEvent) -> Void = { _ in }) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.retry = retry
        self.onEvent = onEvent
        self.http = HTTPClient(timeout: timeout)
    }

    /// Server time in epoch ms (GET /v5/market/time).
    public func serverTime() throws -> Int64 {
        let (_, time) = try get("/v5/market/time", query: [], decode: TimeResult.self)
        return time
    }

    /// Klines with start ≤ startTime ≤ end (both inclusive, epoch ms), returned oldest first.
    /// Bybit sends them newest first; at most `limit` (≤ 1000) per call.
    public func klines(category: String, symbol: Symbol, interval: Interval, start: Int64, end: Int64, limit: Int = 1000) throws -> [Bar] {
        let path = "/v5/market/kline"
        let (result, _) = try get(path, query: [
            ("category", category), ("symbol", symbol.name), ("interval", interval.bybitCode),
            ("start", String(start)), ("end", String(end)), ("limit", String(limit)),
        ], decode: KlineResult.self)
        var bars: [Bar] = []
        bars.reserveCapacity(result.list.count)
        for (i, row) in result.list.enumerated().reversed() {
            guard row.count >= 6, let t = Int64(row[0]), let o = Double(row[1]), let h = Double(row[2]),
                  let l = Double(row[3]), let c = Double(row[4]), let v = Double(row[5])
            else {
                throw BybitError.malformed(path: path, detail: "result.list[\(i)] is not [startTime, open, high, low, close, volume, turnover] as strings: \(row)")
            }
            bars.append(Bar(openTime: t, open: o, high: h, low: l, close: c, volume: v))
        }
        return bars
    }

    /// One GET with retries; returns the decoded `result` and the envelope's server time.
    func get<R: Decodable>(_ path: String, query: [(String, String)], decode: R.Type) throws -> (R, Int64) {
        let queryString = query.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        let url = baseURL + path + (queryString.isEmpty ? "" : "?" + queryString)
        var lastReason = ""
        for attempt in 1...max(1, retry.maxAttempts) {
            if attempt > 1 || lastRateLimit != nil { throttleIfExhausted() }
            let response: HTTPResponse
            do {
                response = try http.send(url: url)
            } catch let e as TransportError {
                lastReason = e.description
                pause(attempt: attempt, reason: lastReason, wait: retry.backoff(attempt: attempt))
                continue
            }
            let rate = RateLimitStatus(response)
            if rate.remaining != nil || rate.resetTimestamp != nil { lastRateLimit = rate }
            switch response.status {
            case 200:
                let envelope: Envelope<Ignored>
                do {
                    envelope = try JSONDecoder().decode(Envelope<Ignored>.self, from: Data(response.body))
                } catch {
                    lastReason = "HTTP 200 with a body that is not a complete Bybit envelope (\(response.body.count) bytes)"
                    pause(attempt: attempt, reason: lastReason, wait: retry.backoff(attempt: attempt))
                    continue
                }
                if let t = envelope.time { lastServerTime = t }
                switch envelope.retCode {
                case 0:
                    do {
                        let full = try JSONDecoder().decode(Envelope<R>.self, from: Data(response.body))
                        guard let result = full.result else { throw BybitError.malformed(path: path, detail: "missing result") }
                        return (result, full.time ?? 0)
                    } catch let e as DecodingError {
                        throw BybitError.malformed(path: path, detail: Self.describe(e))
                    }
                case 10006:
                    lastReason = "retCode 10006 \(envelope.retMsg)"
                    pause(attempt: attempt, reason: lastReason, wait: resetWait(rate, serverTime: envelope.time, attempt: attempt))
                    lastRateLimit = nil  // that wait already ran to the reset
                case 10000, 10016:
                    lastReason = "retCode \(envelope.retCode) \(envelope.retMsg)"
                    pause(attempt: attempt, reason: lastReason, wait: retry.backoff(attempt: attempt))
                default:
                    throw BybitError.api(path: path, retCode: envelope.retCode, retMsg: envelope.retMsg)
                }
            case 429, 500...599:
                lastReason = "HTTP \(response.status)"
                pause(attempt: attempt, reason: lastReason, wait: retry.backoff(attempt: attempt))
            case 403:
                lastReason = "HTTP 403 (IP rate limit: access too frequent)"
                pause(attempt: attempt, reason: lastReason, wait: retry.ipBanDelay)
            default:
                throw BybitError.http(path: path, status: response.status, body: String(decoding: response.body, as: UTF8.self))
            }
        }
        throw BybitError.gaveUp(path: path, attempts: retry.maxAttempts, lastReason: lastReason)
    }

    private func pause(attempt: Int, reason: String, wait: Double) {
        guard attempt < retry.maxAttempts else { return }
        onEvent(.retrying(attempt: attempt, reason: reason, wait: wait))
        retry.sleep(wait)
    }

    /// Time until the window resets, measured on the server's clock so local skew does not matter.
    private func resetWait(_ rate: RateLimitStatus, serverTime: Int64?, attempt: Int) -> Double {
        if let reset = rate.resetTimestamp, let now = serverTime ?? lastServerTime, reset > now {
            return min(retry.maxResetWait, Double(reset - now) / 1000)
        }
        return retry.backoff(attempt: attempt)
    }

    private func throttleIfExhausted() {
        guard let rate = lastRateLimit, rate.remaining == 0, let reset = rate.resetTimestamp,
              let now = lastServerTime, reset > now else { return }
        let wait = min(retry.maxResetWait, Double(reset - now) / 1000)
        onEvent(.throttled(wait: wait))
        retry.sleep(wait)
        lastRateLimit = nil
    }

    static func percentEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            c.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch e {
        case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c):
            return "\(path(c.codingPath)): \(c.debugDescription)"
        case let .keyNotFound(k, c):
            return "\(path(c.codingPath + [k])): missing"
        @unknown default:
            return "\(e)"
        }
    }
}

struct Envelope<R: Decodable>: Decodable {
    let retCode: Int
    let retMsg: String
    let result: R?
    let time: Int64?
}

struct Ignored: Decodable {
    init(from decoder: Decoder) throws {}
}

struct TimeResult: Decodable {
    let timeSecond: String
}

struct KlineResult: Decodable {
    let list: [[String]]
}
