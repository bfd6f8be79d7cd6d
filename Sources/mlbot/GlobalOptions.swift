import ArgumentParser
import Foundation
import Market
import Engine
import PostgresStore
import Store

/// Options every command that touches the database shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: config/mlbot.yaml if present, else built-in defaults).")
    var config: String?

    @Option(name: .long, help: "SQLite database path, or a postgres://user@host:port/db address for the research commands (overrides the config's 'database').")
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

    /// Where the database is: `--db`, else the config's `database`.
    func database(_ config: MlbotConfig) -> String { db ?? config.database }

    /// Opens the SQLite store; commands that only read pass `mustExist` so a mistyped path is an
    /// error, not a new file. The service's ledger, settings and jobs live only there.
    func openStore(_ config: MlbotConfig, mustExist: Bool = false) throws -> DataStore {
        let where_ = database(config)
        if PostgresAddress.isPostgres(where_) {
            throw Failure(.badInput, "database: this command needs a SQLite file; PostgreSQL (\(PostgresAddress.redacted(where_))) holds the research data only "
                          + "(bars, models, strategies, backtests, discovery) for `discover`, `train`, `data list`, `data copy`, `strategies list|show` and `models list|show`; "
                          + "the service's ledger, settings and jobs are SQLite-only (pass --db mlbot.sqlite)")
        }
        return try DataStore(path: where_, mustExist: mustExist)
    }

    /// Opens the research store the database names: PostgreSQL for a postgres:// address (model
    /// artifacts cached under `modelsDirectory`), else SQLite.
    func openResearchStore(_ config: MlbotConfig, modelsDirectory: String = "models", mustExist: Bool = true) throws -> any ResearchStore {
        let where_ = database(config)
        if PostgresAddress.isPostgres(where_) {
            return try PostgresStore(try PostgresAddress.forCommand(where_), modelsCache: modelsDirectory)
        }
        return try DataStore(path: where_, mustExist: mustExist)
    }
}
