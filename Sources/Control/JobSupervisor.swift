import Engine
import Foundation
import Logging
import Market
import ServiceLifecycle
import Store
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs the jobs beside the bar loop: each due run (or one asked for through the control API) is
/// a child process (`mlbot jobs run NAME …` under `nice`), so a crash or a timeout in training
/// cannot take the loop down and the loop's cores are the kernel's first choice. At most one
/// child per job (a due run meanwhile is recorded as skipped); a child past the job's timeout is
/// sent SIGTERM, then SIGKILL, and its run is closed as timed out (the champion stays: a
/// promotion is one registry transaction at the end of a strategy's step). When a child ends the
/// service is told, and swaps a promoted model in at the next bar.
public final class JobSupervisor: Service, Sendable {
    /// How a child is started.
    public struct Launch: Sendable {
        /// The mlbot binary.
        public var executable: String
        /// Options given to every `jobs run` (database, config, folders).
        public var options: [String]
        /// Lower CPU priority for the child (0: none).
        public var niceness: Int
        /// Where each job's child writes its output (appended).
        public var logDirectory: String
        /// Time between SIGTERM and SIGKILL.
        public var killGraceMs: Int64

        public init(executable: String, options: [String], niceness: Int = 10, logDirectory: String, killGraceMs: Int64 = 5_000) {
            self.executable = executable; self.options = options; self.niceness = niceness; self.logDirectory = logDirectory; self.killGraceMs = killGraceMs
        }

        /// The whole command line of one run.
        func command(_ job: String, trigger: String, scheduledMs: Int64?, asOfMs: Int64?) -> [String] {
            var args = ["jobs", "run", job, "--trigger", trigger] + options
            if let scheduledMs { args += ["--scheduled", String(scheduledMs)] }
            if let asOfMs { args += ["--as-of", String(asOfMs)] }
            let nice = "/usr/bin/nice"
            if niceness > 0 && FileManager.default.isExecutableFile(atPath: nice) { return [nice, "-n", String(niceness), executable] + args }
            return [executable] + args
        }
    }

    /// A run the supervisor started.
    public struct Started: Sendable, Equatable {
        public let job: String
        public let pid: Int32
        public let trigger: String
        public let scheduledMs: Int64?
    }

    struct Child {
        let process: Process
        let job: JobFile
        let started: Started
        let startedMs: Int64
        var termSentMs: Int64?
    }

    private struct State {
        var scheduler: JobScheduler
        var children: [String: Child] = [:]
    }

    public let jobs: [JobFile]
    private let store: DataStore
    private let launch: Launch
    private let now: @Sendable () -> Int64
    private let asOf: @Sendable () -> Int64?
    private let onFinish: @Sendable (String, Int32) -> Void
    private let logger: Logger
    private let state: Mutex<State>

    /// `now` is wall time (injected); `asOf` the bar time the service has reached (nil: each
    /// symbol's newest bar), passed to the child so that it never trains past what the service
    /// has seen; `onFinish(job, exit status)` runs when a child ends (the service re-reads the
    /// registry).
    public init(jobs: [JobFile], store: DataStore, launch: Launch, startMs: Int64, now: @escaping @Sendable () -> Int64,
                asOf: @escaping @Sendable () -> Int64? = { nil }, onFinish: @escaping @Sendable (String, Int32) -> Void = { _, _ in },
                logger: Logger) throws {
        self.jobs = jobs; self.store = store; self.launch = launch; self.now = now; self.asOf = asOf; self.onFinish = onFinish; self.logger = logger
        var last: [String: Int64] = [:]
        for j in jobs { last[j.name] = try store.jobs.lastScheduled(job: j.name) }
        state = Mutex(State(scheduler: JobScheduler(jobs: jobs, lastScheduled: last, startMs: startMs)))
    }

    /// The jobs whose child is running now.
    public var running: [String] { state.withLock { $0.children.keys.sorted() } }

    /// Each job's next cron time.
    public func nextRuns() -> [(job: String, atMs: Int64?)] { state.withLock { $0.scheduler.next(after: now()) } }

    /// One pass: reap finished children, stop overdue ones, start the due runs.
    public func tick() throws {
        let t = now()
        var finished: [(String, Int32)] = []
        try state.withLock { s in
            for (name, var child) in s.children {
                if !child.process.isRunning {
                    child.process.waitUntilExit()
                    try close(child, status: child.process.terminationStatus, reason: child.process.terminationReason, at: t)
                    s.children[name] = nil
                    finished.append((name, child.process.terminationStatus))
                } else if let sent = child.termSentMs {
                    if t - sent >= launch.killGraceMs { kill(child.started.pid, SIGKILL) }
                } else if t - child.startedMs > child.job.timeoutMs {
                    logger.warning("job timed out; stopping it", metadata: ["job": "\(name)", "pid": "\(child.started.pid)", "timeout_s": "\(child.job.timeoutMs / 1000)"])
                    kill(child.started.pid, SIGTERM)
                    child.termSentMs = t
                    s.children[name] = child
                }
            }
            for due in s.scheduler.due(nowMs: t) {
                guard let job = jobs.first(where: { $0.name == due.job }) else { continue }
                if let busy = s.children[due.job] {
                    _ = try store.jobs.start(JobRunRow(job: due.job, trigger: due.trigger, scheduledMs: due.scheduledMs, startedMs: t, endedMs: t, status: "skipped",
                                                       detail: "the run started \(UTCTime.iso(busy.startedMs)) (pid \(busy.started.pid)) is still going"))
                    logger.notice("job skipped: one is running", metadata: ["job": "\(due.job)", "scheduled": "\(UTCTime.iso(due.scheduledMs))"])
                    continue
                }
                s.children[due.job] = try start(job, trigger: due.trigger, scheduledMs: due.scheduledMs, at: t)
            }
        }
        for (name, status) in finished { onFinish(name, status) }
    }

    /// Starts a run of `name` now (the control API's `jobs run`); a conflict if one is running.
    public func runNow(_ name: String) throws -> Started {
        guard let job = jobs.first(where: { $0.name == name }) else {
            throw Failure(.notFound, "no job '\(name)' in this service (jobs: \(jobs.map(\.name).joined(separator: ", ")))")
        }
        return try state.withLock { s in
            if let busy = s.children[name] {
                throw Failure(.conflict, "job \(name) is already running (pid \(busy.started.pid), since \(UTCTime.iso(busy.startedMs)))")
            }
            let child = try start(job, trigger: "manual", scheduledMs: nil, at: now())
            s.children[name] = child
            return child.started
        }
    }

    private func start(_ job: JobFile, trigger: String, scheduledMs: Int64?, at t: Int64) throws -> Child {
        let command = launch.command(job.name, trigger: trigger, scheduledMs: scheduledMs, asOfMs: asOf())
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        let logPath = URL(fileURLWithPath: launch.logDirectory).appendingPathComponent("job-\(job.name).log").path
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            throw Failure(.internal, "cannot start job \(job.name) (\(command.joined(separator: " "))): \(error)")
        }
        try? log.close()
        let started = Started(job: job.name, pid: p.processIdentifier, trigger: trigger, scheduledMs: scheduledMs)
        logger.notice("job started", metadata: ["job": "\(job.name)", "pid": "\(p.processIdentifier)", "trigger": "\(trigger)",
                                                "scheduled": "\(scheduledMs.map(UTCTime.iso) ?? "-")", "log": "\(logPath)"])
        return Child(process: p, job: job, started: started, startedMs: t)
    }

    /// A child ended: its run is closed by the child itself unless it was stopped or died first.
    private func close(_ child: Child, status: Int32, reason: Process.TerminationReason, at t: Int64) throws {
        let open = try store.jobs.running(job: child.job.name).filter { $0.pid == Int64(child.started.pid) }
        let killed = child.termSentMs != nil
        let how = reason == .uncaughtSignal ? "was killed by signal \(status)" : "exited with status \(status)"
        if open.isEmpty && !killed {
            logger.notice("job finished", metadata: ["job": "\(child.job.name)", "pid": "\(child.started.pid)", "status": "\(status)"])
            return
        }
        let detail = killed ? "stopped at the job's timeout of \(child.job.timeoutMs / 1000) s (it \(how)); the champion stays" : "its process \(how) before finishing"
        if open.isEmpty {
            // Stopped before it could record its run.
            _ = try store.jobs.start(JobRunRow(job: child.job.name, trigger: child.started.trigger, scheduledMs: child.started.scheduledMs, startedMs: child.startedMs,
                                               endedMs: t, status: killed ? "timed_out" : "failed", pid: Int64(child.started.pid), detail: detail))
        }
        for run in open { try store.jobs.finish(run.id!, status: killed ? "timed_out" : "failed", endedMs: t, detail: detail, outcomes: []) }
        logger.warning("job \(killed ? "timed out" : "failed")", metadata: ["job": "\(child.job.name)", "pid": "\(child.started.pid)", "detail": "\(detail)"])
    }

    /// Stops every child (the service is stopping); their runs are closed as failed.
    public func stopAll() {
        let children = state.withLock { s -> [Child] in let c = Array(s.children.values); s.children = [:]; return c }
        for c in children {
            kill(c.started.pid, SIGTERM)
            c.process.waitUntilExit()
            try? close(Child(process: c.process, job: c.job, started: c.started, startedMs: c.startedMs, termSentMs: nil), status: c.process.terminationStatus,
                       reason: c.process.terminationReason, at: now())
        }
    }

    /// Ticks once a second until the service group shuts down.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try tick() } catch { logger.error("job scheduler", metadata: ["error": "\(error)"]) }
            try? await Task.sleep(for: .seconds(1))
        }
        stopAll()
    }
}
