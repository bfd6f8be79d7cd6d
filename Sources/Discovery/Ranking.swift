import Foundation
import NumericKit
import Store

/// Ranks a discovery run's candidates by the deflated Sharpe ratio: corrected for how many
/// configurations were tried and how widely their Sharpe ratios spread, with each candidate's
/// own skewness and kurtosis. Pure: the same candidates always give the same ranking.
public enum Ranking {
    public struct Outcome: Sendable {
        /// Distinct configurations evaluated at any rung (eliminated ones count: they were tried).
        public let trials: Int
        /// Variance of the per-bar Sharpe ratios of the fully evaluated trials: estimates over the
        /// same bars, unlike those of eliminated trials, whose shorter samples scatter more.
        public let sharpeVariance: Double
        /// Every candidate with DSR, PSR, rank (nil when it cannot rank) and a note why not.
        public let candidates: [CandidateRecord]
        /// The ranked ones, best first.
        public var ranked: [CandidateRecord] { candidates.filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! } }
    }

    public static func rank(_ all: [CandidateRecord], finalRung: Int, minTrades: Int, maxCorrelation: Double) -> Outcome {
        // Each configuration's record at the highest rung it reached.
        var last: [Pair: CandidateRecord] = [:]
        for c in all {
            let k = Pair(key: c.keyIndex, variant: c.variant)
            if let seen = last[k], seen.rung >= c.rung { continue }
            last[k] = c
        }
        // In a fixed order: a dictionary's order varies, and so would the sums' last bits.
        let trialsInOrder = last.values.sorted(by: order)
        let full = trialsInOrder.filter { $0.rung == finalRung }.compactMap(\.sharpe).filter(\.isFinite)
        let sharpes = full.count > 1 ? full : trialsInOrder.compactMap(\.sharpe).filter(\.isFinite)
        let variance = sharpes.count > 1 ? SampleStatistics.variance(sharpes) : 0
        let trials = last.count

        var out: [CandidateRecord] = []
        var eligible: [CandidateRecord] = []
        for var c in all.sorted(by: order) {
            c.dsr = nil; c.psr = nil; c.rank = nil; c.note = nil
            if let error = c.error {
                c.note = "not evaluated: \(error)"
            } else if c.rung < finalRung {
                c.note = (last[Pair(key: c.keyIndex, variant: c.variant)]?.rung ?? c.rung) > c.rung ? "advanced to rung \(c.rung + 1)"
                    : "eliminated at rung \(c.rung) (successive halving)"
            } else if let m = c.moments {
                c.psr = SharpeStatistics.probabilistic(m, benchmark: 0)
                c.dsr = SharpeStatistics.deflated(m, trials: trials, trialVariance: variance)
                if c.trades < minTrades { c.note = "too few trades (\(c.trades) < \(minTrades))" }
                else if !(c.dsr ?? .nan).isFinite { c.note = "no deflated Sharpe ratio (constant returns)" }
                else { eligible.append(c); continue }
            } else {
                c.note = "no out-of-sample returns"
            }
            out.append(c)
        }
        // Best DSR first; ties by Sharpe, then by position in the space (deterministic).
        eligible.sort { a, b in
            if a.dsr! != b.dsr! { return a.dsr! > b.dsr! }
            if a.sharpe! != b.sharpe! { return a.sharpe! > b.sharpe! }
            return order(a, b)
        }
        var accepted: [(CandidateRecord, ReturnBuckets)] = []
        for var c in eligible {
            let mine = ReturnBuckets(times: c.bucketTimes, sums: c.bucketReturns)
            if let (twin, rho) = accepted.lazy.compactMap({ a -> (CandidateRecord, Double)? in
                guard let rho = mine.correlation(with: a.1), rho > maxCorrelation else { return nil }
                return (a.0, rho)
            }).first {
                c.note = String(format: "skipped: out-of-sample returns correlate %.3f with rank %d", rho, twin.rank!)
            } else {
                c.rank = accepted.count + 1
                accepted.append((c, mine))
            }
            out.append(c)
        }
        return Outcome(trials: trials, sharpeVariance: variance, candidates: out.sorted(by: order))
    }

    static func order(_ a: CandidateRecord, _ b: CandidateRecord) -> Bool {
        (a.rung, a.keyIndex, a.variant) < (b.rung, b.keyIndex, b.variant)
    }

    struct Pair: Hashable {
        let key: Int
        let variant: Int
    }
}

extension CandidateRecord {
    /// The out-of-sample return moments, when the candidate was evaluated.
    public var moments: SharpeStatistics.Moments? {
        guard let sharpe, let skewness, let kurtosis, observations > 1 else { return nil }
        return SharpeStatistics.Moments(observations: observations, sharpe: sharpe, skewness: skewness, kurtosis: kurtosis)
    }
}
