import Foundation

/// One tab: opened on a URL, with what it logged and requested, its script answers and a screenshot.
public struct BrowserPage: Sendable {
    public let tools: DevTools
    public let session: String
    public let target: String

    /// A new tab (with `beforeLoad` run in every document before its own scripts), navigated to `url`.
    public static func open(_ url: String, in tools: DevTools, width: Int = 1280, height: Int = 900, beforeLoad: String? = nil) async throws -> BrowserPage {
        let target = try await tools.send("Target.createTarget", ["url": "about:blank"])
        guard let id = target["targetId"] as? String else { throw Chromium.Failure("Target.createTarget gave no targetId") }
        let attached = try await tools.send("Target.attachToTarget", ["targetId": id, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw Chromium.Failure("Target.attachToTarget gave no sessionId") }
        let page = BrowserPage(tools: tools, session: session, target: id)
        for domain in ["Runtime", "Log", "Network", "Page"] { try await tools.send("\(domain).enable", session: session) }
        try await tools.send("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false], session: session)
        if let beforeLoad { try await tools.send("Page.addScriptToEvaluateOnNewDocument", ["source": beforeLoad], session: session) }
        try await tools.send("Page.navigate", ["url": url], session: session)
        return page
    }

    /// Closes the tab.
    public func close() async throws { try await tools.send("Target.closeTarget", ["targetId": target]) }

    /// Runs `expression` (awaiting a promise) and returns its value as JSON-compatible data.
    public func evaluate(_ expression: String) async throws -> Any? {
        let r = try await tools.send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true], session: session)
        if let e = r["exceptionDetails"] as? [String: Any] { throw Chromium.Failure("script failed: \(e["text"] ?? e) in \(expression)") }
        return (r["result"] as? [String: Any])?["value"]
    }

    /// Polls `condition` (a boolean expression) until it holds; false after `timeout`.
    public func wait(for condition: String, timeout: Duration = .seconds(20)) async throws -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if (try? await evaluate(condition)) as? Bool == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Console errors, uncaught exceptions and error log entries of this tab so far.
    public var errors: [String] {
        tools.events.filter { ($0["sessionId"] as? String) == session }.compactMap { e -> String? in
            let params = e["params"] as? [String: Any] ?? [:]
            switch e["method"] as? String {
            case "Runtime.consoleAPICalled" where params["type"] as? String == "error":
                return "console.error: \((params["args"] as? [[String: Any]])?.compactMap { $0["value"] ?? $0["description"] }.map { "\($0)" }.joined(separator: " ") ?? "")"
            case "Runtime.exceptionThrown":
                let d = params["exceptionDetails"] as? [String: Any]
                return "exception: \((d?["exception"] as? [String: Any])?["description"] ?? d?["text"] ?? "?")"
            case "Log.entryAdded":
                let entry = params["entry"] as? [String: Any]
                return entry?["level"] as? String == "error" ? "log: \(entry?["text"] ?? "") \(entry?["url"] ?? "")" : nil
            default: return nil
            }
        }
    }

    /// Every URL this tab requested so far.
    public var requests: [String] {
        tools.events.filter { ($0["sessionId"] as? String) == session && ($0["method"] as? String) == "Network.requestWillBeSent" }
            .compactMap { (($0["params"] as? [String: Any])?["request"] as? [String: Any])?["url"] as? String }
    }

    /// A PNG of the whole page.
    public func screenshot(to path: String) async throws {
        let r = try await tools.send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], session: session)
        guard let b64 = r["data"] as? String, let data = Data(base64Encoded: b64) else { throw Chromium.Failure("Page.captureScreenshot gave no image") }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
