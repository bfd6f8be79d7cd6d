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
    /// Bars of the average true range the `atr` exit measures in (Wilder, as `ATRRatio`).
    public var atrPeriod: Int
    /// Bars of realised volatility the volatility-target sizing divides by.
    public var volatilityPeriod: Int

    public init(threshold: Double, exit: Exit, sizing: Sizing = .fixed(fraction: 1), longShort: Bool = false,
                atrPeriod: Int = 14, volatilityPeriod: Int = 60) {
        self.threshold = threshold
        self.exit = exit
        self.sizing = sizing
        self.longShort = longShort
        self.atrPeriod = atrPeriod
        self.volatilityPeriod = volatilityPeriod
    }

    /// Targets for every bar: `SignalState.step` over the series. `probability[t]` is NaN where
    /// there is no prediction (flat then). `atr` and `volatility` (per-bar σ of returns) are as
    /// known at each close; `barsPerYear` annualises volatility for sizing.
    public func targets(probability p: [Double], close: [Double], atr: [Double], volatility: [Double], barsPerYear: Double) -> [Double] {
        var state = SignalState()
        let scale = barsPerYear.squareRoot()
        return (0..<p.count).map { t in
            state.step(self, probability: p[t], close: close[t], atr: atr[t], volatility: volatility[t], annualization: scale)
        }
    }

    var exitNeedsATR: Bool { if case .atr = exit { return true }; return false }
}

/// The open position as the signal rules see it, carried from one bar's close to the next: the
/// service steps it bar by bar, a backtest loops over it, so both decide alike.
public struct SignalState: Sendable, Equatable, Codable {
    /// +1 long, −1 short, 0 flat.
    public private(set) var side = 0
    /// Size of the open position, as a fraction of equity (before the side).
    public private(set) var size = 0.0
    /// Bars held since the entry decision.
    public private(set) var held = 0
    public private(set) var entryClose = 0.0
    public private(set) var entryATR = 0.0

    public init() {}

    /// The target exposure decided at this close. `annualization` is √(bars per year).
    @inline(__always)
    public mutating func step(_ rules: SignalRules, probability p: Double, close: Double, atr: Double, volatility: Double,
                              annualization: Double) -> Double {
        // The direction the probability points to; a bearish one closes a long even when it may
        // not open a short.
        let direction: Int = p.isNaN ? 0 : (p >= rules.threshold ? 1 : (p <= 1 - rules.threshold ? -1 : 0))
        let signal = direction == -1 && !rules.longShort ? 0 : direction
        if side != 0 {
            held += 1
            var closing = false
            switch rules.exit {
            case .hold(let bars): closing = held >= bars
            case .opposite: closing = direction == -side || p.isNaN
            case let .atr(tp, sl, bars):
                let move = (close - entryClose) * Double(side)
                closing = held >= bars || move >= tp * entryATR || move <= -sl * entryATR
            }
            if closing { side = 0; size = 0 }
        }
        if side == 0 && signal != 0 {
            let vol = volatility * annualization
            switch rules.sizing {
            case .fixed(let f): size = f
            case .volatilityTarget(let target): size = vol > 0 && vol.isFinite ? target / vol : 0
            }
            if size > 0, !(rules.exitNeedsATR && !(atr > 0)) {
                side = signal; held = 0; entryClose = close; entryATR = atr
            } else {
                size = 0
            }
        }
        return Double(side) * size
    }
}
