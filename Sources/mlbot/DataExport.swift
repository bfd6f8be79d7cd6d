import ArgumentParser
import Foundation
import Market
import MarketData

/// `mlbot data export`: stored bars to CSV.
struct DataExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export stored bars as CSV (timestamp in epoch ms, open, high, low, close, volume).",
        discussion: """
            Example:
              mlbot data export --symbol BTCUSDT --interval 1m --from 2024-01-01 --to 2024-01-31T23:59:00Z --out btc.csv
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Symbol, e.g. BTCUSDT.") var symbol: String
    @Option(help: "Bar interval, e.g. 1m.") var interval: String
    @Option(help: "First bar time to include (ISO-8601 or epoch).") var from: String?
    @Option(help: "Last bar time to include (ISO-8601 or epoch).") var to: String?
    @Option(help: "Output CSV file, or - for standard output.") var out: String

    func run() throws {
        let cfg = try global.loadConfig()
        let store = try global.openStore(cfg, mustExist: true)
        let series = try store.bars.series(symbol: try Symbol(symbol), interval: try Interval(interval),
                                           from: try from.map(UTCTime.parse), to: try to.map(UTCTime.parse))
        if out == "-" {
            FileHandle.standardOutput.write(Data(BarExporter.csv(series)))
        } else {
            try BarExporter.write(series, to: out)
            print("exported \(series.count) bars of \(symbol) \(interval) to \(out)")
        }
    }
}
