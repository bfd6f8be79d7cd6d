import Backtest
import Foundation
import Market
import Store

/// Converts an evaluation's backtest to and from its stored form.
public enum BacktestStorage {
    /// Metrics as stored: sorted keys, non-finite values as "inf"/"-inf"/"nan".
    public static func json(_ m: PerformanceMetrics) throws -> String { try StoredJSON.encode(m) }

    public static func metrics(json: String) throws -> PerformanceMetrics { try StoredJSON.decode(PerformanceMetrics.self, from: json) }

    public static func record(_ e: StrategyEvaluation, strategy: String) throws -> BacktestRecord {
        try record(e.backtest, psr: e.psr, strategy: strategy)
    }

    public static func record(_ r: BacktestResult, psr: Double, strategy: String) throws -> BacktestRecord {
        BacktestRecord(strategy: strategy, createdMs: UTCTime.nowMs(),
                              metricsJSON: try json(r.metrics), psr: psr,
                              time: r.time, equity: r.equity, returns: r.returns, exposure: r.exposure,
                              trades: rows(r.trades))
    }

    /// Trades in their stored form.
    public static func rows(_ trades: [Trade]) -> [BacktestRecord.TradeRow] {
        trades.map { t in
            BacktestRecord.TradeRow(side: t.side, entryMs: t.entryTime, entryPrice: t.entryPrice, exitMs: t.exitTime, exitPrice: t.exitPrice,
                                    result: t.result, bars: t.bars)
        }
    }


    /// The equity curve as CSV: timestamp, equity, return, exposure.
    public static func equityCSV(time: [Int64], equity: [Double], returns: [Double], exposure: [Double]) -> String {
        var text = "timestamp,equity,return,exposure\n"
        for t in time.indices { text += "\(time[t]),\(equity[t]),\(returns[t]),\(exposure[t])\n" }
        return text
    }

    /// The trade list as CSV.
    public static func tradesCSV(_ trades: [BacktestRecord.TradeRow]) -> String {
        var text = "side,entry_time,entry_price,exit_time,exit_price,result,bars\n"
        for t in trades {
            text += "\(t.side),\(t.entryMs),\(t.entryPrice),\(t.exitMs.map(String.init) ?? ""),\(t.exitPrice.map { "\($0)" } ?? ""),\(t.result),\(t.bars)\n"
        }
        return text
    }
}
