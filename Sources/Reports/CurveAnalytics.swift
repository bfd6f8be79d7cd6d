import Foundation

/// Series derived from an equity curve for a tearsheet: drawdown, monthly returns, rolling Sharpe,
/// a histogram. Plain loops over the curve, O(n).
public enum CurveAnalytics {
    /// Fall below the running high at each point, as a negative fraction (0 at a new high).
    public static func underwater(_ equity: [Double], initial: Double) -> [Double] {
        var peak = initial
        return equity.map { e in
            peak = max(peak, e)
            return peak > 0 ? e / peak - 1 : 0
        }
    }

    /// One calendar month (UTC) of returns.
    public struct Month: Sendable, Encodable, Equatable {
        public let month: String
        public let `return`: Double
    }

    /// Return of each UTC calendar month: its last equity over the previous month's last (the first over the initial equity).
    public static func monthly(time: [Int64], equity: [Double], initial: Double) -> [Month] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var out: [Month] = []
        var base = initial, current: (Int, Int)?, last = initial
        for (t, e) in zip(time, equity) {
            let c = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: Double(t) / 1000))
            let key = (c.year!, c.month!)
            if let k = current, k != key {
                out.append(Month(month: String(format: "%04d-%02d", k.0, k.1), return: base > 0 ? last / base - 1 : 0))
                base = last
            }
            current = key; last = e
        }
        if let k = current { out.append(Month(month: String(format: "%04d-%02d", k.0, k.1), return: base > 0 ? last / base - 1 : 0)) }
        return out
    }

    /// Annualised Sharpe ratio of the last `window` bar returns at each bar (NaN until the window fills).
    public static func rollingSharpe(_ returns: [Double], window: Int, barsPerYear: Double) -> [Double] {
        guard window > 1 else { return returns.map { _ in .nan } }
        var out = [Double](repeating: .nan, count: returns.count)
        var sum = 0.0, sumSq = 0.0
        let scale = barsPerYear.squareRoot(), w = Double(window)
        for i in returns.indices {
            sum += returns[i]; sumSq += returns[i] * returns[i]
            if i >= window { sum -= returns[i - window]; sumSq -= returns[i - window] * returns[i - window] }
            if i >= window - 1 {
                let mean = sum / w, variance = max(0, (sumSq - w * mean * mean) / (w - 1))
                out[i] = variance > 1e-24 ? mean / variance.squareRoot() * scale : .nan
            }
        }
        return out
    }

    /// Counts of `values` in `bins` equal-width bins over their range.
    public struct Bin: Sendable, Encodable, Equatable {
        public let from: Double, to: Double, count: Int
    }

    public static func histogram(_ values: [Double], bins: Int = 20) -> [Bin] {
        let v = values.filter(\.isFinite)
        guard let lo = v.min(), let hi = v.max() else { return [] }
        if hi == lo { return [Bin(from: lo, to: hi, count: v.count)] }
        let width = (hi - lo) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        for x in v { counts[min(bins - 1, Int((x - lo) / width))] += 1 }
        return (0..<bins).map { Bin(from: lo + Double($0) * width, to: lo + Double($0 + 1) * width, count: counts[$0]) }
    }

    /// Total return, annualised Sharpe and max drawdown of a price path held throughout.
    public static func buyAndHold(_ close: [Double], barsPerYear: Double) -> (totalReturn: Double, sharpe: Double, maxDrawdown: Double) {
        guard let first = close.first, let last = close.last, first > 0, close.count > 1 else { return (0, 0, 0) }
        var r: [Double] = []
        r.reserveCapacity(close.count - 1)
        for i in 1..<close.count { r.append(close[i] / close[i - 1] - 1) }
        let mean = r.reduce(0, +) / Double(r.count)
        let sd = r.count > 1 ? (r.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(r.count - 1)).squareRoot() : 0
        let dd = underwater(close, initial: first).min() ?? 0
        return (last / first - 1, sd > 0 ? mean / sd * barsPerYear.squareRoot() : 0, -dd)
    }
}
