import ArgumentParser
import Foundation
import Market
import Store

/// `mlbot data list`: what the store holds.
struct DataList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List stored bars per symbol and interval: first, last, count, missing bars and gaps.",
        discussion: """
            Example:
              mlbot data list --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON (stable keys: symbol, interval, first, last, first_ms, last_ms, bars, missing_bars, gaps).") var json = false

    /// The stable `--json` row.
    struct Row: Encodable {
        let symbol: String, interval: String, first: String, last: String
        let first_ms: Int64, last_ms: Int64, bars: Int, missing_bars: Int, gaps: Int
    }

    func run() throws {
        let cfg = try global.loadConfig()
        let store = try global.openResearchStore(cfg)
        let rows = try store.bars.coverage().map {
            Row(symbol: $0.symbol, interval: $0.interval, first: UTCTime.iso($0.first), last: UTCTime.iso($0.last),
                first_ms: $0.first, last_ms: $0.last, bars: $0.bars, missing_bars: $0.missingBars, gaps: $0.gaps)
        }
        if json {
            try JSONOutput.print(rows)
            return
        }
        if rows.isEmpty { print("no bars in \(store.location); try: mlbot data synth"); return }
        var table = TextTable(["symbol", "interval", "first", "last", "bars", "missing", "gaps"],
                              align: [.left, .left, .left, .left, .right, .right, .right])
        for r in rows { table.add([r.symbol, r.interval, r.first, r.last, String(r.bars), String(r.missing_bars), String(r.gaps)]) }
        table.print()
    }
}
