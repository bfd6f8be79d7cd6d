import Hashing

/// Signs Bybit V5 private REST requests: HMAC-SHA256 over timestamp + key + recvWindow + payload.
public struct BybitSigner: Sendable {
    public let apiKey: String
    private let apiSecret: String
    public let recvWindow: Int

    public init(apiKey: String, apiSecret: String, recvWindow: Int = 5000) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.recvWindow = recvWindow
    }

    /// The exact string Bybit signs. `payload` is the raw query (GET) or the raw JSON body (POST).
    public func stringToSign(timestamp: Int64, payload: String) -> String {
        "\(timestamp)\(apiKey)\(recvWindow)\(payload)"
    }

    /// Lowercase hex signature.
    public func signature(timestamp: Int64, payload: String) -> String {
        Digest.hmacSHA256Hex(key: apiSecret, message: stringToSign(timestamp: timestamp, payload: payload))
    }

    /// The authentication headers for one request.
    public func headers(timestamp: Int64, payload: String) -> [(String, String)] {
        [
            ("X-BAPI-API-KEY", apiKey),
            ("X-BAPI-TIMESTAMP", String(timestamp)),
            ("X-BAPI-RECV-WINDOW", String(recvWindow)),
            ("X-BAPI-SIGN", signature(timestamp: timestamp, payload: payload)),
            ("X-BAPI-SIGN-TYPE", "2"),
        ]
    }

    /// Signature for private WebSocket auth: HMAC over "GET/realtime" + expires.
    public func webSocketSignature(expires: Int64) -> String {
        Digest.hmacSHA256Hex(key: apiSecret, message: "GET/realtime\(expires)")
    }
}
