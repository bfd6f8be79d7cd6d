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
        #expect(try store.models.rollback("m").version == 2)
        #expect(try store.models.rollback("m").version == 1)
        #expect(throws: ModelRegistryError.noEarlierVersion("m")) { try store.models.rollback("m") }
        try store.models.promote("m", version: 3)
        #expect(throws: ModelRegistryError.deletingActive("m@3")) { try store.models.delete("m", version: 3) }
        _ = try store.models.delete("m", version: 1)
        #expect(try store.models.list().map(\.version) == [2, 3])
        #expect(try store.models.nextVersion("m") == 4)
        #expect(try store.models.list().filter(\.active).count == 1)
        #expect(throws: ModelRegistryError.unknown("m@7")) { try store.models.entry("m", version: 7) }
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
