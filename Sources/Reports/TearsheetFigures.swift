import Backtest
import Foundation
import Market

/// A tearsheet's figures as data: what `mlbot report --json` writes and the page shows. Key
/// names are stable; `metrics` is the same object `mlbot backtest --json` prints for the run.
public struct TearsheetFigures: Encodable, Sendable {
    public struct Honesty: Encodable, Sendable {
        @NullWhenAbsent var trials: Int?
        @NullWhenAbsent var dsr: Double?
        @NullWhenAbsent var psr: Double?
        @NullWhenAbsent var in_sample_sharpe: Double?
        @NullWhenAbsent var out_of_sample_sharpe: Double?
        /// 1 − OOS/IS Sharpe: the share of the in-sample Sharpe lost out of sample.
        @NullWhenAbsent var degradation: Double?
    }
    public struct Benchmark: Encodable, Sendable { let symbol: String; let total_return: Double; let sharpe: Double; let max_drawdown: Double }
    public struct Trades: Encodable, Sendable {
        let count: Int
        @NullWhenAbsent var mean: Double?
        @NullWhenAbsent var median: Double?
        @NullWhenAbsent var best: Double?
        @NullWhenAbsent var worst: Double?
        let histogram: [CurveAnalytics.Bin]
    }
    public struct Fold: Encodable, Sendable { let fold: Int; let test_samples: Int; let auc: Double; let log_loss: Double; let brier: Double; let accuracy: Double }
    public struct Bin: Encodable, Sendable { let lower: Double; let upper: Double; let count: Int; let mean_probability: Double; let frequency: Double }
    public struct Model: Encodable, Sendable {
        let name: String, ece: Double
        @NullWhenAbsent var ece_uncalibrated: Double?
        let reliability: [Bin], folds: [Fold]
    }
    public struct Costs: Encodable, Sendable {
        let fees: Double
        @NullWhenAbsent var slippage: Double?
        @NullWhenAbsent var without_costs_total_return: Double?
        @NullWhenAbsent var without_costs_sharpe: Double?
        @NullWhenAbsent var without_costs_final_equity: Double?
    }

    public let source: String, title: String, strategies: [String], symbol: String
    @NullWhenAbsent public var first: String?
    @NullWhenAbsent public var last: String?
    public let bars: Int
    public let initial_equity: Double, final_equity: Double
    public let metrics: PerformanceMetrics
    @NullWhenAbsent public var psr: Double?
    public let max_drawdown_duration_seconds: Double
    @NullWhenAbsent public var honesty: Honesty?
    @NullWhenAbsent public var benchmark: Benchmark?
    public let monthly_returns: [CurveAnalytics.Month]
    public let rolling_sharpe_window_bars: Int
    public let trades: Trades
    @NullWhenAbsent public var model: Model?
    public let costs: Costs
    public let vetoes: [String: Int], resizes: [String: Int]
    @NullWhenAbsent public var orders: Int?
    @NullWhenAbsent public var fills: Int?
    public let notes: [String]

    /// A month of 30 days, in bars (at least 20 and at most half the curve): the rolling Sharpe window.
    static func window(_ i: TearsheetInput) -> Int {
        let month = Int((30 * 86_400_000) / max(1, i.intervalMs))
        return max(2, min(max(20, month), max(2, i.time.count / 2)))
    }

    public init(_ i: TearsheetInput) {
        source = i.source; title = i.title; strategies = i.strategies; symbol = i.symbol
        first = i.time.first.map(UTCTime.iso); last = i.time.last.map(UTCTime.iso); bars = i.time.count
        initial_equity = i.initialEquity; final_equity = i.equity.last ?? i.initialEquity
        metrics = i.metrics; psr = i.psr
        max_drawdown_duration_seconds = Double(i.metrics.maxDrawdownBars) * Double(i.intervalMs) / 1000
        honesty = i.honesty.map { h in
            let degradation: Double? = {
                guard let is_ = h.inSampleSharpe, let oos = h.outOfSampleSharpe, is_ != 0 else { return nil }
                return 1 - oos / is_
            }()
            return Honesty(trials: h.trials, dsr: h.dsr, psr: h.psr, in_sample_sharpe: h.inSampleSharpe, out_of_sample_sharpe: h.outOfSampleSharpe,
                           degradation: degradation)
        }
        benchmark = i.benchmark.map {
            let b = CurveAnalytics.buyAndHold($0, barsPerYear: i.barsPerYear)
            return Benchmark(symbol: i.symbol, total_return: b.totalReturn, sharpe: b.sharpe, max_drawdown: b.maxDrawdown)
        }
        monthly_returns = CurveAnalytics.monthly(time: i.time, equity: i.equity, initial: i.initialEquity)
        rolling_sharpe_window_bars = Self.window(i)
        let results = i.trades.map(\.result).sorted()
        trades = Trades(count: results.count, mean: results.isEmpty ? nil : results.reduce(0, +) / Double(results.count),
                        median: results.isEmpty ? nil : (results.count % 2 == 1 ? results[results.count / 2] : (results[results.count / 2 - 1] + results[results.count / 2]) / 2),
                        best: results.last, worst: results.first, histogram: CurveAnalytics.histogram(results))
        model = i.model.map { m in
            Model(name: m.name, ece: m.ece, ece_uncalibrated: m.eceUncalibrated,
                  reliability: m.reliability.map { Bin(lower: $0.lower, upper: $0.upper, count: $0.count, mean_probability: $0.meanProbability, frequency: $0.frequency) },
                  folds: m.folds.map { Fold(fold: $0.fold, test_samples: $0.testSamples, auc: $0.metrics.auc, log_loss: $0.metrics.logLoss, brier: $0.metrics.brier, accuracy: $0.metrics.accuracy) })
        }
        costs = Costs(fees: i.costs.fees, slippage: i.costs.slippage, without_costs_total_return: i.costs.withoutCosts?.totalReturn,
                      without_costs_sharpe: i.costs.withoutCosts?.sharpe, without_costs_final_equity: i.costs.withoutCostsFinalEquity)
        vetoes = i.vetoes; resizes = i.resizes; orders = i.orders; fills = i.fills; notes = i.notes
    }
}
