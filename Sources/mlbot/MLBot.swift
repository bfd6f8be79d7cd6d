import ArgumentParser
import Foundation
import Market
import NumericKit

/// The `mlbot` command line: research, service and control in one binary.
@main
struct MLBot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlbot",
        abstract: "ML-driven strategy discovery and risk-managed portfolio trading.",
        discussion: """
            Market data lives in a SQLite database (path from config/mlbot.yaml, or --db).

            Examples:
              mlbot data synth --symbols BTCUSDT,ETHUSDT,SOLUSDT --interval 1m --days 90 --seed 42
              mlbot data import candles.csv --symbol BTCUSDT --interval 1m
              mlbot data download --symbol BTCUSDT --interval 1 --since 2024-01-01
              mlbot data list --json
              mlbot features compute --set default --symbol BTCUSDT --interval 1m --out features.csv
              mlbot features check --set default
              mlbot train --set default --symbol ETHUSDT --interval 1m --model logistic --horizon 15
              mlbot models list
              mlbot backtest --config config/strategy.example.yaml
              mlbot discover --space config/discovery.yaml --budget 200 --seed 42
              mlbot strategies list
            """,
        subcommands: [DataCommand.self, FeaturesCommand.self, TrainCommand.self, ModelsCommand.self, BacktestCommand.self, DiscoverCommand.self,
                      StrategiesCommand.self, PortfolioCommand.self, ServeCommand.self, OrdersCommand.self, ControlCommand.self, JobsCommand.self,
                      ReportCommand.self]
    )

    static func main() {
        // A process started by `mlbot serve` (a job's run) inherits the service's ignored SIGTERM
        // and SIGINT (it handles its own); every command starts from the defaults, and `serve`
        // installs its handlers again.
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        ProcessTuning.configureForParallelKernels()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as any KindedError {
            // The exit status says what kind of failure it was (README: exit status).
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            Foundation.exit(error.kind.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}
