import Features
import Foundation
import TestSupport
import Testing

@Suite struct LabelTests {
    let closes: [Double] = [100, 101, 100.05, 103, 99, 99, 99]

    @Test func forwardReturnUsesOnlyTheFuture() {
        let y = LabelSpec.forwardReturn(horizon: 2).compute(input(close: closes))
        #expect(abs(y[0] - log(100.05 / 100)) < 1e-15 && abs(y[4] - 0) < 1e-15)
        #expect(y[5].isNaN && y[6].isNaN)
    }

    @Test func directionWithADeadZone() {
        let y = LabelSpec.direction(horizon: 1, deadZone: 0.001, dropFlat: true).compute(input(close: closes))
        // +1 %, −0.94 %, +2.9 %, −3.9 %, 0 (flat), 0, none.
        #expect(Array(y[0..<6]) == [1, -1, 1, -1, 0, 0] && y[6].isNaN)
    }

    @Test func tripleBarrier() {
        // Flat closes at 100 with a constant range of 2 → ATR 2. Profit take 1×ATR = 102, stop 1×ATR = 98.
        let n = 12
        var c = [Double](repeating: 100, count: n), h = [Double](repeating: 101, count: n), l = [Double](repeating: 99, count: n)
        h[6] = 102.5            // bar 6 reaches the upper barrier of bars 3…5
        l[8] = 96; h[8] = 104      // bar 8 touches both barriers of rows 6 and 7: the stop counts
        c[11] = 100
        let spec = LabelSpec.tripleBarrier(horizon: 3, profitTake: 1, stopLoss: 1, atrPeriod: 2, deadZone: 0)
        let y = spec.compute(input(close: c, high: h, low: l))
        #expect(y[0].isNaN && y[1].isNaN)           // ATR(2) not warm yet
        #expect(y[2] == 0)                           // nothing touched within 3 bars, no return
        #expect(y[3] == 1 && y[4] == 1 && y[5] == 1) // bar 6 hits +ATR first
        #expect(y[6] == -1 && y[7] == -1)            // bar 8 hits both → stop
        #expect(y[9].isNaN)                          // horizon runs past the end
    }

    @Test func labelsAreNeverFeaturesAndChangeOnlyWithTheFuture() throws {
        let set = try FeatureSet.load(path: Fixtures.repositoryRoot.appendingPathComponent("features/default.yaml").path)
        #expect(!set.outputs.contains { $0.contains("label") })
        let x = FeatureSetCheck.syntheticInput(bars: 400)
        let before = set.label.compute(x)
        // Changing bar 200's close moves the labels that look at it (rows 185 and 200) and no other.
        var close = x.close
        close[200] *= 1.05
        let y = FeatureInput(time: x.time, open: x.open, high: x.high.enumerated().map { $0.offset == 200 ? max($0.element, close[200]) : $0.element },
                             low: x.low, close: close, volume: x.volume, referenceLogClose: x.referenceLogClose, intervalMs: x.intervalMs)
        let after = set.label.compute(y)
        let changed = (0..<400).filter { before[$0].bitPattern != after[$0].bitPattern }
        #expect(Set(changed).isSubset(of: [185, 200]) && changed.contains(185))
    }
}
