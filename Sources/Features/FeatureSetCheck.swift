import Foundation
import Market
import NumericKit

/// `features check`: look-ahead and batch/stream parity of a whole set on seeded synthetic bars.
public enum FeatureSetCheck {
    public struct Report: Sendable {
        public var lines: [String] = []
        public var passed = true
    }

    /// Seeded bars for one symbol and a correlated reference (random-walk OHLCV).
    public static func syntheticInput(bars: Int, seed: UInt64 = 11) -> FeatureInput {
        var rng = SeededRNG(seed: seed)
        var time = [Int64](), o = [Double](), h = [Double](), l = [Double](), c = [Double](), v = [Double](), ref = [Double]()
        var price = 100.0, refLog = 10.0
        for i in 0..<bars {
            let common = 0.002 * rng.normal()
            let open = price
            price *= exp(common + 0.001 * rng.normal())
            refLog += common + 0.001 * rng.normal()
            time.append(1_704_067_200_000 + Int64(i) * 60_000)
            o.append(open); c.append(price)
            h.append(max(open, price) * (1 + 0.001 * abs(rng.normal())))
            l.append(min(open, price) * (1 - 0.001 * abs(rng.normal())))
            v.append(100 * exp(rng.normal()))
            ref.append(refLog)
        }
        return FeatureInput(time: time, open: o, high: h, low: l, close: c, volume: v, referenceLogClose: ref, intervalMs: 60_000)
    }

    public static func run(_ set: FeatureSet, bars: Int) throws -> Report {
        var report = Report()
        let input = syntheticInput(bars: max(bars, set.warmUp + set.label.horizon + 10))
        let pipeline = FeaturePipeline(set)
        let violations = LookAheadCheck.run(pipeline, on: input, trials: 12)
        for v in violations { report.lines.append("LOOK-AHEAD \(v)"); report.passed = false }
        if violations.isEmpty { report.lines.append("look-ahead: \(set.outputs.count) outputs unchanged at every cut (12 cuts)") }
        let mismatches = Parity.check(pipeline, input)
        for m in mismatches { report.lines.append("PARITY \(m)"); report.passed = false }
        if mismatches.isEmpty { report.lines.append("parity: streaming equals batch on \(input.count) bars (tolerance 1e-9)") }
        return report
    }
}

/// Streaming replay versus batch, output by output.
public enum Parity {
    /// Outputs whose streaming values differ from batch by more than `tolerance` (relative to
    /// max(1, |value|)), or whose NaN pattern differs.
    public static func check(_ pipeline: FeaturePipeline, _ input: FeatureInput, tolerance: Double = 1e-9) -> [String] {
        let frame = pipeline.compute(input)
        let stream = pipeline.makeStream()
        let n = input.count
        var bad: [String: String] = [:]
        for t in 0..<n {
            let row = stream.update(input.bar(t))
            for j in row.indices where bad[frame.names[j]] == nil {
                let a = frame.matrix.storage[j * n + t], b = row[j]
                if a.isNaN != b.isNaN || (!a.isNaN && abs(a - b) > tolerance * max(1, abs(a))) {
                    bad[frame.names[j]] = "\(frame.names[j]): row \(t): batch \(a), streaming \(b)"
                }
            }
        }
        return frame.names.compactMap { bad[$0] }
    }
}
