import Market

/// When each job is due, as a function of wall time (injected): the cron times that passed since
/// the last one considered, collapsed into one run at the newest of them. A cron time that passed
/// while the service was down is a catch-up (run once at start, or skipped, as the job says).
public struct JobScheduler: Sendable {
    /// One run to start.
    public struct Due: Sendable, Equatable {
        public let job: String
        /// The cron time the run is for.
        public let scheduledMs: Int64
        /// schedule or catch_up.
        public let trigger: String

        public init(job: String, scheduledMs: Int64, trigger: String) {
            self.job = job; self.scheduledMs = scheduledMs; self.trigger = trigger
        }
    }

    public let jobs: [JobFile]
    public let startMs: Int64
    private var cursors: [String: Int64]

    /// `lastScheduled`: the newest cron time each job ran for (the store's; absent: never ran, so
    /// nothing before `startMs` counts as missed).
    public init(jobs: [JobFile], lastScheduled: [String: Int64], startMs: Int64) {
        self.jobs = jobs
        self.startMs = startMs
        cursors = Dictionary(uniqueKeysWithValues: jobs.map { ($0.name, lastScheduled[$0.name] ?? startMs) })
    }

    /// The runs due at `nowMs`, each job at most once; a later call returns only newer cron times.
    public mutating func due(nowMs: Int64) -> [Due] {
        var out: [Due] = []
        for job in jobs {
            var latest: Int64?
            var fire = job.schedule.next(after: cursors[job.name]!)
            while let f = fire, f <= nowMs { latest = f; fire = job.schedule.next(after: f) }
            guard let latest else { continue }
            cursors[job.name] = latest
            if latest < startMs {
                if job.catchUp == .skip { continue }
                out.append(Due(job: job.name, scheduledMs: latest, trigger: "catch_up"))
            } else {
                out.append(Due(job: job.name, scheduledMs: latest, trigger: "schedule"))
            }
        }
        return out
    }

    /// Each job's next cron time after `nowMs` (what `control status` and `jobs list` show).
    public func next(after nowMs: Int64) -> [(job: String, atMs: Int64?)] {
        jobs.map { ($0.name, $0.schedule.next(after: nowMs)) }
    }
}
