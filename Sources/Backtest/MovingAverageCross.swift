import Dispatch
import Market
import NumericKit
import Synchronization

/// The moving-average-cross family: long while SMA(fast) of close is above SMA(slow), flat
/// otherwise (decided at each close, so executed at the next open). Also the backtest kernel's
/// benchmark: a whole fast × slow grid over one series, each combination in O(1) memory.
public enum MovingAverageCross {
    /// Simple moving averages of `x` for every window in `windows`, from one prefix sum
    /// (NaN before a window is full).
    public static func averages(_ x: [Double], windows: [Int]) -> [Int: [Double]] {
        var prefix = [Double](repeating: 0, count: x.count + 1)
        for i in x.indices { prefix[i + 1] = prefix[i] + x[i] }
        var out: [Int: [Double]] = [:]
        for w in Set(windows) {
            var a = [Double](repeating: .nan, count: x.count)
            if w <= x.count { for t in (w - 1)..<x.count { a[t] = (prefix[t + 1] - prefix[t + 1 - w]) / Double(w) } }
            out[w] = a
        }
        return out
    }

    /// Targets for one (fast, slow) pair.
    public static func targets(fast: [Double], slow: [Double]) -> [Double] {
        zip(fast, slow).map { $0 > $1 ? 1 : 0 }
    }

    /// One grid point's result.
    public struct GridResult: Sendable, Equatable {
        public let fast: Int
        public let slow: Int
        public let metrics: PerformanceMetrics
    }

    /// Every (fast, slow) pair (as vectorbt's grid does, including fast ≥ slow), on `threads`
    /// workers; results in grid order.
    public static func grid(_ bars: BarSeries, fast: [Int], slow: [Int], model: ExecutionModel, threads: Int = 2) -> [GridResult] {
        let pairs = fast.flatMap { f in slow.map { (f, $0) } }
        let sma = averages(bars.close, windows: fast + slow)
        var results = [GridResult?](repeating: nil, count: pairs.count)
        let next = Atomic<Int>(0)
        results.withUnsafeMutableBufferPointer { out in
            let sink = UncheckedSendable(out.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, pairs.count))) { _ in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < pairs.count else { return }
                    let (f, s) = pairs[i]
                    sink.value[i] = GridResult(fast: f, slow: s, metrics: run(bars, fast: sma[f]!, slow: sma[s]!, model: model))
                }
            }
        }
        return results.map { $0! }
    }

    /// One combination through the simulator, keeping only the metrics.
    static func run(_ bars: BarSeries, fast: [Double], slow: [Double], model: ExecutionModel) -> PerformanceMetrics {
        var sim = Simulator(model: model)
        var acc = MetricsAccumulator(barsPerYear: bars.interval.barsPerYear)
        let o = bars.open, h = bars.high, l = bars.low, c = bars.close
        for t in 0..<bars.count {
            let target: Double = fast[t] > slow[t] ? 1 : 0
            let s = sim.step(open: o[t], high: h[t], low: l[t], close: c[t], target: target)
            acc.add(barReturn: s.barReturn, equity: s.equity, side: s.side, equityAtOpen: s.equityAtOpen)
        }
        return acc.finish(fees: sim.feesPaid, tradedNotional: sim.tradedNotional)
    }
}
