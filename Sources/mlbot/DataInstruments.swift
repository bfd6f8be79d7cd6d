import ArgumentParser
import Engine
import Exchange
import Foundation
import Market

/// `mlbot data instruments`: tick sizes, quantity steps and minimums from Bybit into config/instruments.yaml.
struct DataInstruments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instruments",
        abstract: "Fetch tick size, quantity step and order minimums from Bybit (GET /v5/market/instruments-info).",
        discussion: """
            Writes the instrument grid every backtest and the service round prices and quantities to. \
            The symbols default to the config's data.symbols; the file is written only when every one of \
            them is listed, so a typo never leaves a half-written grid. The base URL and category come \
            from the config (data.bybit) or the options.

            Examples:
              mlbot data instruments
              mlbot data instruments --symbols BTCUSDT,ETHUSDT --out config/instruments.yaml --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Symbols, separated by commas (default: data.symbols from the config).") var symbols: String?
    @Option(help: "linear, spot or inverse (default from config).") var category: String?
    @Option(name: .customLong("base-url"), help: "Bybit REST base URL (default from config).") var baseURL: String?
    @Option(help: "The instruments file to write, or - for standard output.") var out = "config/instruments.yaml"
    @Flag(help: "Print JSON (a list; keys: symbol, tick_size, qty_step, min_qty, min_notional).") var json = false

    struct Row: Encodable { let symbol: String, tick_size: String, qty_step: String, min_qty: String, min_notional: String }

    func run() throws {
        let cfg = try global.loadConfig()
        let wanted = try symbols.map { text in try text.split(separator: ",").map { try Symbol(String($0).trimmingCharacters(in: .whitespaces)) } } ?? cfg.data.symbols
        let category = self.category ?? cfg.data.bybit.category
        guard ["linear", "spot", "inverse"].contains(category) else { throw ValidationError("--category must be linear, spot or inverse") }
        let client = BybitMarketClient(baseURL: baseURL ?? cfg.data.bybit.baseURL)
        let catalog = try InstrumentCatalog.fetch(client, category: category, symbols: wanted)
        let text = catalog.yaml
        _ = try InstrumentCatalog.parse(yaml: text, file: out)   // what is written must read back
        if out == "-" { print(text, terminator: "") } else { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) }
        let rows = catalog.instruments.values.sorted { $0.symbol.name < $1.symbol.name }.map {
            Row(symbol: $0.symbol.name, tick_size: "\($0.tickSize)", qty_step: "\($0.quantityStep)", min_qty: "\($0.minQuantity)", min_notional: "\($0.minNotional)")
        }
        if json { try JSONOutput.print(rows); return }
        if out != "-" { print("wrote \(rows.count) instrument(s) from \(catalog.source) to \(out)") }
    }
}
