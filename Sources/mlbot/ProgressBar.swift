import Foundation

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar {
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let started = Date()
    private var drawn = false

    init(label: String) { self.label = label }

    func update(fraction: Double, detail: String) {
        guard isTerminal else { return }
        let f = min(1, max(0, fraction))
        let width = 30
        let filled = Int(f * Double(width))
        let elapsed = Date().timeIntervalSince(started)
        let eta = f > 0 ? elapsed * (1 - f) / f : 0
        let line = "\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
            + String(format: "%3.0f%%", f * 100) + "  \(detail)  ETA \(Self.duration(eta))\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// A message on its own line (retries, waits), shown on terminals and in logs alike.
    func note(_ message: String) {
        FileHandle.standardError.write(Data(((drawn ? "\n" : "") + message + "\n").utf8))
        drawn = false
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(String(format: "%02d", t / 60 % 60))m" : t >= 60 ? "\(t / 60)m\(String(format: "%02d", t % 60))s" : "\(t)s"
    }
}
