import ArgumentParser
import Engine
import Store

/// Options every command that touches the database shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: config/mlbot.yaml if present, else built-in defaults).")
    var config: String?

    @Option(name: .long, help: "SQLite database path (overrides the config's 'database').")
    var db: String?

    init() {}

    /// The same options, given by a command that names them differently.
    init(config: String?, db: String?) {
        self.config = config
        self.db = db
    }

    func loadConfig() throws -> MlbotConfig {
        try MlbotConfig.load(path: config)
    }

    /// Opens the store; commands that only read pass `mustExist` so a mistyped path is an error, not a new file.
    func openStore(_ config: MlbotConfig, mustExist: Bool = false) throws -> DataStore {
        try DataStore(path: db ?? config.database, mustExist: mustExist)
    }
}
