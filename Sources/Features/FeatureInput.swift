import Foundation
import Market

/// The columns every kernel reads, contiguous and aligned by row: one symbol's bars, its log
/// closes (computed once, shared by all return-based kernels) and, for cross-asset kernels, the
/// reference symbol's log close as of each bar (NaN before the reference's first bar).
public struct FeatureInput: Sendable {
    public let time: [Int64]
    public let open: [Double]
    public let high: [Double]
    public let low: [Double]
    public let close: [Double]
    public let volume: [Double]
    public let logClose: [Double]
    public let referenceLogClose: [Double]
    public let intervalMs: Int64

    public var count: Int { time.count }

    /// Aligns `reference` to `series` by time: the reference close used at bar t is that of the
    /// reference's newest bar with open time ≤ t (carried forward over its gaps, never from later).
    public init(_ series: BarSeries, reference: BarSeries? = nil) {
        time = series.openTime
        open = series.open
        high = series.high
        low = series.low
        close = series.close
        volume = series.volume
        logClose = series.close.map { Foundation.log($0) }
        intervalMs = series.interval.milliseconds
        var ref = [Double](repeating: .nan, count: series.count)
        if let reference {
            var j = 0
            var last = Double.nan
            for i in 0..<series.count {
                while j < reference.count && reference.openTime[j] <= series.openTime[i] {
                    last = Foundation.log(reference.close[j]); j += 1
                }
                ref[i] = last
            }
        }
        referenceLogClose = ref
    }

    /// Builds input from columns (log closes are computed here); the reference is already aligned.
    public init(time: [Int64], open: [Double], high: [Double], low: [Double], close: [Double], volume: [Double],
                referenceLogClose: [Double]? = nil, intervalMs: Int64) {
        self.time = time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        logClose = close.map { Foundation.log($0) }
        self.referenceLogClose = referenceLogClose ?? [Double](repeating: .nan, count: time.count)
        self.intervalMs = intervalMs
    }

    /// One row as a streaming bar.
    public func bar(_ i: Int) -> InputBar {
        InputBar(time: time[i], open: open[i], high: high[i], low: low[i], close: close[i], volume: volume[i],
                 logClose: logClose[i], referenceLogClose: referenceLogClose[i])
    }
}

/// One bar as the streaming kernels see it.
public struct InputBar: Sendable, Equatable {
    public var time: Int64
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double
    public var logClose: Double
    /// Reference symbol's log close as of this bar (NaN when there is none).
    public var referenceLogClose: Double

    public init(time: Int64, open: Double, high: Double, low: Double, close: Double, volume: Double,
                logClose: Double, referenceLogClose: Double = .nan) {
        self.time = time; self.open = open; self.high = high; self.low = low; self.close = close
        self.volume = volume; self.logClose = logClose; self.referenceLogClose = referenceLogClose
    }
}
