import Foundation
import Market
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One service per database: an exclusive `flock` on `<database>.serve.lock`, held for the
/// process's lifetime (the kernel drops it when the process dies, even by `kill -9`), with the
/// holder's pid written inside so a second start can say who holds it.
public final class ServiceLock {
    public let path: String
    private let fd: Int32

    public init(database: String) throws {
        path = database + ".serve.lock"
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw Failure(.internal, "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw Failure(.conflict, "another mlbot serve (pid \(holder.isEmpty ? "unknown" : holder)) is running on \(database); stop it first (lock \(path))")
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
