import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// Headless Chromium driven over the DevTools protocol, for tests and benchmarks that must see
/// what a user's browser sees: console errors, every request, the DOM and a screenshot.
public enum Chromium {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ d: String) { description = d }
    }

    /// The browser to run: `$CHROMIUM`, else the first of Debian's and the usual names on PATH.
    public static func executable() throws -> String {
        if let e = ProcessInfo.processInfo.environment["CHROMIUM"], !e.isEmpty { return e }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for dir in path where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        throw Failure("no Chromium found (set CHROMIUM or install Debian's chromium: `apt-get install chromium`; scripts/setup does it)")
    }

    /// Starts a headless browser, connects to it, runs `body`, and stops the browser.
    public static func with<T: Sendable>(width: Int = 1280, height: Int = 900, _ body: @escaping @Sendable (DevTools) async throws -> T) async throws -> T {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("mlbot-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio",
                             "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=\(profile.path)", "--window-size=\(width),\(height)", "about:blank"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        let portFile = profile.appendingPathComponent("DevToolsActivePort")
        var address: String?
        for _ in 0..<300 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8) {
                let lines = text.split(separator: "\n")
                if lines.count >= 2 { address = "ws://127.0.0.1:\(lines[0])\(lines[1])"; break }
            }
            guard process.isRunning else { throw Failure("Chromium exited at start (status \(process.terminationStatus))") }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard let address else { throw Failure("Chromium did not open its DevTools port within 30 s") }
        let result = Mutex<Result<T, any Error>?>(nil)
        try await WebSocketClient.connect(url: address, configuration: .init(maxFrameSize: 64 << 20), logger: Logger(label: "mlbot.chromium")) { inbound, outbound, _ in
            let tools = DevTools(outbound: outbound)
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await message in inbound.messages(maxSize: 64 << 20) {
                            if case .text(let text) = message { tools.receive(text) }
                        }
                    } catch {}
                    tools.closed()
                }
                do { let v = try await body(tools); result.withLock { $0 = .success(v) } }
                catch { result.withLock { $0 = .failure(error) } }
                _ = try? await tools.send("Browser.close")
                group.cancelAll()
            }
        }
        guard let r = result.withLock({ $0 }) else { throw Failure("the DevTools connection closed before the test ran") }
        return try r.get()
    }
}
