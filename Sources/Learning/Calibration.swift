import Foundation
import NumericKit

/// Maps a model's raw score to a probability that means what it says (p = 0.7 is right about 70 %
/// of the time), fitted on out-of-fold scores only.
public enum Calibration: Sendable, Equatable, Codable {
    /// Platt scaling: p = 1 / (1 + exp(−(a·s + b))).
    case platt(a: Double, b: Double)
    /// Isotonic regression (pool adjacent violators): increasing steps through the points
    /// (score, probability), linear between them, clipped at the ends.
    case isotonic(scores: [Double], probabilities: [Double])

    /// Which method to fit.
    public enum Method: String, Sendable, Codable, CaseIterable { case platt, isotonic }

    public static func fit(_ method: Method, scores: [Double], y: [Double]) throws -> Calibration {
        switch method {
        case .platt:
            let x = Matrix.column(scores)
            let fitted = try LogisticRegression.fit(x: x, y: y, lambda: 1e-9)
            return .platt(a: fitted.coefficients[0], b: fitted.intercept)
        case .isotonic:
            return isotonic(scores: scores, y: y)
        }
    }

    static func isotonic(scores: [Double], y: [Double]) -> Calibration {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Blocks of (sum of y, count, sum of scores); merge while a block's mean exceeds the next's.
        var sumY: [Double] = [], count: [Double] = [], sumS: [Double] = []
        for i in order {
            sumY.append(y[i]); count.append(1); sumS.append(scores[i])
            while sumY.count > 1 {
                let last = sumY.count - 1
                if sumY[last - 1] / count[last - 1] < sumY[last] / count[last] { break }
                sumY[last - 1] += sumY[last]; count[last - 1] += count[last]; sumS[last - 1] += sumS[last]
                sumY.removeLast(); count.removeLast(); sumS.removeLast()
            }
        }
        return .isotonic(scores: zip(sumS, count).map { $0 / $1 }, probabilities: zip(sumY, count).map { $0 / $1 })
    }

    /// Calibrated probability of one score.
    public func probability(_ s: Double) -> Double {
        switch self {
        case let .platt(a, b):
            return 1 / (1 + exp(-(a * s + b)))
        case let .isotonic(xs, ps):
            guard let first = xs.first, let last = xs.last else { return 0.5 }
            if s <= first { return ps[0] }
            if s >= last { return ps[ps.count - 1] }
            var lo = 0, hi = xs.count - 1
            while hi - lo > 1 { let mid = (lo + hi) / 2; if xs[mid] <= s { lo = mid } else { hi = mid } }
            let span = xs[hi] - xs[lo]
            return span > 0 ? ps[lo] + (ps[hi] - ps[lo]) * (s - xs[lo]) / span : ps[hi]
        }
    }

    public var method: Method { if case .platt = self { return .platt }; return .isotonic }

    /// One equal-width probability bin of a reliability diagram.
    public struct ReliabilityBin: Sendable, Equatable, Codable {
        public let lower: Double, upper: Double
        public let count: Int
        /// Mean predicted probability and observed frequency of the positive class in the bin.
        public let meanProbability: Double, frequency: Double
    }

    /// The reliability diagram's bins (empty bins left out); ECE is their weighted gap.
    public static func reliability(p: [Double], y: [Double], bins: Int = 10) -> [ReliabilityBin] {
        var conf = [Double](repeating: 0, count: bins), hits = conf, count = [Int](repeating: 0, count: bins)
        for i in p.indices {
            let b = min(bins - 1, max(0, Int(p[i] * Double(bins))))
            conf[b] += p[i]; hits[b] += y[i]; count[b] += 1
        }
        return (0..<bins).filter { count[$0] > 0 }.map { b in
            ReliabilityBin(lower: Double(b) / Double(bins), upper: Double(b + 1) / Double(bins), count: count[b],
                           meanProbability: conf[b] / Double(count[b]), frequency: hits[b] / Double(count[b]))
        }
    }

    /// Expected calibration error over 10 equal-width probability bins.
    public static func expectedCalibrationError(p: [Double], y: [Double], bins: Int = 10) -> Double {
        let n = Double(p.count)
        return reliability(p: p, y: y, bins: bins).reduce(0) { $0 + Double($1.count) / n * abs($1.frequency - $1.meanProbability) }
    }
}
