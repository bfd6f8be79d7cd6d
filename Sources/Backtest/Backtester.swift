import Market

/// A closed (or still open) position from entry to exit.
public struct Trade: Sendable, Equatable, Codable {
    public let side: Int
    public let entryTime: Int64
    public let entryPrice: Double
    public var exitTime: Int64?
    public var exitPrice: Double?
    /// Equity change from the entry fill to the exit fill, as a fraction of equity at entry.
    public var result: Double
    public var bars: Int

    public init(side: Int, entryTime: Int64, entryPrice: Double, exitTime: Int64? = nil, exitPrice: Double? = nil, result: Double, bars: Int) {
        self.side = side; self.entryTime = entryTime; self.entryPrice = entryPrice; self.exitTime = exitTime; self.exitPrice = exitPrice
        self.result = result; self.bars = bars
    }
}

/// A full backtest: equity curve, bar returns, trades and metrics.
public struct BacktestResult: Sendable {
    public let time: [Int64]
    public let equity: [Double]
    public let returns: [Double]
    public let exposure: [Double]
    public let trades: [Trade]
    public let metrics: PerformanceMetrics

    public init(time: [Int64], equity: [Double], returns: [Double], exposure: [Double], trades: [Trade], metrics: PerformanceMetrics) {
        self.time = time; self.equity = equity; self.returns = returns; self.exposure = exposure; self.trades = trades; self.metrics = metrics
    }
}

/// Runs target exposures through the simulator. `targets[t]` is decided at the close of bar t
/// and can only trade at the open of bar t + 1.
public enum Backtester {
    public static func run(_ bars: BarSeries, targets: [Double], model: ExecutionModel, initialEquity: Double = 1) -> BacktestResult {
        precondition(targets.count == bars.count, "one target per bar")
        let n = bars.count
        var sim = Simulator(model: model, initialEquity: initialEquity)
        var acc = MetricsAccumulator(barsPerYear: bars.interval.barsPerYear, initialEquity: initialEquity)
        var equity = [Double](repeating: 0, count: n), returns = equity, exposure = equity
        var trades: [Trade] = []
        var open: Trade?
        for t in 0..<n {
            let s = sim.step(open: bars.open[t], high: bars.high[t], low: bars.low[t], close: bars.close[t], target: targets[t])
            if s.traded != 0 {
                let side = s.side
                if var o = open, o.side != side {
                    let entry = o.result  // holds the equity at entry while open
                    o.exitTime = bars.openTime[t]; o.exitPrice = s.fillPrice
                    o.result = s.equityAtOpen / entry - 1
                    trades.append(o)
                    open = nil
                }
                if side != 0 && open == nil {
                    open = Trade(side: side, entryTime: bars.openTime[t], entryPrice: s.fillPrice, exitTime: nil, exitPrice: nil,
                                 result: s.equityAtOpen, bars: 0)
                }
            }
            if open != nil { open!.bars += 1 }
            acc.add(barReturn: s.barReturn, equity: s.equity, side: s.side, equityAtOpen: s.equityAtOpen)
            equity[t] = s.equity; returns[t] = s.barReturn; exposure[t] = sim.exposure(close: bars.close[t])
        }
        if var o = open {
            o.result = (equity.last ?? o.result) / o.result - 1
            trades.append(o)
        }
        return BacktestResult(time: bars.openTime, equity: equity, returns: returns, exposure: exposure, trades: trades,
                              metrics: acc.finish(fees: sim.feesPaid, tradedNotional: sim.tradedNotional))
    }
}
