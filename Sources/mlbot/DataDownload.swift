import ArgumentParser
import Exchange
import Foundation
import Market
import MarketData

/// `mlbot data download`: Bybit V5 klines into the store, resumable.
struct DataDownload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download closed klines from Bybit V5 (GET /v5/market/kline) into the store.",
        discussion: """
            Resumes from the last stored bar, backs off on rate limits (retCode 10006, HTTP 429/403, \
            X-Bapi-Limit-* headers) and retries dropped connections. The base URL comes from the config \
            (data.bybit.base_url) or --base-url.

            Example:
              mlbot data download --symbol BTCUSDT --interval 1 --since 2024-01-01 --category linear
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Symbol, e.g. BTCUSDT.") var symbol: String
    @Option(help: "Bybit interval code (1 3 5 15 30 60 120 240 360 720 D W) or 1m, 1h, 1d….") var interval: String
    @Option(help: "First bar (ISO-8601 date/time or epoch).") var since: String
    @Option(help: "Last bar (default: the newest closed bar).") var until: String?
    @Option(help: "linear, spot or inverse (default from config).") var category: String?
    @Option(name: .customLong("base-url"), help: "Bybit REST base URL (default from config).") var baseURL: String?
    @Option(help: "Attempts per request before giving up (transient failures and rate limits are retried).") var attempts: Int = 8

    func run() throws {
        let cfg = try global.loadConfig()
        let request = DownloadRequest(
            symbol: try Symbol(symbol), interval: try Interval(interval), category: category ?? cfg.data.bybit.category,
            since: try UTCTime.parse(since), until: try until.map(UTCTime.parse))
        guard ["linear", "spot", "inverse"].contains(request.category) else {
            throw ValidationError("--category must be linear, spot or inverse")
        }
        guard attempts >= 1 else { throw ValidationError("--attempts must be at least 1") }
        let store = try global.openStore(cfg)
        let bar = ProgressBar(label: "\(request.symbol.name) \(request.interval.name)")
        let client = BybitMarketClient(baseURL: baseURL ?? cfg.data.bybit.baseURL, retry: RetryPolicy(maxAttempts: attempts)) { event in
            switch event {
            case let .retrying(attempt, reason, wait):
                bar.note("\(reason); retry \(attempt) in \(String(format: "%.1f", wait)) s")
            case let .throttled(wait):
                bar.note("rate-limit window exhausted; waiting \(String(format: "%.1f", wait)) s")
            }
        }
        let report = try KlineDownloader(store: store, client: client).run(request) { p in
            bar.update(fraction: p.fraction, detail: "\(p.fetched) bars, through \(UTCTime.iso(p.through))")
        }
        bar.finish()
        if report.upToDate {
            print("\(request.symbol.name) \(request.interval.name): already up to date through \(UTCTime.iso(report.through))")
        } else {
            print("\(request.symbol.name) \(request.interval.name): \(report.fetched) bars in \(report.pages) page(s) from \(UTCTime.iso(report.resumedFrom)) through \(UTCTime.iso(report.through))")
            print("  stored: \(report.write.inserted) new, \(report.write.unchanged) unchanged, \(report.write.conflicting) conflicting (kept existing)")
        }
    }
}
