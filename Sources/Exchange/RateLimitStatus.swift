/// Bybit's `X-Bapi-Limit*` response headers.
public struct RateLimitStatus: Sendable, Equatable {
    public let limit: Int?
    public let remaining: Int?
    /// Epoch ms at which the window resets.
    public let resetTimestamp: Int64?

    public init(limit: Int?, remaining: Int?, resetTimestamp: Int64?) {
        self.limit = limit
        self.remaining = remaining
        self.resetTimestamp = resetTimestamp
    }

    init(_ response: HTTPResponse) {
        limit = response.header("x-bapi-limit").flatMap { Int($0) }
        remaining = response.header("x-bapi-limit-status").flatMap { Int($0) }
        resetTimestamp = response.header("x-bapi-limit-reset-timestamp").flatMap { Int64($0) }
    }
}
