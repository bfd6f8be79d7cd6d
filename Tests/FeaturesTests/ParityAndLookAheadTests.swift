import Features
import Foundation
import TestSupport
import Testing

/// A deliberately broken indicator: "today's" value is tomorrow's close. The look-ahead check
/// must catch it (so the check itself is shown able to fail).
struct PeeksAhead: Indicator {
    var outputs: [String] { ["cheat"] }
    var warmUp: Int { 0 }
    var canonical: String { "cheat" }
    func batch(_ x: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>]) {
        for t in 0..<x.count { out[0][t] = t + 1 < x.count ? x.close[t + 1] : .nan }
    }
    func makeStream() -> IndicatorStream { fatalError("a cheat has no streaming form") }
}

@Suite struct ParityAndLookAheadTests {
    static let big = FeatureSetCheck.syntheticInput(bars: 100_000, seed: 3)
    static let small = FeatureSetCheck.syntheticInput(bars: 3_000, seed: 5)

    @Test(arguments: everyIndicator.indices)
    func streamingEqualsBatchOn100kBars(index: Int) {
        let ind = everyIndicator[index]
        #expect(Parity.check(FeaturePipeline(single(ind)), Self.big).isEmpty, "\(ind.canonical)")
    }

    @Test(arguments: everyIndicator.indices)
    func noIndicatorLooksAhead(index: Int) {
        let ind = everyIndicator[index]
        #expect(LookAheadCheck.run(FeaturePipeline(single(ind)), on: Self.small, trials: 10).isEmpty, "\(ind.canonical)")
    }

    @Test func theWholeDefaultSetPassesBoth() throws {
        let set = try FeatureSet.load(path: Fixtures.repositoryRoot.appendingPathComponent("features/default.yaml").path)
        let pipeline = FeaturePipeline(set)
        #expect(LookAheadCheck.run(pipeline, on: Self.small, trials: 16).isEmpty)
        #expect(Parity.check(pipeline, FeatureSetCheck.syntheticInput(bars: 20_000, seed: 9)).isEmpty)
    }

    @Test func thePlantedCheatIsCaught() {
        let set = FeatureSet(name: "cheat", reference: nil, indicators: [LogReturn(period: 1), PeeksAhead()], label: .forwardReturn(horizon: 1))
        let v = LookAheadCheck.run(FeaturePipeline(set), on: Self.small, trials: 4)
        #expect(v.map(\.output) == ["cheat"])
    }

    @Test func rowsBeforeWarmUpAreNaNAndAfterAreFinite() throws {
        let set = try FeatureSet.load(path: Fixtures.repositoryRoot.appendingPathComponent("features/default.yaml").path)
        let frame = FeaturePipeline(set).compute(Self.small)
        #expect(frame.warmUp == 60)
        for j in 0..<frame.names.count {
            let col = frame.matrix.column(j)
            let first = set.outputWarmUps[j]
            #expect(col[..<first].allSatisfy { $0.isNaN }, "\(frame.names[j]) before warm-up")
            #expect(col[first...].allSatisfy { $0.isFinite }, "\(frame.names[j]) after warm-up")
        }
        let rows = frame.trainingRows()
        #expect(rows.first! >= 60 && rows.last! < Self.small.count - 15)
        #expect(rows.allSatisfy { frame.labels[$0] != 0 })
    }
}
