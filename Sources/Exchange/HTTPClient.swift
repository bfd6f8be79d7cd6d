import Market
import CCurl
import Foundation

/// A received HTTP response; header names are lower-cased.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: [UInt8]

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A request that never produced a complete response (refused, dropped mid-body, timed out…).
public struct TransportError: KindedError, Sendable {
    public var kind: ErrorKind { .internal }
    public let url: String
    public let curlCode: Int
    public let message: String
    public var description: String { "\(url): \(message) (curl error \(curlCode))" }
}

/// curl_global_init must run once, before any other thread uses libcurl.
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// A blocking HTTP/1.1 client over one libcurl easy handle (connections are kept alive between calls).
/// One owner at a time: it is not thread-safe, like the handle it wraps.
public final class HTTPClient {
    private let handle: UnsafeMutableRawPointer
    public let timeout: TimeInterval
    public let userAgent: String

    public init(timeout: TimeInterval = 30, userAgent: String = "mlbot/0.1") {
        precondition(curlGlobalInit == CURLE_OK, "curl_global_init failed")
        guard let h = curl_easy_init() else { fatalError("curl_easy_init returned NULL (out of memory)") }
        handle = h
        self.timeout = timeout
        self.userAgent = userAgent
    }

    deinit { curl_easy_cleanup(handle) }

    /// Performs one request; HTTP error statuses are returned, transport failures thrown.
    public func send(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> HTTPResponse {
        curl_easy_reset(handle)
        let sink = ResponseSink()
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for (k, v) in headers { list = curl_slist_append(list, "\(k): \(v)") }
        defer { curl_slist_free_all(list) }

        _ = ccurl_setopt_string(handle, CURLOPT_URL, url)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout, 10) * 1000))
        _ = ccurl_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
        _ = ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        _ = ccurl_setopt_write_function(handle) { ptr, size, count, ctx in
            let sink = Unmanaged<ResponseSink>.fromOpaque(ctx!).takeUnretainedValue()
            let n = size * count
            if let ptr { sink.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n)) }
            return n
        }
        _ = ccurl_setopt_header_function(handle) { ptr, size, count, ctx in
            let sink = Unmanaged<ResponseSink>.fromOpaque(ctx!).takeUnretainedValue()
            let n = size * count
            if let ptr { sink.headerLine(String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)) }
            return n
        }

        let code: CURLcode = withExtendedLifetime(sink) {
            if let body {
                return body.withUnsafeBufferPointer { buf -> CURLcode in
                    _ = ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, buf.count)
                    _ = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: buf.baseAddress))
                    return curl_easy_perform(handle)
                }
            }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            throw TransportError(url: url, curlCode: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }
}

private final class ResponseSink {
    var body: [UInt8] = []
    var headers: [String: String] = [:]

    func headerLine(_ line: String) {
        if line.hasPrefix("HTTP/") { headers = [:]; return }  // a new response (after 100-continue or a redirect)
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        headers[name] = value
    }
}
