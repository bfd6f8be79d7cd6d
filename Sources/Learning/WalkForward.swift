/// Purged walk-forward cross-validation. Samples (in time order) are cut into `folds + 1`
/// consecutive blocks; fold i tests block i + 1 and trains on the blocks before it (all of them
/// when expanding, the last `window` when rolling). A training sample at series row r has its
/// label built from rows r + 1 … r + horizon: it is purged when that window reaches the test block,
/// and the `embargo` rows before the test block are dropped too.
public struct WalkForward: Sendable, Equatable {
    public enum Mode: String, Sendable, Codable, CaseIterable { case expanding, rolling }
    public let folds: Int
    public let mode: Mode
    /// Training blocks per fold when rolling.
    public let window: Int
    public let embargo: Int

    public init(folds: Int, mode: Mode = .expanding, window: Int = 2, embargo: Int = 0) {
        self.folds = folds
        self.mode = mode
        self.window = window
        self.embargo = embargo
    }

    /// One fold's sample indices.
    public struct Split: Sendable, Equatable {
        public let train: [Int]
        public let test: [Int]
    }

    /// Splits for samples at series positions `rows` (increasing) with labels `horizon` bars ahead.
    public func splits(rows: [Int], horizon: Int) -> [Split] {
        let m = rows.count, blocks = folds + 1
        guard folds >= 1, m >= blocks else { return [] }
        let bounds = (0...blocks).map { $0 * m / blocks }
        var out: [Split] = []
        for f in 1...folds {
            let testRange = bounds[f]..<bounds[f + 1]
            let firstTestRow = rows[testRange.lowerBound]
            let startBlock = mode == .expanding ? 0 : max(0, f - window)
            let limit = firstTestRow - horizon - embargo  // a training row must satisfy r + horizon < firstTestRow − embargo
            let train = (bounds[startBlock]..<bounds[f]).filter { rows[$0] < limit }
            if !train.isEmpty { out.append(Split(train: train, test: Array(testRange))) }
        }
        return out
    }
}
