import ArgumentParser

/// `mlbot data …`: market data into and out of the store.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Get market data in (synthetic, CSV/JSON import, Bybit download), list it, export it.",
        discussion: """
            Examples:
              mlbot data synth --days 30 --seed 7
              mlbot data import btc.csv --symbol BTCUSDT --interval 1m
              mlbot data download --symbol ETHUSDT --interval 60 --since 2024-01-01
              mlbot data instruments --symbols BTCUSDT,ETHUSDT
              mlbot data list
              mlbot data export --symbol BTCUSDT --interval 1m --from 2024-02-01 --out btc.csv
              mlbot data copy --from mlbot.sqlite --to postgres://mlbot@db:5432/mlbot
            """,
        subcommands: [DataSynth.self, DataImport.self, DataDownload.self, DataInstruments.self, DataList.self, DataExport.self, DataCopy.self]
    )
}
