/// How the training target is built from bars after t (never used as a feature).
public enum LabelSpec: Sendable, Equatable {
    /// ln(close[t + h]) − ln(close[t]).
    case forwardReturn(horizon: Int)
    /// +1 / −1 by the sign of the forward log return; |r| ≤ deadZone counts as 0 (flat).
    case direction(horizon: Int, deadZone: Double, dropFlat: Bool)
    /// Triple barrier on bars t+1…t+h: +1 if high reaches close[t] + profitTake·ATR first, −1 if low
    /// reaches close[t] − stopLoss·ATR first (both in one bar counts as the stop: the cautious
    /// reading), else the direction label at the time limit. ATR is TA-Lib's ATR(atrPeriod) at t.
    case tripleBarrier(horizon: Int, profitTake: Double, stopLoss: Double, atrPeriod: Int, deadZone: Double)

    public var horizon: Int {
        switch self {
        case .forwardReturn(let h), .direction(let h, _, _), .tripleBarrier(let h, _, _, _, _): return h
        }
    }

    /// Whether rows whose label is 0 are left out of training.
    public var dropsFlat: Bool { if case .direction(_, _, true) = self { return true }; return false }

    public var canonical: String {
        switch self {
        case .forwardReturn(let h): return "forward_return(horizon=\(h))"
        case let .direction(h, dz, drop): return "direction(horizon=\(h),dead_zone=\(dz),drop_flat=\(drop))"
        case let .tripleBarrier(h, pt, sl, atr, dz):
            return "triple_barrier(horizon=\(h),profit_take=\(pt),stop_loss=\(sl),atr_period=\(atr),dead_zone=\(dz))"
        }
    }

    /// Labels for every row: NaN where the horizon runs past the data (or ATR is not warm).
    public func compute(_ x: FeatureInput) -> [Double] {
        let n = x.count, h = horizon, lc = x.logClose
        var y = [Double](repeating: .nan, count: n)
        guard n > h else { return y }
        func sign(_ r: Double, _ dz: Double) -> Double { r > dz ? 1 : (r < -dz ? -1 : 0) }
        switch self {
        case .forwardReturn:
            for t in 0..<(n - h) { y[t] = lc[t + h] - lc[t] }
        case let .direction(_, dz, _):
            for t in 0..<(n - h) { y[t] = sign(lc[t + h] - lc[t], dz) }
        case let .tripleBarrier(_, pt, sl, period, dz):
            let atr = ATRRatio.averageTrueRange(x, period: period)
            for t in 0..<(n - h) where !atr[t].isNaN {
                let a = atr[t]
                let upper = x.close[t] + pt * a, lower = x.close[t] - sl * a
                var label = sign(lc[t + h] - lc[t], dz)
                for j in (t + 1)...(t + h) {
                    if x.low[j] <= lower { label = -1; break }
                    if x.high[j] >= upper { label = 1; break }
                }
                y[t] = label
            }
        }
        return y
    }
}
