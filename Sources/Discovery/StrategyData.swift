import Features
import Foundation
import Market
import MarketData
import Store

/// The bars a strategy is evaluated on: the one series loader (history anchor, reference aligned
/// to the symbol's span, use from `from`) behind the feature set's look-ahead gate.
public enum StrategyData {
    public static func load(_ store: any ResearchStore, symbol: Symbol, interval: Interval, set: FeatureSet, from: Int64?, to: Int64?) throws -> LoadedSeries {
        try set.requireNoLookAhead()
        return try loadChecked(store, symbol: symbol, interval: interval, set: set, from: from, to: to)
    }

    /// The same for a set that already passed the gate (callers loading several symbols of one
    /// set check it once: the check replays the set on synthetic bars).
    public static func loadChecked(_ store: any ResearchStore, symbol: Symbol, interval: Interval, set: FeatureSet, from: Int64?, to: Int64?) throws -> LoadedSeries {
        try SeriesLoader.load(store, symbol: symbol, interval: interval, reference: try set.referenceSymbol(), from: from, to: to)
    }
}
