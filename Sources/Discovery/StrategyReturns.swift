import Market
import Foundation
import Store

/// The bar returns of stored strategies side by side: each strategy's latest stored backtest,
/// kept on the timestamps all of them share (the input of a portfolio across strategies).
public enum StrategyReturns {
    public static func aligned(_ store: DataStore, status: StrategyRecord.Status) throws -> (names: [String], time: [Int64], returns: [[Double]]) {
        let strategies = try store.strategies.list(status: status).sorted { $0.name < $1.name }
        guard !strategies.isEmpty else { throw Failure(.notFound, "no strategies with status \(status.rawValue)") }
        let curves = try strategies.map { s -> BacktestRecord in
            guard let b = try store.backtests.latest(strategy: s.name) else {
                throw Failure(.notFound, "strategy '\(s.name)' has no stored backtest; run `mlbot backtest --strategy \(s.name)`")
            }
            return b
        }
        var common = Set(curves[0].time)
        for c in curves.dropFirst() { common.formIntersection(c.time) }
        let time = common.sorted()
        guard time.count >= 3 else {
            throw Failure(.badInput, "the \(status.rawValue) strategies' backtests share only \(time.count) bars; they must overlap in time")
        }
        let returns = curves.map { c -> [Double] in
            let index = Dictionary(uniqueKeysWithValues: c.time.enumerated().map { ($1, $0) })
            return time.map { c.returns[index[$0]!] }
        }
        return (strategies.map(\.name), time, returns)
    }
}
