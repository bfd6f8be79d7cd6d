import Foundation

/// How calibrated probabilities become target exposures, decided at each bar's close.
public struct SignalRules: Sendable, Equatable, Codable {
    /// When an open position is closed.
    public enum Exit: Sendable, Equatable, Codable {
        /// After `bars` bars (the label horizon).
        case hold(bars: Int)
        /// When the opposite signal appears.
        case opposite
        /// Take-profit / stop at entry close ± multiples of ATR at entry, or after `bars` bars.
        case atr(takeProfit: Double, stopLoss: Double, bars: Int)
    }

    /// How big a position is.
    public enum Sizing: Sendable, Equatable, Codable {
        /// A fixed fraction of equity.
        case fixed(fraction: Double)
        /// Annualised volatility target divided by the realised volatility at entry, capped by the
        /// execution model's max exposure.
        case volatilityTarget(annual: Double)
    }

    /// Enter long when p ≥ threshold (short when p ≤ 1 − threshold and shorts are allowed).
    public var threshold: Double
    public var exit: Exit
    public var sizing: Sizing
    public var longShort: Bool

    public init(threshold: Double, exit: Exit, sizing: Sizing = .fixed(fraction: 1), longShort: Bool = false) {
        self.threshold = threshold
        self.exit = exit
        self.sizing = sizing
        self.longShort = longShort
    }

    /// Targets for every bar. `probability[t]` is NaN where there is no prediction (flat then).
    /// `atr` and `volatility` (per-bar σ of returns) are as known at each close; `barsPerYear`
    /// annualises volatility for sizing.
    public func targets(probability p: [Double], close: [Double], atr: [Double], volatility: [Double], barsPerYear: Double) -> [Double] {
        let n = p.count
        var out = [Double](repeating: 0, count: n)
        var side = 0, size = 0.0, held = 0
        var entryClose = 0.0, entryATR = 0.0
        for t in 0..<n {
            // The direction the probability points to; a bearish one closes a long even when it
            // may not open a short.
            let direction: Int = p[t].isNaN ? 0 : (p[t] >= threshold ? 1 : (p[t] <= 1 - threshold ? -1 : 0))
            let signal = direction == -1 && !longShort ? 0 : direction
            if side != 0 {
                held += 1
                var close_ = false
                switch exit {
                case .hold(let bars): close_ = held >= bars
                case .opposite: close_ = direction == -side || p[t].isNaN
                case let .atr(tp, sl, bars):
                    let move = (close[t] - entryClose) * Double(side)
                    close_ = held >= bars || move >= tp * entryATR || move <= -sl * entryATR
                }
                if close_ { side = 0; size = 0 }
            }
            if side == 0 && signal != 0 {
                let vol = volatility[t] * barsPerYear.squareRoot()
                switch sizing {
                case .fixed(let f): size = f
                case .volatilityTarget(let target): size = vol > 0 && vol.isFinite ? target / vol : 0
                }
                if size > 0, !(exitNeedsATR && !(atr[t] > 0)) {
                    side = signal; held = 0; entryClose = close[t]; entryATR = atr[t]
                } else {
                    size = 0
                }
            }
            out[t] = Double(side) * size
        }
        return out
    }

    private var exitNeedsATR: Bool { if case .atr = exit { return true }; return false }
}
