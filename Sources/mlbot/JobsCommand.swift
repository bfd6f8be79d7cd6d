import ArgumentParser

/// `mlbot jobs …`: the scheduled jobs of `jobs/*.yaml`.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Run, list and look back on the scheduled jobs (jobs/*.yaml).",
        discussion: """
            A retrain job trains a challenger for each strategy it covers, scores it and the champion \
            on the same holdout, and promotes it only if the job's promotion rule says so. \
            `mlbot serve` runs the jobs on their cron schedules (UTC) as child processes; `jobs run` \
            is the same run by hand, or from cron, a systemd timer or a Kubernetes CronJob.

            Examples:
              mlbot jobs list
              mlbot jobs run nightly-retrain
              mlbot jobs run nightly-retrain --as-of 2024-03-31T23:59:00Z --json
              mlbot jobs history nightly-retrain --limit 5
            """,
        subcommands: [JobsRun.self, JobsList.self, JobsHistory.self]
    )
}

/// Where the job files are.
struct JobsOptions: ParsableArguments {
    @Option(help: "Folder holding the job files.") var jobsDir = "jobs"
}
