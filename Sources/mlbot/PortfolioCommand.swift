import ArgumentParser
import Discovery
import Foundation
import Market
import NumericKit
import Portfolio
import Store

/// `mlbot portfolio …`: capital allocation across assets or strategies.
struct PortfolioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portfolio",
        abstract: "Allocate capital across assets or strategies.",
        discussion: "Example:\n  mlbot portfolio optimize --method risk-parity --returns returns.csv --cap 0.3 --json",
        subcommands: [Optimize.self]
    )

    struct Optimize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Optimal weights (summing to one) with volatility, risk contributions and which constraints bind.",
            discussion: """
                --returns takes a wide CSV: `timestamp,ASSET1,ASSET2,…`, one row per period of simple
                returns. --strategies paper|live uses the latest stored backtest of each strategy with
                that status, on the bars they share. Volatility and returns are annualised with the
                periods per year inferred from the timestamps (365.25 days a year) unless given.

                Methods: min-variance, max-sharpe (expected returns: geometric mean by default, as
                PyPortfolioOpt), risk-parity (equal risk contributions; assets over the cap are held
                at it), inverse-vol. Covariance: sample, ledoit-wolf (scikit-learn's shrinkage), ewma.

                Examples:
                  mlbot portfolio optimize --method min-variance --returns returns.csv --cap 0.3
                  mlbot portfolio optimize --method max-sharpe --returns returns.csv --covariance ledoit-wolf --json
                  mlbot portfolio optimize --method min-variance --returns returns.csv --min-weight=-0.2 --cap 0.5 --gross-leverage 1.5
                  mlbot portfolio optimize --method risk-parity --strategies paper
                """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The optimiser.") var method: OptimizationMethod
        @Option(help: "Wide CSV of periodic returns.") var returns: String?
        @Option(help: "Use stored strategies with this status (paper or live) instead of a file.") var strategies: String?
        @Option(help: "Per-asset cap.") var cap = 1.0
        @Option(help: "Lower weight bound (0 = long-only; negative, written --min-weight=-0.2, allows shorts for min-variance and max-sharpe).") var minWeight = 0.0
        @Option(help: "Gross leverage cap Σ|w| (with a negative --min-weight; min-variance and max-sharpe).") var grossLeverage: Double?
        @Option(help: "The covariance estimator.") var covariance: CovarianceChoice = .sample
        @Option(help: "EWMA span in periods.") var span = 180.0
        @Option(help: "Expected returns (max-sharpe only).") var expectedReturns: ExpectedReturns = .geometric
        @Option(help: "Annual risk-free rate (max-sharpe).") var riskFree = 0.0
        @Option(help: "Periods per year (default: inferred from the timestamps).") var periodsPerYear: Double?
        @Flag(help: "Print JSON (keys: method, covariance, shrinkage, periods_per_year, observations, volatility, expected_return, sharpe, kkt_residual, iterations, at_lower, at_cap, assets[name, weight, risk_contribution, expected_return]).")
        var json = false

        struct Asset: Encodable {
            let name: String, weight: Double, risk_contribution: Double
            @NullWhenAbsent var expected_return: Double?
        }
        struct Output: Encodable {
            let method: String, covariance: String
            @NullWhenAbsent var shrinkage: Double?
            let periods_per_year: Double, observations: Int, volatility: Double
            @NullWhenAbsent var expected_return: Double?
            @NullWhenAbsent var sharpe: Double?
            @NullWhenAbsent var kkt_residual: Double?
            let iterations: Int, at_lower: [String], at_cap: [String], assets: [Asset]
        }

        func validate() throws {
            guard (returns == nil) != (strategies == nil) else { throw ValidationError("give exactly one of --returns FILE.csv or --strategies paper|live") }
            if let strategies, strategies != "paper" && strategies != "live" { throw ValidationError("--strategies: expected paper or live") }
        }

        func run() throws {
            let data: AssetReturns
            if let returns {
                data = try AssetReturns.load(csv: returns)
            } else {
                let store = try global.openStore(try global.loadConfig(), mustExist: true)
                let s = try StrategyReturns.aligned(store, status: strategies == "live" ? .live : .paper)
                data = try AssetReturns(names: s.names, time: s.time, matrix: try Matrix(rows: s.time.count, columns: s.names.count, columnMajor: s.returns.flatMap { $0 }))
            }
            let estimator: CovarianceEstimator
            switch covariance {
            case .sample: estimator = .sample
            case .ledoitWolf: estimator = .ledoitWolf
            case .ewma: estimator = .ewma(span: span)
            }
            let request = PortfolioRequest(method: method, covariance: estimator, expectedReturns: expectedReturns, riskFree: riskFree,
                                           bounds: WeightBounds(lower: minWeight, cap: cap, grossLeverage: grossLeverage), periodsPerYear: periodsPerYear)
            let o = try request.run(data)
            let a = o.allocation
            let assets = a.names.indices.map { Asset(name: a.names[$0], weight: a.weights[$0], risk_contribution: a.riskContributions[$0],
                                                     expected_return: o.expectedReturns?[$0]) }
            if json {
                try JSONOutput.print(Output(method: method.rawValue, covariance: covariance.rawValue, shrinkage: o.shrinkage, periods_per_year: o.periodsPerYear,
                                            observations: o.observations, volatility: a.volatility, expected_return: a.expectedReturn, sharpe: a.sharpe,
                                            kkt_residual: a.kktResidual, iterations: a.iterations, at_lower: a.atLower, at_cap: a.atCap, assets: assets))
                return
            }
            print("\(method.rawValue) over \(a.names.count) assets, \(o.observations) periods (\(String(format: "%.0f", o.periodsPerYear))/year), covariance \(covariance.rawValue)"
                  + (o.shrinkage.map { String(format: " (shrinkage %.4f)", $0) } ?? ""))
            let withReturns = o.expectedReturns != nil
            var table = TextTable(["asset", "weight", "risk share"] + (withReturns ? ["exp. return"] : []), align: [.left, .right, .right, .right])
            for x in assets {
                table.add([x.name, String(format: "%.4f", x.weight + 0), String(format: "%.4f", x.risk_contribution + 0)]
                          + (withReturns ? [x.expected_return.map { String(format: "%+.4f", $0) } ?? "–"] : []))
            }
            table.print()
            print(String(format: "annualised volatility %.4f", a.volatility) + (a.expectedReturn.map { String(format: ", expected return %.4f", $0) } ?? "")
                  + (a.sharpe.map { String(format: ", Sharpe %.4f", $0) } ?? ""))
            print("at the cap: \(a.atCap.isEmpty ? "none" : a.atCap.joined(separator: ", ")); at the lower bound: \(a.atLower.isEmpty ? "none" : a.atLower.joined(separator: ", "))"
                  + (a.kktResidual.map { String(format: "; optimality residual %.1e", $0) } ?? ""))
        }
    }
}

/// The covariance estimators `portfolio optimize` offers (EWMA takes --span).
enum CovarianceChoice: String, CaseIterable, ExpressibleByArgument {
    case sample
    case ledoitWolf = "ledoit-wolf"
    case ewma
}

extension OptimizationMethod: ExpressibleByArgument {}
extension ExpectedReturns: ExpressibleByArgument {}
