import Foundation
import Synchronization

/// Paths and helpers the test targets share.
public enum Fixtures {
    /// The repository root (two levels above `Sources/TestSupport`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the repository: reference material and real candle sets.
    public static let shared: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// A file under `../shared`, or nil when the folder is not there (tests then skip with a message).
    public static func sharedFile(_ relative: String) -> URL? {
        let url = shared.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// A fresh empty directory under the system temp dir.
    public static func temporaryDirectory(_ label: String = "mlbot-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a new file in `dir` and returns its path.
    public static func write(_ text: String, named name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

/// Runs blocking work (libcurl, SQLite) on its own thread so it never starves the small
/// Swift-concurrency pool that the in-process fake server also needs.
public func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Waits a client asked for, recorded instead of slept (thread-safe).
public final class SleepLog: Sendable {
    private let box = Mutex<[Double]>([])
    public init() {}
    public func add(_ w: Double) { box.withLock { $0.append(w) } }
    public var waits: [Double] { box.withLock { $0 } }
}

/// The error `body` throws, if it is of type `E` (nil when it succeeds).
public func caught<E: Error>(_ type: E.Type, _ body: () throws -> Void) rethrows -> E? {
    do { try body() } catch let e as E { return e }
    return nil
}
