import Backtest
import ConfigFormat
import Engine
import Foundation
import Market
import NumericKit
import Risk

/// A seeded random walk of one-minute bars whose OHLC are on a 0.01 grid.
func walk(_ name: String, bars n: Int, seed: UInt64, start: Double = 100, startMs: Int64 = 1_704_067_200_000) -> BarSeries {
    var rng = SeededRNG(seed: seed)
    var s = BarSeries(symbol: try! Symbol(name), interval: try! Interval("1m"), capacity: n)
    var price = start
    for t in 0..<n {
        let open = (price * 100).rounded() / 100
        let close = max(0.5, ((open * exp(0.002 * rng.normal())) * 100).rounded() / 100)
        let high = max(open, close) + (abs(rng.normal()) * 0.05 * 100).rounded() / 100
        let low = max(0.01, min(open, close) - (abs(rng.normal()) * 0.05 * 100).rounded() / 100)
        s.append(Bar(openTime: startMs + Int64(t) * 60_000, open: open, high: high, low: low, close: close, volume: 1000))
        price = close
    }
    return s
}

/// A strategy whose probabilities are given bar by bar.
func recorded(_ name: String, on series: BarSeries, p: [Double], rules: SignalRules, execution: ExecutionModel = ExecutionModel(allowShort: true),
              from: Int64 = .min) throws -> StrategyRuntime {
    try StrategyRuntime(name: name, symbol: series.symbol, interval: series.interval, set: nil, inputs: [], rules: rules, execution: execution,
                        source: .recorded(times: series.openTime, probabilities: p), tradeFromMs: from)
}

func grid(_ s: String, tick: String = "0.01", step: String = "0.001", minQty: String = "0.001", minNotional: Decimal = 0) -> Instrument {
    try! Instrument(symbol: try! Symbol(s), tickSize: Decimal(string: tick)!, quantityStep: Decimal(string: step)!,
                    minQuantity: Decimal(string: minQty)!, minNotional: minNotional)
}

/// Limits that never bind, so a test sees the engine's own arithmetic.
func looseLimits() -> RiskLimits {
    var l = RiskLimits()
    l.maxDrawdown = 1; l.maxDailyLoss = 1; l.maxPosition = 100; l.maxGrossExposure = 100; l.maxDailyTrades = 1_000_000
    l.maxOrderNotional = 1e15; l.maxCorrelation = 1; l.maxCorrelatedExposure = 100
    return l
}

func state(_ instruments: [Instrument], _ strategies: [StrategyRuntime], execution: ExecutionModel = ExecutionModel(allowShort: true),
           cash: Money = 10_000, limits: RiskLimits = looseLimits(), method: PortfolioSettings.Method = .equal) throws -> EngineState {
    try EngineState(instruments: instruments, strategies: strategies, broker: PaperBroker(execution: instruments.map { _ in execution }),
                    allocation: PortfolioSettings(method: method), initialCash: cash, limits: limits, startMs: 0)
}
