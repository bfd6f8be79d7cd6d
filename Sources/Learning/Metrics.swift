import Foundation

/// Out-of-sample quality of probabilities p for binary outcomes y (and realised forward returns).
public struct Metrics: Sendable, Equatable, Codable {
    public let samples: Int
    /// Area under the ROC curve (ties count half).
    public let auc: Double
    /// Mean negative log-likelihood, p clipped to [1e-15, 1 − 1e-15].
    public let logLoss: Double
    /// Mean (p − y)².
    public let brier: Double
    /// Share of rows where (p ≥ 0.5) equals y.
    public let accuracy: Double
    /// Information coefficient: Spearman rank correlation of p with the forward return.
    public let ic: Double
    /// Among rows with p ≠ 0.5 and a non-zero forward return, the share whose predicted direction
    /// matches the sign of the return.
    public let hitRate: Double

    enum CodingKeys: String, CodingKey {
        case samples, auc, logLoss = "log_loss", brier, accuracy, ic, hitRate = "hit_rate"
    }

    public init(p: [Double], y: [Double], forwardReturn: [Double]) {
        let n = p.count
        samples = n
        auc = Self.auc(p, y)
        var ll = 0.0, br = 0.0, correct = 0.0, hits = 0.0, calls = 0.0
        for i in 0..<n {
            let q = min(max(p[i], 1e-15), 1 - 1e-15)
            ll -= y[i] > 0 ? log(q) : log(1 - q)
            br += (p[i] - y[i]) * (p[i] - y[i])
            if (p[i] >= 0.5) == (y[i] > 0) { correct += 1 }
            if p[i] != 0.5 && forwardReturn[i] != 0 {
                calls += 1
                if (p[i] > 0.5) == (forwardReturn[i] > 0) { hits += 1 }
            }
        }
        logLoss = n > 0 ? ll / Double(n) : .nan
        brier = n > 0 ? br / Double(n) : .nan
        accuracy = n > 0 ? correct / Double(n) : .nan
        hitRate = calls > 0 ? hits / calls : .nan
        ic = Self.spearman(p, forwardReturn)
    }

    /// Mann–Whitney AUC with average ranks for ties.
    static func auc(_ p: [Double], _ y: [Double]) -> Double {
        let ranks = averageRanks(p)
        var positives = 0.0, rankSum = 0.0
        for i in p.indices where y[i] > 0 { positives += 1; rankSum += ranks[i] }
        let negatives = Double(p.count) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// 1-based ranks, ties sharing their average rank.
    static func averageRanks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var ranks = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            let r = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = r }
            i = j + 1
        }
        return ranks
    }

    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count > 2 else { return .nan }
        let ra = averageRanks(a), rb = averageRanks(b)
        let n = Double(a.count)
        let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let x = ra[i] - ma, y = rb[i] - mb
            sab += x * y; saa += x * x; sbb += y * y
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }
}
