import ArgumentParser
import Market
import MarketData

/// `mlbot data import`: a CSV or Bybit kline JSON file into the store.
struct DataImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import bars from CSV (timestamp,open,high,low,close,volume) or Bybit kline JSON.",
        discussion: """
            CSV may have a header or not; timestamps may be epoch ms, epoch s or ISO-8601 (UTC unless an \
            offset is given). Every row is validated (prices > 0, volume >= 0, high >= max(open, close), \
            low <= min(open, close), times aligned to the interval and increasing). One bad row rejects \
            the whole file and nothing is imported. Importing the same file again changes nothing.

            Example:
              mlbot data import btc_1m.csv --symbol BTCUSDT --interval 1m
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file to import (.csv or Bybit kline .json).") var file: String
    @Option(help: "Symbol the bars belong to, e.g. BTCUSDT.") var symbol: String
    @Option(help: "Bar interval, e.g. 1m, 5m, 1h, 1d.") var interval: String
    @Flag(help: "Overwrite stored bars that differ (default: keep them and report the conflict).") var replace = false

    func run() throws {
        let cfg = try global.loadConfig()
        let sym = try Symbol(symbol)
        let iv = try Interval(interval)
        let r = try BarImporter.importFile(file, symbol: sym, interval: iv, into: try global.openStore(cfg),
                                           policy: replace ? .replace : .keepExisting)
        print("imported \(file) as \(sym.name) \(iv.name): \(r.rows) bars"
            + (r.first.map { " \(UTCTime.iso($0)) … \(UTCTime.iso(r.last!))" } ?? ""))
        print("  stored: \(r.write.inserted) new, \(r.write.unchanged) unchanged, \(r.write.conflicting) conflicting"
            + (r.write.conflicting > 0 ? (replace ? " (replaced)" : " (kept existing; --replace overwrites)") : ""))
        if let spacing = r.coarserSpacing {
            let guess = (try? Interval(String(spacing / 60_000))).map { " (did you mean --interval \($0.name)?)" } ?? ""
            print("  warning: every row is a multiple of \(spacing / 60_000) minutes apart, longer than \(iv.name)\(guess)")
        }
        if r.duplicatesSkipped > 0 { print("  duplicates skipped: \(r.duplicatesSkipped) repeated row(s)") }
        if !r.gaps.isEmpty {
            print("  gaps: \(r.gaps.count) (\(r.missingBars) missing bars)")
            for g in r.gaps.prefix(5) { print("    after \(UTCTime.iso(g.after)): \(g.missing) missing") }
            if r.gaps.count > 5 { print("    … \(r.gaps.count - 5) more") }
        }
    }
}
