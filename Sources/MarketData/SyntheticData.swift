import Foundation
import Market
import Store

/// Generates synthetic bars and stores them in one transaction.
public enum SyntheticData {
    /// A short description of one generated series.
    public struct Summary: Sendable {
        public let symbol: Symbol
        public let first: Int64
        public let last: Int64
        public let firstClose: Double
        public let lastClose: Double
        public let annualVolatility: Double
    }

    public struct Result: Sendable {
        public let summaries: [Summary]
        public let write: BarWriteReport
    }

    public static func generate(_ config: SyntheticMarket.Config, into store: DataStore, policy: ConflictPolicy) throws -> Result {
        let series = try SyntheticMarket(config).generate()
        let write = try store.bars.write(series, policy: policy)
        let summaries = series.map { s -> Summary in
            var sum = 0.0, sum2 = 0.0
            for i in 1..<max(1, s.count) {
                let r = log(s.close[i] / s.close[i - 1])
                sum += r; sum2 += r * r
            }
            let n = Double(max(1, s.count - 1))
            let variance = max(0, sum2 / n - (sum / n) * (sum / n))
            return Summary(symbol: s.symbol, first: s.openTime.first ?? 0, last: s.openTime.last ?? 0,
                           firstClose: s.open.first ?? 0, lastClose: s.close.last ?? 0,
                           annualVolatility: (variance * s.interval.barsPerYear).squareRoot())
        }
        return Result(summaries: summaries, write: write)
    }
}
