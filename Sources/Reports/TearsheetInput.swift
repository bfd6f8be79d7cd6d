import Backtest
import Learning

/// Everything a tearsheet is drawn from: one run's curve, trades, metrics and what is known about
/// how it was found, trained and risk-managed. Built by `ReportSource` from a backtest, a stored
/// backtest or the paper ledger.
public struct TearsheetInput: Sendable {
    /// The discovery record behind a strategy: how many trials it beat and how far it fell out of sample.
    public struct Honesty: Sendable {
        public var trials: Int?
        public var dsr: Double?
        public var psr: Double?
        public var inSampleSharpe: Double?
        public var outOfSampleSharpe: Double?
        public init(trials: Int?, dsr: Double?, psr: Double?, inSampleSharpe: Double?, outOfSampleSharpe: Double?) {
            self.trials = trials; self.dsr = dsr; self.psr = psr; self.inSampleSharpe = inSampleSharpe; self.outOfSampleSharpe = outOfSampleSharpe
        }
    }

    /// The model's calibration: out-of-fold probabilities against their labels, and per-fold metrics.
    public struct Model: Sendable {
        public var name: String
        public var ece: Double
        public var eceUncalibrated: Double?
        public var reliability: [Calibration.ReliabilityBin]
        public var folds: [FoldReport]
        public init(name: String, ece: Double, eceUncalibrated: Double?, reliability: [Calibration.ReliabilityBin], folds: [FoldReport]) {
            self.name = name; self.ece = ece; self.eceUncalibrated = eceUncalibrated; self.reliability = reliability; self.folds = folds
        }
    }

    /// What trading cost, and the same run without it.
    public struct Costs: Sendable {
        public var fees: Double
        public var slippage: Double?
        public var withoutCosts: PerformanceMetrics?
        public var withoutCostsFinalEquity: Double?
        public init(fees: Double, slippage: Double?, withoutCosts: PerformanceMetrics?, withoutCostsFinalEquity: Double?) {
            self.fees = fees; self.slippage = slippage; self.withoutCosts = withoutCosts; self.withoutCostsFinalEquity = withoutCostsFinalEquity
        }
    }

    /// A closed trade's result as a fraction of the equity at its entry.
    public struct TradeResult: Sendable {
        public var entryMs: Int64, exitMs: Int64?, result: Double
        public init(entryMs: Int64, exitMs: Int64?, result: Double) { self.entryMs = entryMs; self.exitMs = exitMs; self.result = result }
    }

    public var source: String
    public var title: String
    public var strategies: [String]
    public var symbol: String
    public var intervalMs: Int64
    public var barsPerYear: Double
    public var initialEquity: Double
    /// Bar open times; equity marked at each bar's close.
    public var time: [Int64]
    public var equity: [Double]
    public var returns: [Double]
    /// Gross exposure at each close as a fraction of equity (nil: not recorded for this source).
    public var exposure: [Double]?
    public var trades: [TradeResult]
    public var metrics: PerformanceMetrics
    public var psr: Double?
    /// The symbol's closes at `time` (buy and hold of the same symbol).
    public var benchmark: [Double]?
    public var honesty: Honesty?
    public var model: Model?
    public var costs: Costs
    /// Risk-manager decisions by rule, and each veto's and resize's time.
    public var vetoes: [String: Int]
    public var resizes: [String: Int]
    public var riskEventTimes: [(rule: String, kind: String, timeMs: Int64)]
    public var orders: Int?
    public var fills: Int?
    /// Sections this source cannot fill, said on the page and in the JSON.
    public var notes: [String]

    public init(source: String, title: String, strategies: [String], symbol: String, intervalMs: Int64, barsPerYear: Double, initialEquity: Double,
                time: [Int64], equity: [Double], returns: [Double], exposure: [Double]?, trades: [TradeResult], metrics: PerformanceMetrics, psr: Double?,
                benchmark: [Double]?, honesty: Honesty?, model: Model?, costs: Costs, vetoes: [String: Int], resizes: [String: Int],
                riskEventTimes: [(rule: String, kind: String, timeMs: Int64)], orders: Int?, fills: Int?, notes: [String]) {
        precondition(time.count == equity.count && time.count == returns.count, "curve columns differ in length")
        self.source = source; self.title = title; self.strategies = strategies; self.symbol = symbol; self.intervalMs = intervalMs
        self.barsPerYear = barsPerYear; self.initialEquity = initialEquity; self.time = time; self.equity = equity; self.returns = returns
        self.exposure = exposure; self.trades = trades; self.metrics = metrics; self.psr = psr; self.benchmark = benchmark; self.honesty = honesty
        self.model = model; self.costs = costs; self.vetoes = vetoes; self.resizes = resizes; self.riskEventTimes = riskEventTimes
        self.orders = orders; self.fills = fills; self.notes = notes
    }
}
