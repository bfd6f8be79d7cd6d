import Foundation
import Market
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One service per database: an exclusive `flock` on `<database>.serve.lock`, held for the
/// process's lifetime (the kernel drops it when the process dies, even by `kill -9`), with the
/// holder's pid written inside so a second start can say who holds it. A scheduled job holds
/// `<database>.job-NAME.lock` the same way, so two runs of one job never overlap.
public final class ServiceLock {
    public let path: String
    private let fd: Int32

    /// `what` names the holder in the refusal ("mlbot serve", "job nightly-retrain").
    public init(database: String, purpose: String = "serve", what: String = "mlbot serve") throws {
        path = database + ".\(purpose).lock"
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw Failure(.internal, "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw Failure(.conflict, "another \(what) (pid \(holder.isEmpty ? "unknown" : holder)) is running on \(database); wait for it or stop it first (lock \(path))")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        self.fd = fd
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
