import Exchange
import Market
import Store

/// What to download.
public struct DownloadRequest: Sendable {
    public var symbol: Symbol
    public var interval: Interval
    public var category: String
    /// First bar wanted (epoch ms; rounded up to the interval).
    public var since: Int64
    /// Last bar wanted (epoch ms); nil means up to the newest closed bar.
    public var until: Int64?

    public init(symbol: Symbol, interval: Interval, category: String = "linear", since: Int64, until: Int64? = nil) {
        self.symbol = symbol
        self.interval = interval
        self.category = category
        self.since = since
        self.until = until
    }
}

/// Where a download stands, for progress display.
public struct DownloadProgress: Sendable {
    public let page: Int
    public let fetched: Int
    /// Bar times done so far, out of the whole requested span.
    public let fraction: Double
    public let through: Int64
}

/// The outcome of a download.
public struct DownloadReport: Sendable {
    public var resumedFrom: Int64 = 0
    public var through: Int64 = 0
    public var pages = 0
    public var fetched = 0
    public var write = BarWriteReport()
    public var upToDate = false
}

/// A candle from the exchange that breaks the bar rules.
public struct DownloadError: KindedError {
    public var kind: ErrorKind { .internal }
    public let detail: String
    public var description: String { detail }
}

/// Downloads closed klines page by page (1000 bars each, windows by start/end), writing each
/// page in its own transaction so that an interrupted download resumes where it stopped.
public struct KlineDownloader {
    public let store: DataStore
    public let client: BybitMarketClient
    public var pageSize: Int

    public init(store: DataStore, client: BybitMarketClient, pageSize: Int = 1000) {
        self.store = store
        self.client = client
        self.pageSize = pageSize
    }

    public func run(_ request: DownloadRequest, progress: (DownloadProgress) -> Void = { _ in }) throws -> DownloadReport {
        let iv = request.interval
        let step = iv.milliseconds
        var report = DownloadReport()
        // The bar containing the server's "now" is still open; never store it.
        let now = try client.serverTime()
        let lastClosed = iv.barStart(containing: now) - step
        let end = min(lastClosed, request.until.map { iv.barStart(containing: $0) } ?? lastClosed)
        var first = iv.barStart(containing: request.since)
        if first < request.since { first += step }
        var start = try store.bars.resumePoint(symbol: request.symbol, interval: iv, from: first)
        report.resumedFrom = start
        report.through = start - step
        guard start <= end else { report.upToDate = true; return report }
        let span = Double(end - start + step)
        let origin = start
        while start <= end {
            let windowEnd = min(end, start + Int64(pageSize - 1) * step)
            let bars = try client.klines(category: request.category, symbol: request.symbol, interval: iv,
                                         start: start, end: windowEnd, limit: pageSize)
            try check(bars, from: start, to: windowEnd, interval: iv)
            let w = try store.bars.write(bars, symbol: request.symbol, interval: iv)
            report.pages += 1
            report.fetched += bars.count
            report.write.inserted += w.inserted
            report.write.unchanged += w.unchanged
            report.write.conflicting += w.conflicting
            report.through = windowEnd
            progress(DownloadProgress(page: report.pages, fetched: report.fetched,
                                      fraction: Double(windowEnd - origin + step) / span, through: windowEnd))
            start = windowEnd + step
        }
        return report
    }

    private func check(_ bars: [Bar], from: Int64, to: Int64, interval: Interval) throws {
        var validator = BarSequenceValidator(interval: interval, file: "Bybit kline page \(UTCTime.iso(from))…\(UTCTime.iso(to))",
                                             capacity: bars.count) { "candle \($0)" }
        for (i, b) in bars.enumerated() {
            guard b.openTime >= from, b.openTime <= to else {
                throw DownloadError(detail: "Bybit returned a candle at \(UTCTime.iso(b.openTime)) outside the requested window \(UTCTime.iso(from))…\(UTCTime.iso(to))")
            }
            do { try validator.add(b, at: i) } catch let e as BarFileError { throw DownloadError(detail: e.message) }
        }
        if validator.result.duplicates > 0 {
            throw DownloadError(detail: "Bybit returned \(validator.result.duplicates) duplicate candle(s) in \(UTCTime.iso(from))…\(UTCTime.iso(to))")
        }
    }
}
