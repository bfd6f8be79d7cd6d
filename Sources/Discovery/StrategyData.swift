import Features
import Foundation
import Market
import Store

/// The bars a strategy is evaluated on, loaded the same way by `backtest` and `discover` so that
/// a saved strategy's figures can be reproduced exactly: the symbol's bars in [from, to], then
/// the reference symbol's bars over the range the symbol's bars actually span.
public enum StrategyData {

    public static func load(_ store: DataStore, symbol: Symbol, interval: Interval, set: FeatureSet, from: Int64?, to: Int64?) throws
        -> (series: BarSeries, reference: BarSeries?) {
        let series = try store.bars.series(symbol: symbol, interval: interval, from: from, to: to)
        guard let first = series.openTime.first, let last = series.openTime.last else {
            throw Failure(.notFound, "no \(symbol.name) \(interval.name) bars in \(store.path) for this range")
        }
        let reference = try set.reference.map { name -> BarSeries in
            let r = try store.bars.series(symbol: try Symbol(name), interval: interval, from: first, to: last)
            guard !r.isEmpty else {
                throw Failure(.notFound, "feature set '\(set.name)' needs reference \(name) \(interval.name) bars over \(UTCTime.iso(first)) … \(UTCTime.iso(last)); none in \(store.path)")
            }
            return r
        }
        return (series, reference)
    }

    /// Refuses a feature set whose outputs change when only later bars change.
    public static func checkLookAhead(_ set: FeatureSet) throws {
        let violations = LookAheadCheck.run(FeaturePipeline(set), on: FeatureSetCheck.syntheticInput(bars: max(2000, set.warmUp * 4)), trials: 8)
        if let v = violations.first {
            throw Failure(.refused, "feature set '\(set.name)' fails the look-ahead check: \(v) — refusing to use it")
        }
    }
}
