import Features
import Foundation
import Learning
import Market
import MarketData
import NumericKit
import Store
import TestSupport
import Testing

/// Today's value is tomorrow's close: a set containing it must be refused.
struct Cheat: Indicator {
    var outputs: [String] { ["cheat"] }
    var warmUp: Int { 0 }
    var canonical: String { "cheat" }
    func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        for t in 0..<x.count { out[0][t] = t + 1 < x.count ? x.close[t + 1] : .nan }
    }
    func makeStream() -> IndicatorStream { fatalError("no streaming form") }
}

/// A store with 4 days of BTC and ETH 1m bars and a models folder, in a fresh temp directory.
func trainingFixture() throws -> (DataStore, URL) {
    let dir = try Fixtures.temporaryDirectory()
    let store = try DataStore(path: dir.appendingPathComponent("t.sqlite").path)
    var c = SyntheticMarket.Config(symbols: try ["BTCUSDT", "ETHUSDT"].map(Symbol.init), interval: .oneMinute,
                                   start: 1_704_067_200_000, bars: 4 * 1440, seed: 3)
    c.correlation = 0.6
    _ = try SyntheticData.generate(c, into: store, policy: .keepExisting)
    return (store, dir)
}

func job(_ spec: ModelSpec, dir: URL, name: String = "m", set: FeatureSet? = nil) throws -> TrainingJob {
    let s = try set ?? FeatureSet.load(path: Fixtures.repositoryRoot.appendingPathComponent("features/default.yaml").path)
    return TrainingJob(set: s, symbol: try Symbol("ETHUSDT"), interval: .oneMinute, spec: spec, cv: WalkForward(folds: 3),
                       calibration: .platt, name: name, seed: 42, modelsDirectory: dir.appendingPathComponent("models").path)
}

let smallMLP: ModelSpec = {
    var o = MLPClassifier.Options()
    o.hidden = [8, 4]; o.maxEpochs = 3; o.batchSize = 128
    return .mlp(o)
}()

@Suite struct TrainingJobTests {
    @Test(arguments: [ModelSpec.ridge(lambda: 1), .logistic(lambda: 1, classWeights: .none), smallMLP])
    func artifactsAreByteIdenticalAndRoundTripExactly(spec: ModelSpec) throws {
        let (storeA, dirA) = try trainingFixture()
        let (storeB, dirB) = try trainingFixture()
        let a = try job(spec, dir: dirA).run(store: storeA)
        let b = try job(spec, dir: dirB).run(store: storeB)
        for file in ["model.json", "weights.bin"] {
            let x = try Data(contentsOf: a.directory.appendingPathComponent(file)), y = try Data(contentsOf: b.directory.appendingPathComponent(file))
            #expect(x == y, "\(spec.kind): \(file) differs between identical runs")
        }
        let (manifest, loaded) = try ModelArtifact.load(a.directory, featureHash: a.manifest.featureSet.hash)
        #expect(manifest == a.manifest)
        #expect(loaded.model.scoresEqual(a.report.model.model))
        #expect(loaded.scaler == a.report.model.scaler && loaded.calibration == a.report.model.calibration)
        // Out-of-fold rows are exactly the test blocks, in order, after the warm-up.
        #expect(a.report.oofRows == a.report.oofRows.sorted() && a.report.oofRows.first! >= 60)
        #expect(a.entry.active && a.entry.version == 1)
    }

    @Test func aSetThatLooksAheadIsRefused() throws {
        let (store, dir) = try trainingFixture()
        let cheat = FeatureSet(name: "cheat", reference: nil, indicators: [LogReturn(period: 1), Cheat()],
                               label: .direction(horizon: 5, deadZone: 0, dropFlat: false))
        #expect {
            _ = try job(.ridge(lambda: 1), dir: dir, set: cheat).run(store: store)
        } throws: { error in
            "\(error)".contains("look-ahead") && "\(error)".contains("cheat")
        }
        #expect(try store.models.list().isEmpty)
    }

    @Test func registryKeepsExactlyOneActiveVersion() throws {
        let (store, dir) = try trainingFixture()
        _ = try job(.logistic(lambda: 1, classWeights: .none), dir: dir).run(store: store)
        _ = try job(.logistic(lambda: 5, classWeights: .none), dir: dir).run(store: store)
        var third = try job(.logistic(lambda: 9, classWeights: .balanced), dir: dir)
        third.promote = true
        _ = try third.run(store: store)
        #expect(try store.models.list().map(\.active) == [false, false, true])
        #expect(try ModelRegistryRules.rollback(store, name: "m").version == 2)
        #expect(try ModelRegistryRules.rollback(store, name: "m").version == 1)
        #expect(throws: ModelRegistryError.noEarlierVersion("m")) { try ModelRegistryRules.rollback(store, name: "m") }
        try ModelRegistryRules.promote(store, name: "m", version: 3)
        #expect(throws: ModelRegistryError.deletingActive("m@3")) { try ModelRegistryRules.delete(store, name: "m", version: 3) }
        let one = try store.models.entry("m", version: 1)
        #expect(FileManager.default.fileExists(atPath: one.path))
        _ = try ModelRegistryRules.delete(store, name: "m", version: 1)
        #expect(!FileManager.default.fileExists(atPath: one.path))
        #expect(try store.models.list().map(\.version) == [2, 3])
        #expect(try store.models.nextVersion("m") == 4)
        #expect(try store.models.list().filter(\.active).count == 1)
        #expect(throws: ModelRegistryError.unknown("m@7")) { try store.models.entry("m", version: 7) }
    }

    @Test func aModelThatCannotLoadOrThatAStrategyTradesIsKept() throws {
        let (store, dir) = try trainingFixture()
        let first = try job(.logistic(lambda: 1, classWeights: .none), dir: dir).run(store: store).entry
        var second = try job(.logistic(lambda: 5, classWeights: .none), dir: dir)
        second.promote = true
        _ = try second.run(store: store)
        // A paper strategy trading version 1: deleting it is refused, and nothing changes.
        try store.strategies.save(StrategyRecord(name: "s", status: .paper, symbol: "ETHUSDT", interval: "1m", featureSet: "default", featureHash: "h",
                                                 definition: "", modelName: "m", modelVersion: first.version, createdMs: 0, statusMs: 0), reason: "test")
        #expect { try ModelRegistryRules.delete(store, name: "m", version: 1) } throws: {
            ErrorKind.of($0) == .refused && "\($0)".contains("paper strategy 's'")
        }
        #expect(try store.models.list().map(\.version) == [1, 2])
        // Version 1's weights damaged: rolling back to it is refused, version 2 stays active.
        let weights = try FileManager.default.contentsOfDirectory(atPath: first.path).filter { $0 != "model.json" }
        for w in weights { try Data("broken".utf8).write(to: URL(fileURLWithPath: first.path).appendingPathComponent(w)) }
        #expect(throws: ModelLoadError.self) { try ModelRegistryRules.rollback(store, name: "m") }
        #expect(try store.models.entry("m").version == 2)
    }

    @Test func modelReferencesAreParsedWithClearErrors() throws {
        #expect(try ModelReference(parsing: "m@3", requireVersion: true) == ModelReference(name: "m", version: 3))
        #expect(try ModelReference(parsing: "m", requireVersion: false) == ModelReference(name: "m", version: nil))
        for bad in ["m", "@2", "m@0", "m@x", "m@1@2"] {
            #expect { try ModelReference(parsing: bad, requireVersion: true) } throws: { ErrorKind.of($0) == .badInput }
        }
    }
}

extension FittedModel {
    /// Bitwise equality of every parameter.
    func scoresEqual(_ other: FittedModel) -> Bool {
        switch (self, other) {
        case let (.ridge(a), .ridge(b)): return a.coefficients == b.coefficients && a.intercept == b.intercept
        case let (.logistic(a), .logistic(b)): return a.coefficients == b.coefficients && a.intercept == b.intercept
        case let (.mlp(a), .mlp(b)): return a.weights == b.weights && a.biases == b.biases && a.sizes == b.sizes
        default: return false
        }
    }
}
