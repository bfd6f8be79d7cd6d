import ConfigFormat
import Foundation
import Market
import NumericKit
import Portfolio

/// Capital per strategy × its target × equity at the decision close ÷ that close → a quantity on
/// the instrument's grid, rounded towards zero. Weights start equal and are re-estimated once a
/// day at the configured minute from the strategies' own returns in the engine so far (never
/// from later bars).
public struct Allocator: Sendable {
    public private(set) var settings: PortfolioSettings
    public private(set) var weights: [Double]
    /// When the weights last changed (nil: still the starting ones).
    public private(set) var rebalancedAtMs: Int64?
    private var ring: [Double]            // window × strategies, a row per bar-time
    private var next = 0
    private var filled = 0
    private var lastRebalanceDay: Int64 = .min
    private let strategies: Int

    public init(strategies n: Int, settings: PortfolioSettings, weights start: [Double]? = nil) {
        strategies = n
        self.settings = settings
        weights = start ?? [Double](repeating: n > 0 ? 1 / Double(n) : 0, count: n)
        ring = [Double](repeating: 0, count: max(1, n * settings.window))
    }

    /// Switches the method from this bar-time on (an operator's `portfolio-method`): the weights
    /// stay until the next rebalance re-estimates them, except that `equal` is equal at once.
    public mutating func use(method: PortfolioSettings.Method) {
        settings.method = method
        if method == .equal { weights = [Double](repeating: strategies > 0 ? 1 / Double(strategies) : 0, count: strategies) }
    }

    /// One bar-time's return per strategy (P&L change over account equity).
    @inline(__always) public mutating func record(_ returns: UnsafeBufferPointer<Double>) {
        guard strategies > 1 else { return }
        let base = next * strategies
        for s in 0..<strategies { ring[base + s] = returns[s] }
        next += 1
        if next == settings.window { next = 0 }
        if filled < settings.window { filled += 1 }
    }

    /// Re-estimates the weights if this bar-time is the first at or after today's rebalance minute.
    /// Returns whether they were recomputed.
    @discardableResult
    public mutating func rebalanceIfDue(timeMs: Int64) -> Bool {
        guard strategies > 1, settings.method != .equal else { return false }
        let dayMs: Int64 = 86_400_000
        let day = timeMs >= 0 ? timeMs / dayMs : (timeMs - dayMs + 1) / dayMs
        guard day != lastRebalanceDay, timeMs - day * dayMs >= Int64(settings.rebalanceMinute) * 60_000 else { return false }
        lastRebalanceDay = day
        guard filled >= max(3, 2 * strategies) else { return false }
        guard let w = estimate() else { return false }
        weights = w
        rebalancedAtMs = timeMs
        return true
    }

    private func estimate() -> [Double]? {
        let n = strategies, rows = filled
        let returns = Matrix(rows: rows, columns: n, uninitializedWriter: { out in
            for r in 0..<rows { for s in 0..<n { out[s * rows + r] = ring[r * n + s] } }
        })
        let names = (0..<n).map { "s\($0)" }
        guard let data = try? AssetReturns(names: names, time: (0..<rows).map(Int64.init), matrix: returns),
              let covariance = try? CovarianceEstimator.sample.estimate(data).matrix else {
            return nil
        }
        let method: OptimizationMethod
        switch settings.method {
        case .equal: return nil
        case .inverseVolatility: method = .inverseVolatility
        case .riskParity: method = .riskParity
        case .minVariance: method = .minVariance
        }
        let cap = max(settings.cap, 1 / Double(n))
        return try? PortfolioOptimizer.optimize(method, names: names, covariance: covariance,
                                                bounds: WeightBounds(cap: cap)).weights
    }

    /// Signed steps for strategy `s` at `target` (fraction of its capital) with account `equity`
    /// at `close`.
    @inline(__always)
    public func quantity(strategy s: Int, target: Double, equity: Double, close: Double, grid: Instrument) -> Int64 {
        guard target != 0, equity > 0, close > 0 else { return 0 }
        return grid.steps(towardZero: weights[s] * target * equity / close)
    }
}
