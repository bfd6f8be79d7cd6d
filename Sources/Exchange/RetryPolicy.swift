import Foundation

/// How a Bybit client waits and retries: exponential back-off for transient failures, the
/// documented waits for rate limits. `sleep` is injectable so tests run without waiting.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Wait after HTTP 403 (Bybit bans an IP for at least 10 minutes after breaching its limit).
    public var ipBanDelay: Double
    /// Longest wait honoured from an `X-Bapi-Limit-Reset-Timestamp` header.
    public var maxResetWait: Double
    public var sleep: @Sendable (Double) -> Void

    public init(maxAttempts: Int = 8, baseDelay: Double = 0.5, maxDelay: Double = 30, ipBanDelay: Double = 600,
                maxResetWait: Double = 60, sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.ipBanDelay = ipBanDelay
        self.maxResetWait = maxResetWait
        self.sleep = sleep
    }

    /// Back-off before retry number `attempt` (1-based).
    public func backoff(attempt: Int) -> Double {
        min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
    }
}

/// Something a client did that the user should see (retries and waits).
public enum ClientEvent: Sendable, Equatable {
    case retrying(attempt: Int, reason: String, wait: Double)
    case throttled(wait: Double)
}
