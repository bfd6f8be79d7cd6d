import Foundation

/// Performance of one backtest, annualised from the bar interval (risk-free rate 0).
public struct PerformanceMetrics: Sendable, Equatable, Codable {
    public var bars = 0
    public var totalReturn = 0.0
    public var annualizedReturn = 0.0
    /// Sample standard deviation of bar returns × √(bars per year).
    public var annualizedVolatility = 0.0
    public var sharpe = 0.0
    /// Mean bar return over the root-mean-square of the negative bar returns, × √(bars per year).
    public var sortino = 0.0
    /// Largest fall from an equity high, as a fraction of that high.
    public var maxDrawdown = 0.0
    /// Longest stretch of bars spent below a previous equity high.
    public var maxDrawdownBars = 0
    public var calmar = 0.0
    /// Traded notional over average equity, per year.
    public var annualizedTurnover = 0.0
    /// Closed round trips (entry to exit or flip).
    public var trades = 0
    /// Share of closed trades with a positive result after costs.
    public var hitRate = 0.0
    /// Mean result of a closed trade, as a fraction of the equity at its entry.
    public var averageTrade = 0.0
    /// Share of bars with a position held at the close.
    public var exposure = 0.0
    public var fees = 0.0
}

/// Builds `PerformanceMetrics` from one bar at a time in O(1) memory (the grid kernel keeps no curves).
public struct MetricsAccumulator: Sendable {
    let barsPerYear: Double
    let start: Double
    private var n = 0
    private var mean = 0.0, m2 = 0.0, downside = 0.0
    private var peak: Double
    private var maxDrawdown = 0.0
    private var underwater = 0, longestUnderwater = 0
    private var exposed = 0
    private var last: Double
    private var equitySum = 0.0
    // Trades: equity at the entry of the open position, and its sign.
    private var entryEquity = 0.0
    private var openSide = 0
    private var trades = 0, wins = 0
    private var tradeReturnSum = 0.0

    public init(barsPerYear: Double, initialEquity: Double = 1) {
        self.barsPerYear = barsPerYear
        start = initialEquity
        peak = initialEquity
        last = initialEquity
    }

    /// Adds a bar: its return, the equity at its close, and the side held after its open.
    @inline(__always)
    public mutating func add(barReturn r: Double, equity: Double, side: Int, equityAtOpen: Double) {
        n += 1
        let d = r - mean
        mean += d / Double(n)
        m2 += d * (r - mean)
        if r < 0 { downside += r * r }
        if side != openSide {
            // A position closed or flipped at this bar's open.
            if openSide != 0 { closeTrade(at: equityAtOpen) }
            if side != 0 { entryEquity = equityAtOpen }
            openSide = side
        }
        if side != 0 { exposed += 1 }
        if equity > peak { peak = equity; underwater = 0 } else {
            maxDrawdown = max(maxDrawdown, 1 - equity / peak)
            if equity < peak { underwater += 1; longestUnderwater = max(longestUnderwater, underwater) }
        }
        equitySum += equity
        last = equity
    }

    @inline(__always) private mutating func closeTrade(at equity: Double) {
        let result = entryEquity != 0 ? equity / entryEquity - 1 : 0
        trades += 1
        if result > 0 { wins += 1 }
        tradeReturnSum += result
    }

    /// The metrics so far; an open position is closed at the last equity for trade statistics.
    public func finish(fees: Double, tradedNotional: Double) -> PerformanceMetrics {
        var a = self
        if a.openSide != 0 { a.closeTrade(at: a.last) }
        var m = PerformanceMetrics()
        m.bars = n
        guard n > 0 else { return m }
        m.totalReturn = last / start - 1
        let years = Double(n) / barsPerYear
        m.annualizedReturn = last > 0 ? pow(last / start, 1 / years) - 1 : -1
        let sd = n > 1 ? (m2 / Double(n - 1)).squareRoot() : 0
        m.annualizedVolatility = sd * barsPerYear.squareRoot()
        m.sharpe = sd > 0 ? mean / sd * barsPerYear.squareRoot() : 0
        let dd = (downside / Double(n)).squareRoot()
        m.sortino = dd > 0 ? mean / dd * barsPerYear.squareRoot() : 0
        m.maxDrawdown = maxDrawdown
        m.maxDrawdownBars = longestUnderwater
        m.calmar = maxDrawdown > 0 ? m.annualizedReturn / maxDrawdown : 0
        m.annualizedTurnover = equitySum > 0 ? tradedNotional / (equitySum / Double(n)) / years : 0
        m.trades = a.trades
        m.hitRate = a.trades > 0 ? Double(a.wins) / Double(a.trades) : 0
        m.averageTrade = a.trades > 0 ? a.tradeReturnSum / Double(a.trades) : 0
        m.exposure = Double(exposed) / Double(n)
        m.fees = fees
        return m
    }
}
