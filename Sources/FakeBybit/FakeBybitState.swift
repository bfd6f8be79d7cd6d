import Foundation
import Market

/// A misbehaviour the fake server can be told to show on a given kline request.
public enum FakeFault: Sendable, Equatable {
    /// retCode 10006 "Too many visits!" with X-Bapi-Limit-Status 0 and a reset time `resetAfterMs` ahead.
    case rateLimited(resetAfterMs: Int64)
    /// Answers normally but reports the window used up (`X-Bapi-Limit-Status: 0`) until `resetAfterMs` from now.
    case windowExhausted(resetAfterMs: Int64)
    /// HTTP 429 (system-level protection).
    case http429
    /// HTTP 403 (IP rate limit: "access too frequent").
    case http403
    /// Sends the headers and part of the body, then closes the connection.
    case dropConnection
}

/// One request as the fake server saw it.
public struct FakeRequestRecord: Sendable {
    public let path: String
    public let query: [String: String]
    public let answered: String
}

/// What the fake server holds and how it should misbehave; shared by all handlers.
public actor FakeBybitState {
    struct Key: Hashable { let category: String, symbol: String, interval: String }

    private var klines: [Key: [Bar]] = [:]
    private var openCandles: [Key: Bar] = [:]
    private var faults: [Int: FakeFault] = [:]
    private var klineRequests = 0
    public private(set) var log: [FakeRequestRecord] = []
    /// Accounts for signed endpoints: api key → secret.
    private var accounts: [String: String] = [:]
    /// Answer auth failures (10003) with HTTP 401 instead of 200 (Bybit's status there is unverified).
    public var authErrorsAs401 = false
    /// Per-IP limit of the documented 600 requests per 5 s window (HTTP 403 when exceeded).
    public var ipLimit: (requests: Int, windowMs: Int64) = (600, 5000)
    private var ipWindow: [Int64] = []
    /// A per-endpoint rolling-window limit with `X-Bapi-Limit*` headers (off unless set).
    private var endpointLimit: (requests: Int, windowMs: Int64)?
    private var endpointWindow: [Int64] = []

    /// A fixed server clock (epoch ms); nil follows the real clock.
    private var fixedNow: Int64?

    /// What GET /v5/market/instruments-info lists per category.
    private var instruments: [String: [FakeInstrument]] = ["linear": FakeInstrument.linearDefaults]

    /// The public WebSocket's connections, subscriptions and faults.
    public let stream = FakeStreamState()

    public init() {}

    public func setInstruments(_ list: [FakeInstrument], category: String = "linear") { instruments[category] = list }

    func instrumentList(category: String) -> [FakeInstrument] { instruments[category] ?? [] }

    public func setClock(_ now: Int64?) { fixedNow = now }

    func now() -> Int64 { fixedNow ?? Int64(Date().timeIntervalSince1970 * 1000) }

    /// Serves `bars` (closed candles, oldest first) for the key.
    public func setKlines(_ bars: [Bar], category: String = "linear", symbol: String, interval: String) {
        klines[Key(category: category, symbol: symbol, interval: interval)] = bars
    }

    /// A still-forming candle shown as the newest one.
    public func setOpenCandle(_ bar: Bar?, category: String = "linear", symbol: String, interval: String) {
        openCandles[Key(category: category, symbol: symbol, interval: interval)] = bar
    }

    /// Makes the n-th kline request (1-based, counted from now on) misbehave.
    public func scheduleFault(_ fault: FakeFault, onKlineRequest n: Int) {
        faults[klineRequests + n] = fault
    }

    public func addAccount(apiKey: String, secret: String) { accounts[apiKey] = secret }
    public func setAuthErrorsAs401(_ on: Bool) { authErrorsAs401 = on }
    public func setIPLimit(requests: Int, windowMs: Int64) { ipLimit = (requests, windowMs) }

    public func setEndpointLimit(requests: Int, windowMs: Int64) { endpointLimit = (requests, windowMs) }

    /// Applies the endpoint limit: nil when off, else (admitted, limit, remaining, reset timestamp).
    /// As documented, the reset timestamp is ≈ now unless the limit was exceeded.
    func admitToEndpoint(now: Int64) -> (admitted: Bool, limit: Int, remaining: Int, reset: Int64)? {
        guard let l = endpointLimit else { return nil }
        endpointWindow.removeAll { $0 <= now - l.windowMs }
        if endpointWindow.count >= l.requests {
            return (false, l.requests, 0, endpointWindow[0] + l.windowMs)
        }
        endpointWindow.append(now)
        return (true, l.requests, l.requests - endpointWindow.count, now)
    }

    func secret(for key: String) -> String? { accounts[key] }

    public var klineRequestCount: Int { klineRequests }

    func nextKlineFault() -> FakeFault? {
        klineRequests += 1
        return faults.removeValue(forKey: klineRequests)
    }

    /// Counts a request against the IP window; false when it breaches the limit.
    func admitFromIP(now: Int64) -> Bool {
        ipWindow.removeAll { $0 <= now - ipLimit.windowMs }
        guard ipWindow.count < ipLimit.requests else { return false }
        ipWindow.append(now)
        return true
    }

    func record(_ path: String, _ query: [String: String], _ answered: String) {
        log.append(FakeRequestRecord(path: path, query: query, answered: answered))
    }

    func candles(category: String, symbol: String, interval: String) -> (closed: [Bar], open: Bar?)? {
        let k = Key(category: category, symbol: symbol, interval: interval)
        guard let closed = klines[k] else { return nil }
        return (closed, openCandles[k])
    }
}
