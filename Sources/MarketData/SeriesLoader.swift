import Market
import Store

/// One symbol's bars as every part of mlbot reads them: from the symbol's first stored bar (its
/// history anchor, so recursive indicators such as EMAs and Wilder averages are seeded at the same
/// bar in `train`, `features compute`, `backtest`, `discover` and the engine), up to `to`; the
/// reference symbol's bars over exactly the span the symbol's bars cover; and the index of the
/// first bar at or after `from`, where use (training, output, trading) begins.
public struct LoadedSeries: Sendable {
    public let series: BarSeries
    public let reference: BarSeries?
    /// Index in `series` of the first bar at or after the requested start (0 without one).
    public let fromIndex: Int

    public init(series: BarSeries, reference: BarSeries?, fromIndex: Int = 0) {
        self.series = series
        self.reference = reference
        self.fromIndex = fromIndex
    }

    /// Open time of the first bar used.
    public var fromMs: Int64 { series.openTime[fromIndex] }
    /// Bars from `fromIndex` on.
    public var usedCount: Int { series.count - fromIndex }
}

/// The one series loader (see `LoadedSeries`).
public enum SeriesLoader {
    public static func load(_ store: any ResearchStore, symbol: Symbol, interval: Interval, reference: Symbol?, from: Int64?, to: Int64?) throws -> LoadedSeries {
        let series = try store.bars.series(symbol: symbol, interval: interval, from: nil, to: to)
        let fromIndex = from.map { f in series.openTime.firstIndex { $0 >= f } ?? series.count } ?? 0
        guard let first = series.openTime.first, let last = series.openTime.last, fromIndex < series.count else {
            let range = "\(from.map(UTCTime.iso) ?? "the first bar") … \(to.map(UTCTime.iso) ?? "the last bar")"
            throw Failure(.notFound, "no \(symbol.name) \(interval.name) bars in \(store.location) over \(range)")
        }
        let ref = try reference.map { r -> BarSeries in
            let s = try store.bars.series(symbol: r, interval: interval, from: first, to: last)
            guard !s.isEmpty else {
                throw Failure(.notFound, "\(symbol.name) \(interval.name) features: the set needs reference \(r.name) \(interval.name) bars over \(UTCTime.iso(first)) … \(UTCTime.iso(last)); none in \(store.location)")
            }
            return s
        }
        return LoadedSeries(series: series, reference: ref, fromIndex: fromIndex)
    }
}
