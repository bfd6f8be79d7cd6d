import ArgumentParser
import Foundation
import Market
import MarketData

/// `mlbot data synth`: seeded synthetic bars into the store.
struct DataSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate seeded synthetic bars (GARCH volatility, fat tails, correlation, regimes) into the store.",
        discussion: """
            The same seed gives the same bars on every run. Defaults come from config/mlbot.yaml.

            Example:
              mlbot data synth --symbols BTCUSDT,ETHUSDT,SOLUSDT --interval 1m --days 90 --seed 42
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Comma-separated symbols, e.g. BTCUSDT,ETHUSDT.") var symbols: String?
    @Option(help: "Bar interval: 1m 3m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w.") var interval: String?
    @Option(help: "Days of bars to generate.") var days: Int?
    @Option(help: "Random seed.") var seed: UInt64?
    @Option(help: "First bar time (ISO-8601 or epoch).") var start: String?
    @Option(help: "Pairwise correlation of the assets' return shocks.") var correlation: Double?
    @Flag(help: "Overwrite stored bars that differ (default: keep them and report the conflict).") var replace = false
    @Flag(help: "Plant the edge configured in data.synthetic.edge (synthetic data that is knowingly not a fair market).") var edge = false

    func run() throws {
        let cfg = try global.loadConfig()
        let symbolList = try symbols.map { try $0.split(separator: ",").map { try Symbol(String($0).trimmingCharacters(in: .whitespaces)) } }
            ?? cfg.data.symbols
        let iv = try interval.map(Interval.init) ?? cfg.data.interval
        let dayCount = days ?? cfg.data.synthetic.days
        guard dayCount > 0 else { throw ValidationError("--days must be positive") }
        var settings = SyntheticMarket.Config(
            symbols: symbolList, interval: iv, start: try start.map(UTCTime.parse) ?? cfg.data.synthetic.start,
            bars: Int(Int64(dayCount) * UTCTime.msPerDay / iv.milliseconds), seed: seed ?? cfg.data.synthetic.seed)
        settings.correlation = correlation ?? cfg.data.synthetic.correlation
        if edge || cfg.data.synthetic.edgeEnabled {
            guard let e = cfg.data.synthetic.edge else { throw ValidationError("--edge: configure data.synthetic.edge (symbol, strength) in the config file") }
            settings.edge = e
        }
        let store = try global.openStore(cfg)
        let began = Date()
        let result = try SyntheticData.generate(settings, into: store, policy: replace ? .replace : .keepExisting)
        let seconds = Date().timeIntervalSince(began)
        print("synthetic data: \(symbolList.count) symbol(s) × \(settings.bars) \(iv.name) bars, seed \(settings.seed) → \(store.path)")
        if let e = settings.edge {
            print("  planted edge on \(e.symbol.name): drift \(e.strength) × volatility per bar, signed by EMA(10) vs EMA(50) of past closes (synthetic, not a real market)")
        }
        for s in result.summaries {
            print("  \(s.symbol.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(UTCTime.iso(s.first)) … \(UTCTime.iso(s.last))  "
                + "close \(format(s.firstClose)) → \(format(s.lastClose))  annualised vol \(String(format: "%.0f%%", s.annualVolatility * 100))")
        }
        let w = result.write
        print("  stored: \(w.inserted) new, \(w.unchanged) unchanged, \(w.conflicting) conflicting\(replace ? " (replaced)" : " (kept existing)") in \(String(format: "%.2f", seconds)) s")
    }

    private func format(_ v: Double) -> String { String(format: v < 10 ? "%.4f" : "%.2f", v) }
}
