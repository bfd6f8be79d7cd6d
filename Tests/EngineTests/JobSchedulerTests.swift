import Engine
import Market
import Testing

/// The scheduler on an injected clock: no sleeping, the minutes are given.
@Suite struct JobSchedulerTests {
    func t(_ iso: String) -> Int64 { try! UTCTime.parse(iso) }
    func job(_ schedule: String, catchUp: String = "once") throws -> JobFile {
        try JobFile.parse(yaml: "schedule: \"\(schedule)\"\ncatch_up: \(catchUp)\n", name: "nightly", file: "nightly.yaml")
    }

    @Test func firesAtTheCronMinuteOnceAndThenWaitsForTheNext() throws {
        var s = JobScheduler(jobs: [try job("0 2 * * *")], lastScheduled: [:], startMs: t("2024-03-01T01:00:00Z"))
        #expect(s.due(nowMs: t("2024-03-01T01:59:59Z")).isEmpty)
        #expect(s.due(nowMs: t("2024-03-01T02:00:00Z")) == [.init(job: "nightly", scheduledMs: t("2024-03-01T02:00:00Z"), trigger: "schedule")])
        #expect(s.due(nowMs: t("2024-03-01T02:00:30Z")).isEmpty, "once per cron time")
        #expect(s.due(nowMs: t("2024-03-02T01:59:00Z")).isEmpty)
        #expect(s.due(nowMs: t("2024-03-02T02:00:10Z")).map(\.scheduledMs) == [t("2024-03-02T02:00:00Z")])
        #expect(s.next(after: t("2024-03-02T03:00:00Z")).first?.atMs == t("2024-03-03T02:00:00Z"))
    }

    @Test func aLateTickRunsOnceForTheNewestMissedMinute() throws {
        var s = JobScheduler(jobs: [try job("*/15 * * * *")], lastScheduled: [:], startMs: t("2024-03-01T00:00:00Z"))
        #expect(s.due(nowMs: t("2024-03-01T01:07:00Z")) == [.init(job: "nightly", scheduledMs: t("2024-03-01T01:00:00Z"), trigger: "schedule")])
    }

    @Test func runsMissedWhileDownCatchUpOnceOrAreSkipped() throws {
        // Last ran for 2024-03-01 02:00; the service was down until the 4th at 10:00.
        var once = JobScheduler(jobs: [try job("0 2 * * *")], lastScheduled: ["nightly": t("2024-03-01T02:00:00Z")], startMs: t("2024-03-04T10:00:00Z"))
        #expect(once.due(nowMs: t("2024-03-04T10:00:00Z")) == [.init(job: "nightly", scheduledMs: t("2024-03-04T02:00:00Z"), trigger: "catch_up")])
        #expect(once.due(nowMs: t("2024-03-04T10:01:00Z")).isEmpty)
        #expect(once.due(nowMs: t("2024-03-05T02:00:00Z")).map(\.trigger) == ["schedule"])
        var skip = JobScheduler(jobs: [try job("0 2 * * *", catchUp: "skip")], lastScheduled: ["nightly": t("2024-03-01T02:00:00Z")], startMs: t("2024-03-04T10:00:00Z"))
        #expect(skip.due(nowMs: t("2024-03-04T10:00:00Z")).isEmpty)
        #expect(skip.due(nowMs: t("2024-03-05T02:00:00Z")).map(\.trigger) == ["schedule"])
        // A job that never ran has missed nothing.
        var fresh = JobScheduler(jobs: [try job("0 2 * * *")], lastScheduled: [:], startMs: t("2024-03-04T10:00:00Z"))
        #expect(fresh.due(nowMs: t("2024-03-04T10:00:00Z")).isEmpty)
    }
}
