import ConfigFormat
import Discovery
import Foundation
import Hashing
import Market
import MarketData
import Risk

/// `config/mlbot.yaml`: where the database lives and what data the default run uses.
/// Each module parses its own section (`Risk` its limits, `Discovery` its graduation rules, the
/// engine its portfolio); this type only assembles them and checks the file as a whole.
public struct MlbotConfig: Sendable, Equatable {
    /// SQLite database path (relative paths are relative to the working directory).
    public var database: String
    public var data: DataSettings
    public var strategies: GraduationRules
    /// The global risk manager's limits.
    public var risk: RiskLimits
    /// How capital is split between strategies.
    public var portfolio: PortfolioSettings
    /// How old a model strategy's model may get before it trades exits only.
    public var models: ModelAgeLimits
    /// SHA-256 of the file's bytes (or of the built-in defaults).
    public var contentHash: String

    /// The `data:` section.
    public struct DataSettings: Sendable, Equatable {
        public var symbols: [Symbol]
        public var interval: Interval
        public var synthetic: Synthetic
        public var bybit: Bybit
    }

    /// Defaults for `mlbot data synth`.
    public struct Synthetic: Sendable, Equatable {
        public var days: Int
        public var seed: UInt64
        /// First bar time, epoch ms.
        public var start: Int64
        public var correlation: Double
        /// The planted edge `synth --edge` (or `edge.enabled: true`) adds; nil when none is configured.
        public var edge: SyntheticMarket.PlantedEdge?
        public var edgeEnabled: Bool
    }

    /// Where `mlbot data download` and `serve --feed bybit` connect.
    public struct Bybit: Sendable, Equatable {
        public var baseURL: String
        public var category: String
        /// The public WebSocket (default: Bybit's stream host for `base_url`'s host and the category).
        public var streamURL: String

        /// Bybit's REST host `api[-testnet].bybit.com` streams from `stream[-testnet].bybit.com`
        /// (reference §1); any other host (a local fake server) is taken to serve both.
        static func defaultStreamURL(baseURL: String, category: String) -> String {
            var rest = baseURL
            while rest.hasSuffix("/") { rest.removeLast() }
            let secure = rest.hasPrefix("https://")
            var host = String(rest.dropFirst(secure ? 8 : 7))
            if host.hasPrefix("api.bybit.com") || host.hasPrefix("api-testnet.bybit.com") { host = "stream" + host.dropFirst(3) }
            return (secure ? "wss://" : "ws://") + host + "/v5/public/" + category
        }
    }

    /// The built-in configuration, identical to the shipped `config/mlbot.yaml`.
    public static let defaultYAML = """
        # mlbot configuration. Secrets (exchange keys, control token) never go here: use the
        # environment or a .env file.
        database: mlbot.sqlite

        data:
          symbols: [BTCUSDT, ETHUSDT, SOLUSDT]
          interval: 1m
          synthetic:           # mlbot data synth
            days: 90
            seed: 42
            start: 2024-01-01
            correlation: 0.6   # pairwise correlation of the assets' return shocks
            edge:              # a planted, past-computable edge (SYNTHETIC, for demonstrations): off unless
              enabled: false   # enabled here or asked for with `mlbot data synth --edge`
              symbol: SOLUSDT
              strength: 0.1    # extra drift per bar, × the bar's volatility, signed by EMA(10) vs EMA(50) of past closes
          bybit:               # mlbot data download, serve --feed bybit
            base_url: https://api.bybit.com
            category: linear   # linear | spot | inverse
            # stream_url: wss://stream.bybit.com/v5/public/linear   (the default for base_url and category)

        strategies:            # mlbot strategies promote
          min_dsr: 0.95        # candidate → paper: deflated Sharpe ratio at least this
          paper_days: 14       # paper → live: at least this many days on paper…
          max_paper_drawdown: 0.10   # …with the paper drawdown never beyond this

        risk:                  # the global risk manager (fractions of mark-to-market equity)
          max_drawdown: 0.15   # from the equity high-water mark…
          drawdown_action: reducing   # …switches to reducing (only exposure-reducing orders) or halted
          max_daily_loss: 0.05 # from the UTC day's starting equity: reducing until the next UTC day
          max_correlation: 0.8 # same-direction positions correlated above this…
          max_correlated_exposure: 0.15   # …may together hold at most this
          correlation_window: 240         # bars of returns the correlations use
          max_position: 0.10   # per instrument
          max_gross_exposure: 1.0
          max_daily_trades: 50
          max_order_notional: 100000      # account currency, per order
          price_band: 0.05     # limit prices further than this from the last price are refused
          resize: []           # rules that shrink an order instead of refusing it: max_position, max_gross_exposure, max_order_notional

        portfolio:             # how the engine splits capital between strategies (backtest --portfolio, serve)
          method: inverse-vol  # equal | inverse-vol | risk-parity | min-variance, over the strategies' own returns
          cap: 1.0             # largest weight of one strategy
          rebalance_at: "00:00"   # UTC time of day the weights are re-estimated
          window: 1440         # bar-times of returns behind the estimate
          initial_equity: 10000   # account equity a backtest starts with (quote currency)

        models:                # model strategies (serve, backtest --mode model)
          max_age: 30d         # bar time since the last bar a model was trained on; past it the strategy
                               # trades exits only until a fresher model is promoted (none: no limit)
          max_age_by_strategy: {}   # per strategy, e.g. {disc-1-01: 14d}

        """

    public static func builtIn() -> MlbotConfig {
        // The built-in text is fixed and tested; failing to parse it is a programming error.
        try! parse(yaml: defaultYAML, file: "<built-in config>")
    }

    /// Loads a file, or the built-in defaults when `path` is nil and `config/mlbot.yaml` is absent.
    public static func load(path: String?) throws -> MlbotConfig {
        let candidate = path ?? "config/mlbot.yaml"
        guard FileManager.default.fileExists(atPath: candidate) else {
            if path != nil { throw ConfigError(file: candidate, line: nil, field: "file", expected: "an existing configuration file") }
            return builtIn()
        }
        guard let data = FileManager.default.contents(atPath: candidate), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: candidate, line: nil, field: "file", expected: "a readable UTF-8 file")
        }
        return try parse(yaml: text, file: candidate)
    }

    /// Parses and validates configuration text.
    public static func parse(yaml: String, file: String) throws -> MlbotConfig {
        let root = try YAMLMap(yaml: yaml, file: file)
        try root.requireOnly(["database", "data", "strategies", "risk", "portfolio", "models"])
        let database = try root.string("database") ?? "mlbot.sqlite"
        guard !database.isEmpty else { throw root.error("database", "a file path") }

        let data = try root.map("data") ?? YAMLMap(yaml: "{}", file: file)
        try data.requireOnly(["symbols", "interval", "synthetic", "bybit"])
        let symbolNames = try data.strings("symbols") ?? ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
        guard !symbolNames.isEmpty else { throw data.error("symbols", "at least one symbol") }
        let symbols = try symbolNames.map { name in
            do { return try Symbol(name) } catch { throw data.error("symbols", "upper-case symbols like BTCUSDT, got '\(name)'") }
        }
        guard Set(symbols).count == symbols.count else { throw data.error("symbols", "each symbol once") }
        let intervalText = try data.string("interval") ?? "1m"
        let interval: Interval
        do { interval = try Interval(intervalText) } catch { throw data.error("interval", "\(error)") }

        let synth = try data.map("synthetic") ?? YAMLMap(yaml: "{}", file: file)
        try synth.requireOnly(["days", "seed", "start", "correlation", "edge"])
        let days = try synth.int("days", range: 1...3650) ?? 90
        let seed = try synth.int("seed", range: 0...Int.max) ?? 42
        let startText = try synth.string("start") ?? "2024-01-01"
        let start: Int64
        do { start = try UTCTime.parse(startText) } catch { throw synth.error("start", "an ISO-8601 date like 2024-01-01") }
        guard interval.isAligned(start) else { throw synth.error("start", "a time aligned to \(interval.name)") }
        let correlation = try synth.double("correlation", range: -0.49...0.99) ?? 0.6
        var edge: SyntheticMarket.PlantedEdge?
        var edgeEnabled = false
        if let e = try synth.map("edge") {
            try e.requireOnly(["enabled", "symbol", "strength"])
            edgeEnabled = try e.bool("enabled") ?? false
            guard let name = try e.string("symbol") else { throw e.error("symbol", "the symbol that carries the edge, e.g. SOLUSDT") }
            let symbol: Symbol
            do { symbol = try Symbol(name) } catch { throw e.error("symbol", "a symbol like SOLUSDT") }
            guard symbols.contains(symbol) else { throw e.error("symbol", "one of data.symbols (\(symbols.map(\.name).joined(separator: ", ")))") }
            edge = SyntheticMarket.PlantedEdge(symbol: symbol, strength: try e.double("strength", range: 0.000001...0.5) ?? 0.1)
        }

        let bybit = try data.map("bybit") ?? YAMLMap(yaml: "{}", file: file)
        try bybit.requireOnly(["base_url", "category", "stream_url"])
        let baseURL = try bybit.string("base_url") ?? "https://api.bybit.com"
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw bybit.error("base_url", "an http:// or https:// URL")
        }
        let category = try bybit.string("category") ?? "linear"
        guard ["linear", "spot", "inverse"].contains(category) else { throw bybit.error("category", "linear, spot or inverse") }
        let streamURL = try bybit.string("stream_url") ?? Bybit.defaultStreamURL(baseURL: baseURL, category: category)
        guard streamURL.hasPrefix("ws://") || streamURL.hasPrefix("wss://") else { throw bybit.error("stream_url", "a ws:// or wss:// URL") }

        let strategies = try GraduationRules.parse(try root.map("strategies") ?? YAMLMap(yaml: "{}", file: file))
        let risk = try RiskLimits.parse(try root.map("risk") ?? YAMLMap(yaml: "{}", file: file))
        let portfolio = try PortfolioSettings.parse(try root.map("portfolio") ?? YAMLMap(yaml: "{}", file: file))
        let models = try ModelAgeLimits.parse(try root.map("models") ?? YAMLMap(yaml: "{}", file: file))

        return MlbotConfig(
            database: database,
            data: DataSettings(
                symbols: symbols, interval: interval,
                synthetic: Synthetic(days: days, seed: UInt64(seed), start: start, correlation: correlation, edge: edge, edgeEnabled: edgeEnabled),
                bybit: Bybit(baseURL: baseURL, category: category, streamURL: streamURL)),
            strategies: strategies,
            risk: risk,
            portfolio: portfolio,
            models: models,
            contentHash: Digest.sha256Hex(yaml))
    }
}
