import Foundation
import NumericKit

/// The no-look-ahead test: for random bars t, every bar after t is changed and the features are
/// recomputed; every output at or before t must be bit-for-bit unchanged.
public enum LookAheadCheck {
    /// An output whose value at or before t moved when only later bars changed.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        public let output: String
        public let cut: Int
        public let row: Int
        public var description: String { "\(output): row \(row) changed when only bars after \(cut) were altered" }
    }

    /// Runs `trials` perturbations; returns every offending output (first row per output).
    public static func run(_ pipeline: FeaturePipeline, on input: FeatureInput, trials: Int = 8, seed: UInt64 = 7) -> [Violation] {
        let base = pipeline.compute(input)
        var rng = SeededRNG(seed: seed)
        let n = input.count
        var violations: [String: Violation] = [:]
        guard n > 2 else { return [] }
        for trial in 0..<trials {
            // Cuts spread over the series, including inside the warm-up.
            let cut = trial == 0 ? min(n - 2, pipeline.set.warmUp) : Int(rng.next() % UInt64(n - 1))
            let altered = perturb(input, after: cut, rng: &rng)
            let frame = pipeline.compute(altered)
            let rows = base.matrix.rows
            for j in 0..<base.names.count where violations[base.names[j]] == nil {
                for t in 0...cut {
                    let a = base.matrix.storage[j * rows + t], b = frame.matrix.storage[j * rows + t]
                    if a.bitPattern != b.bitPattern && !(a.isNaN && b.isNaN) {
                        violations[base.names[j]] = Violation(output: base.names[j], cut: cut, row: t)
                        break
                    }
                }
            }
        }
        return base.names.compactMap { violations[$0] }
    }

    /// A copy of `x` whose bars after `cut` are replaced by a different, still consistent path.
    static func perturb(_ x: FeatureInput, after cut: Int, rng: inout SeededRNG) -> FeatureInput {
        var o = x.open, h = x.high, l = x.low, c = x.close, v = x.volume
        var ref = x.referenceLogClose
        for t in (cut + 1)..<x.count {
            let shock = exp(0.05 * rng.normal())
            o[t] *= shock; c[t] *= shock * exp(0.01 * rng.normal())
            h[t] = max(h[t] * shock, o[t], c[t]) * (1 + 0.01 * rng.uniform())
            l[t] = min(l[t] * shock, o[t], c[t]) * (1 - 0.01 * rng.uniform())
            v[t] *= exp(rng.normal())
            if !ref[t].isNaN { ref[t] += 0.05 * rng.normal() }
        }
        return FeatureInput(time: x.time, open: o, high: h, low: l, close: c, volume: v, referenceLogClose: ref, intervalMs: x.intervalMs)
    }
}
