import Dispatch
import Foundation
import Logging
import Market
import PostgresNIO
import Synchronization

/// A connection pool to one PostgreSQL database, used from mlbot's synchronous repositories:
/// each call blocks its (non-cooperative) thread until the server answers.
public final class PostgresDatabase: Sendable {
    public let address: PostgresAddress
    let client: PostgresClient
    private let runner: Task<Void, Never>

    /// Connects (and checks the connection with one query, so a wrong address fails here with one line).
    public init(_ address: PostgresAddress, connectTimeout: Duration = .seconds(5)) throws {
        self.address = address
        var config = PostgresClient.Configuration(host: address.host, port: address.port, username: address.user, password: address.password,
                                                  database: address.database, tls: .disable)
        config.options.connectTimeout = connectTimeout
        config.options.maximumConnections = 8
        let client = PostgresClient(configuration: config, backgroundLogger: Logger(label: "mlbot.postgres", factory: { _ in SwiftLogNoOpLogHandler() }))
        self.client = client
        runner = Task(executorPreference: DispatchTaskExecutor.shared) { await client.run() }
        do {
            // The pool keeps retrying a refused connection; the first answer must come within the timeout.
            try Self.blocking {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask { _ = try await client.query("SELECT 1").collect(); return true }
                    group.addTask { try await Task.sleep(for: connectTimeout); return false }
                    let answered = try await group.next() ?? false
                    group.cancelAll()
                    if !answered { throw Failure(.internal, "no answer within \(connectTimeout) (is the server running and listening there?)") }
                }
            }
        } catch {
            runner.cancel()
            throw Failure(.internal, "cannot use \(address): \(Self.reason(error))")
        }
    }

    deinit { runner.cancel() }

    /// Runs `body` on a connection, inside a transaction.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) throws -> T {
        try described { try self.transactionRaw(body) }
    }

    func transactionRaw<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) throws -> T {
        try Self.blocking { [client] in
            try await client.withConnection { conn in
                _ = try await conn.query("BEGIN", logger: Self.quiet)
                do {
                    let out = try await body(conn)
                    _ = try await conn.query("COMMIT", logger: Self.quiet)
                    return out
                } catch {
                    _ = try? await conn.query("ROLLBACK", logger: Self.quiet)
                    throw error
                }
            }
        }
    }

    /// One statement outside a transaction, its rows collected.
    public func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        try described { try Self.blocking { [client] in try await client.query(query).collect() } }
    }

    /// A statement written out whole (no parameters), its rows dropped.
    func execute(_ sql: String) throws {
        _ = try rows(PostgresQuery(unsafeSQL: sql))
    }

    /// PSQLError hides the server's message from its description; mlbot's errors say it.
    func described<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as PSQLError { throw Failure(.internal, "\(address): \(Self.reason(e))") }
    }

    static let quiet = Logger(label: "mlbot.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Waits on a semaphore for async work. The work runs on Dispatch's threads, not Swift's
    /// cooperative pool: a caller blocking a pool thread (a test, a job) could otherwise leave
    /// none free for the work it waits on.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached(executorPreference: DispatchTaskExecutor.shared) {
            let r: Result<T, any Error>
            do { r = .success(try await body()) } catch { r = .failure(error) }
            result.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    /// The server's message (PSQLError's description hides it unless asked).
    static func reason(_ error: any Error) -> String {
        if let p = error as? PSQLError {
            if let m = p.serverInfo?[.message] { return m }
            if let u = p.underlying { return "\(u)" }
            return "\(p.code)"
        }
        return "\(error)"
    }
}

/// Runs a task's jobs on Dispatch's global queue (see `PostgresDatabase.blocking`).
final class DispatchTaskExecutor: TaskExecutor {
    static let shared = DispatchTaskExecutor()
    /// A queue of its own, not a global one: Dispatch adds threads to it when its threads block,
    /// where the global queues would wait for one to come free.
    private let queue = DispatchQueue(label: "mlbot.postgres", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        queue.async { unowned.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
