import Backtest
import Foundation
import NumericKit
import Testing

/// The batch algorithm as it was before the one-bar step existed, kept here as the reference the
/// streaming state must reproduce bit for bit.
func referenceTargets(_ r: SignalRules, p: [Double], close: [Double], atr: [Double], volatility: [Double], barsPerYear: Double) -> [Double] {
    var out = [Double](repeating: 0, count: p.count)
    var side = 0, size = 0.0, held = 0, entryClose = 0.0, entryATR = 0.0
    var needsATR = false
    if case .atr = r.exit { needsATR = true }
    for t in 0..<p.count {
        let direction: Int = p[t].isNaN ? 0 : (p[t] >= r.threshold ? 1 : (p[t] <= 1 - r.threshold ? -1 : 0))
        let signal = direction == -1 && !r.longShort ? 0 : direction
        if side != 0 {
            held += 1
            var closing = false
            switch r.exit {
            case .hold(let bars): closing = held >= bars
            case .opposite: closing = direction == -side || p[t].isNaN
            case let .atr(tp, sl, bars):
                let move = (close[t] - entryClose) * Double(side)
                closing = held >= bars || move >= tp * entryATR || move <= -sl * entryATR
            }
            if closing { side = 0; size = 0 }
        }
        if side == 0 && signal != 0 {
            let vol = volatility[t] * barsPerYear.squareRoot()
            switch r.sizing {
            case .fixed(let f): size = f
            case .volatilityTarget(let target): size = vol > 0 && vol.isFinite ? target / vol : 0
            }
            if size > 0, !(needsATR && !(atr[t] > 0)) { side = signal; held = 0; entryClose = close[t]; entryATR = atr[t] } else { size = 0 }
        }
        out[t] = Double(side) * size
    }
    return out
}

@Suite struct SignalStateTests {
    static let exits: [SignalRules.Exit] = [.hold(bars: 7), .opposite, .atr(takeProfit: 2, stopLoss: 1, bars: 30)]
    static let sizings: [SignalRules.Sizing] = [.fixed(fraction: 0.1), .volatilityTarget(annual: 0.3)]

    @Test(arguments: exits, [false, true])
    func streamingEqualsBatchBitForBit(exit: SignalRules.Exit, longShort: Bool) {
        let n = 100_000
        var rng = SeededRNG(seed: 11)
        var close = [Double](), atr = [Double](), vol = [Double](), p = [Double]()
        var c = 100.0
        for t in 0..<n {
            c *= exp(0.001 * rng.normal()); close.append(c)
            atr.append(t < 14 ? .nan : 0.2 + 0.1 * rng.uniform())
            vol.append(t < 60 ? .nan : 0.0005 + 0.001 * rng.uniform())
            p.append(t % 97 == 0 ? .nan : 0.5 + 0.12 * rng.normal())
        }
        for sizing in Self.sizings {
            let r = SignalRules(threshold: 0.56, exit: exit, sizing: sizing, longShort: longShort)
            let want = referenceTargets(r, p: p, close: close, atr: atr, volatility: vol, barsPerYear: 525_960)
            // Stepped one bar at a time, as the service does.
            var s = SignalState()
            let scale = (525_960.0).squareRoot()
            var same = true, changes = 0
            for t in 0..<n {
                let got = s.step(r, probability: p[t], close: close[t], atr: atr[t], volatility: vol[t], annualization: scale)
                if got.bitPattern != want[t].bitPattern { same = false }
                if t > 0 && want[t] != want[t - 1] { changes += 1 }
            }
            #expect(same, "\(exit) \(sizing) long/short \(longShort)")
            #expect(r.targets(probability: p, close: close, atr: atr, volatility: vol, barsPerYear: 525_960).map(\.bitPattern) == want.map(\.bitPattern))
            #expect(changes > 100, "the case must trade")
        }
    }
}
