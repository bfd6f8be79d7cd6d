import ConfigFormat
import Foundation
import Market
import Store

/// Strategies as the store keeps them: imported from files, read back runnable, exported.
public enum StoredStrategy {

    /// Validates a strategy file completely (feature set included) and stores it as a candidate.
    /// A bad file changes nothing.
    @discardableResult
    public static func importFile(_ path: String, store: DataStore, featuresDirectory: String, replace: Bool) throws -> StrategyRecord {
        let file = try StrategyFile.load(path: path, featuresDirectory: featuresDirectory)
        let now = UTCTime.nowMs()
        let record = StrategyRecord(name: file.name, status: .candidate, symbol: file.symbol.name, interval: file.interval.name,
                                    featureSet: file.spec.featureSet, featureHash: file.featureHash, definition: file.spec.yaml, createdMs: now)
        try store.strategies.save(record, replace: replace, reason: "imported from \(path)")
        return try store.strategies.get(file.name)
    }

    /// A stored strategy, ready to run: its feature set must still be the one it was saved with.
    public static func load(_ name: String, store: DataStore, featuresDirectory: String) throws -> (record: StrategyRecord, file: StrategyFile) {
        let record = try store.strategies.get(name)
        let file = try StrategyFile.parse(yaml: record.definition, file: "strategy '\(name)'", featuresDirectory: featuresDirectory)
        guard file.featureHash == record.featureHash else {
            throw Failure(.conflict, "feature set '\(record.featureSet)' has changed since strategy '\(name)' was saved "
                                      + "(sha256 \(record.featureHash.prefix(16))… then, \(file.featureHash.prefix(16))… now): its features would differ; "
                                      + "restore \(featuresDirectory)/\(record.featureSet).yaml or import the strategy again")
        }
        return (record, file)
    }
}
