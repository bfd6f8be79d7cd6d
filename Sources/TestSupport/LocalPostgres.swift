import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of the test process's own: `initdb` and `pg_ctl` (Debian's `postgresql`)
/// in a temporary folder, listening on a free loopback port, trust authentication for one user,
/// stopped when the process exits. A missing server is an error, never a skip. Each test takes a
/// database of its own with `database()`.
public final class LocalPostgres: Sendable {
    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public let port: Int
    public let user = "mlbot"
    let dataDirectory: String
    let bin: String

    /// The one server of this test process, started on first use.
    public static func shared() throws -> LocalPostgres { try started.get() }
    private static let started: Result<LocalPostgres, any Error> = Result {
        let server = try LocalPostgres()
        atexit { try? LocalPostgres.started.get().stop() }
        return server
    }

    /// A new empty database's URL (no password: the server trusts loopback connections).
    public func database(_ label: String = "t") throws -> String {
        let name = "\(label)_\(UUID().uuidString.prefix(8).lowercased())".filter { $0.isLetter || $0.isNumber || $0 == "_" }
        try run(bin + "/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE \(name)"])
        return "postgres://\(user)@127.0.0.1:\(port)/\(name)"
    }

    init() throws {
        let candidates = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        guard let bin = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }) else {
            throw Failure(description: "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql; .ci/run and scripts/setup do)")
        }
        self.bin = bin
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mlbot-pg-\(getpid())-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        dataDirectory = root + "/data"
        // PostgreSQL refuses to run as root: as root, the server runs as the postgres account.
        if geteuid() == 0 {
            guard let pw = getpwnam("postgres") else { throw Failure(description: "running as root and there is no postgres account to run the server as") }
            chown(root, pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        try Self.run(bin + "/initdb", ["-D", dataDirectory, "-A", "trust", "-U", "mlbot", "-E", "UTF8", "--no-sync", "--no-instructions"], asServer: true)
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = try Self.freePort()
            do {
                try Self.run(bin + "/pg_ctl", ["-D", dataDirectory, "-w", "-t", "30", "-l", root + "/server.log", "-o",
                                               "-c listen_addresses=127.0.0.1 -p \(port) -k \(root) -c fsync=off -c synchronous_commit=off -c max_connections=100", "start"],
                             asServer: true)
                self.port = port
                return
            } catch { lastError = error }
        }
        throw lastError ?? Failure(description: "the PostgreSQL server did not start")
    }

    func stop() {
        try? Self.run(bin + "/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], asServer: true)
        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
    }

    func run(_ tool: String, _ args: [String]) throws { try Self.run(tool, args, asServer: false) }

    /// Runs a PostgreSQL tool to its end with posix_spawn and waitpid. Not Foundation's Process:
    /// it notices a child's exit through a descriptor the child inherits, and the server that
    /// `pg_ctl start` leaves running would hold that open (the wait would last as long as the
    /// server). Every descriptor above stderr is closed in the child for the same reason.
    static func run(_ tool: String, _ args: [String], asServer: Bool) throws {
        let argv = (asServer && geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] : [tool]) + args
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("mlbot-pg-err-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // glibc ≥ 2.34 has it, but its header hides it from Swift without _GNU_SOURCE.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure(description: "this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later is needed)")
        }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        var cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
        guard rc == 0 else { throw Failure(description: "could not start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let text = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            throw Failure(description: "\((tool as NSString).lastPathComponent) \(args.joined(separator: " ")) exited \(exited ? code : -1): \(text)")
        }
    }

    /// A loopback port nothing listens on now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 } }
        guard bound else { throw Failure(description: "could not find a free loopback port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
