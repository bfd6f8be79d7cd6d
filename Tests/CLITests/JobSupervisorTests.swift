import Control
import Engine
import Foundation
import Logging
import Market
import Store
import Synchronization
import TestSupport
import Testing

/// The service's job supervisor on an injected clock (no sleeping to wait for a minute): it
/// starts a real `mlbot jobs run` child at the cron minute, catches up after downtime, records a
/// due run as skipped while one is running, and stops a child past the job's timeout.
@Suite(.serialized) struct JobSupervisorTests {
    final class TestClock: Sendable {
        let ms: Atomic<Int64>
        init(_ iso: String) { ms = Atomic(try! UTCTime.parse(iso)) }
        func set(_ iso: String) { ms.store(try! UTCTime.parse(iso), ordering: .relaxed) }
        var now: Int64 { ms.load(ordering: .relaxed) }
    }

    final class Statuses: Sendable { let list = Mutex<[Int32]>([]) }

    static func supervisor(_ w: (dir: URL, db: String, common: [String]), executable: String, clock: TestClock, yaml: String? = nil,
                           finished: Statuses = Statuses()) throws -> (JobSupervisor, DataStore) {
        let jobsDir = w.dir.appendingPathComponent("jobs")
        if let yaml { _ = try Fixtures.write(yaml, named: "nightly.yaml", in: jobsDir) }
        let store = try DataStore(path: w.db, mustExist: true)
        let launch = JobSupervisor.Launch(executable: executable,
                                          options: ["--db", w.db, "--jobs-dir", jobsDir.path, "--features-dir", CLIServeTests.features],
                                          logDirectory: w.dir.path, killGraceMs: 2_000)
        let s = try JobSupervisor(jobs: try JobFile.all(directory: jobsDir.path), store: store, launch: launch, startMs: clock.now, now: { clock.now },
                                  onFinish: { _, status in finished.list.withLock { $0.append(status) } }, logger: Logger(label: "test"))
        return (s, store)
    }

    /// Ticks until no child runs, the injected clock moving as real time does.
    static func drain(_ s: JobSupervisor, _ clock: TestClock) async throws {
        for _ in 0..<600 where !s.running.isEmpty {
            try await Task.sleep(nanoseconds: 50_000_000)
            clock.ms.add(50, ordering: .relaxed)
            try s.tick()
        }
    }

    @Test func theChildStartsAtTheCronMinuteAndItsPromotionIsRecorded() async throws {
        let w = try CLIJobsTests.workspace("supervisor-cron")
        let clock = TestClock("2026-03-01T01:59:00Z")
        let finished = Statuses()
        let (s, store) = try Self.supervisor(w, executable: CLI.binary.path, clock: clock, finished: finished)
        try s.tick()
        #expect(try s.running.isEmpty && store.jobs.runs(job: nil).isEmpty, "not before 02:00")
        clock.set("2026-03-01T02:00:05Z")
        try s.tick()
        #expect(s.running == ["nightly"])
        try await Self.drain(s, clock)
        let runs = try store.jobs.runs(job: "nightly")
        #expect(try runs.count == 1 && runs[0].trigger == "schedule" && runs[0].scheduledMs == UTCTime.parse("2026-03-01T02:00:00Z"), "\(runs)")
        #expect(runs.first?.status == "succeeded", "\(runs.first?.detail ?? "") — log: \((try? String(contentsOf: w.dir.appendingPathComponent("job-nightly.log"), encoding: .utf8)) ?? "")")
        #expect(try store.jobs.outcomes(run: runs[0].id!).map { $0.outcome } == ["promoted"])
        #expect(finished.list.withLock { $0 } == [0], "the service is told when a child ends")
        clock.set("2026-03-01T09:00:00Z")
        try s.tick()
        #expect(s.running.isEmpty, "once per cron time")
        #expect(s.nextRuns().first?.atMs == (try UTCTime.parse("2026-03-02T02:00:00Z")))

        // Down from 03:00 on the 1st to 10:00 on the 4th: one catch-up run at start.
        clock.set("2026-03-04T10:00:00Z")
        let (again, _) = try Self.supervisor(w, executable: CLI.binary.path, clock: clock)
        try again.tick()
        #expect(again.running == ["nightly"])
        try await Self.drain(again, clock)
        let latest = try #require(try store.jobs.runs(job: "nightly").first)
        #expect(try latest.trigger == "catch_up" && latest.scheduledMs == UTCTime.parse("2026-03-04T02:00:00Z") && latest.status == "succeeded", "\(latest)")
    }

    @Test func aRunStillGoingSkipsTheNextAndIsStoppedAtItsTimeout() async throws {
        let w = try CLIJobsTests.workspace("supervisor-timeout")
        // A child that never finishes by itself.
        let script = w.dir.appendingPathComponent("hang.sh")
        try "#!/bin/sh\nexec sleep 600\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let clock = TestClock("2026-03-01T01:59:30Z")
        let (s, store) = try Self.supervisor(w, executable: script.path, clock: clock,
                                             yaml: "schedule: \"* * * * *\"\nstrategies: [m1]\ntimeout: 90s\n")
        clock.set("2026-03-01T02:00:01Z")
        try s.tick()
        #expect(s.running == ["nightly"])
        clock.set("2026-03-01T02:01:01Z")
        try s.tick()
        let skipped = try store.jobs.runs(job: "nightly")
        #expect(skipped.map { $0.status } == ["skipped"] && skipped.first?.detail.contains("is still going") == true, "\(skipped)")
        // Past the 90 s timeout: SIGTERM, and the run is closed as timed out.
        clock.set("2026-03-01T02:01:32Z")
        try s.tick()
        try await Self.drain(s, clock)
        let runs = try store.jobs.runs(job: "nightly")
        #expect(runs.first?.status == "timed_out" && runs.first?.detail.contains("timeout of 90 s") == true, "\(runs)")
        let pid = try #require(runs.first?.pid)
        #expect(kill(pid_t(pid), 0) != 0, "the child is gone")
        #expect(try store.models.entry("m1").version == 1, "the champion stays")
    }
}
