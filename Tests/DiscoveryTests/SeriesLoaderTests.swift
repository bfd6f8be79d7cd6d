import Discovery
import Features
import Foundation
import Learning
import Market
import MarketData
import NumericKit
import Store
import TestSupport
import Testing

@Suite struct SeriesLoaderTests {
    /// `from` chooses where use begins, never where indicators are seeded: the prepared features
    /// of a later start are the anchor-seeded ones, row for row, and differ from a re-seeded run.
    @Test func aLaterStartNeverReseedsAnIndicator() throws {
        let w = try Workspace([bars("AAA", 600, phi: 0.2, seed: 3), bars("REF", 500, phi: 0, seed: 4)], label: "loader")
        let set = try FeatureSet.parse(yaml: """
            name: ema
            reference: REF
            label: {kind: direction, horizon: 3, dead_zone: 0, drop_flat: false}
            features:
              - {indicator: ema_ratio, fast: 5, slow: 20}
              - {indicator: rsi, period: 14}
              - {indicator: cross_asset, window: 20}
            """, file: "ema.yaml")
        let from: Int64 = 1_704_067_200_000 + 200 * 3_600_000
        let loaded = try StrategyData.load(w.store, symbol: try Symbol("AAA"), interval: .oneHour, set: set, from: from, to: nil)
        #expect(loaded.series.count == 600 && loaded.fromIndex == 200 && loaded.fromMs == from)
        // The reference covers the symbol's span only (REF has 500 bars, the span 600).
        #expect(loaded.reference?.openTime.first == loaded.series.openTime.first && loaded.reference?.count == 500)

        let full = FeaturePipeline(set).compute(FeatureInput(loaded.series, reference: loaded.reference))
        let prepared = PreparedSeries(loaded, set: set)
        #expect(prepared.series.count == 400 && prepared.frame.time.first == from)
        for j in 0..<full.names.count {
            let a = prepared.frame.matrix.column(j), b = Array(full.matrix.column(j)[200...])
            #expect(zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(full.names[j])")
        }
        // Re-seeding at `from` (what three loaders used to do differently) gives other EMAs.
        let reseeded = FeaturePipeline(set).compute(FeatureInput(loaded.series.slice(200..<600), reference: loaded.reference))
        #expect(reseeded.column("ema_ratio_5_20")![30] != prepared.frame.column("ema_ratio_5_20")![30])

        #expect { try StrategyData.load(w.store, symbol: try Symbol("AAA"), interval: .oneHour, set: set, from: from + 1_000 * 3_600_000, to: nil) }
            throws: { ErrorKind.of($0) == .notFound }
    }

    @Test func trainingSamplesStartAtFromWithAnchorSeededFeatures() throws {
        let w = try Workspace([bars("AAA", 900, phi: 0.2, seed: 3)], label: "loader-train")
        let set = try FeatureSet.named("small", in: w.features)
        let from: Int64 = 1_704_067_200_000 + 300 * 3_600_000
        let job = TrainingJob(set: set, symbol: try Symbol("AAA"), interval: .oneHour, spec: .logistic(lambda: 1, classWeights: .none),
                              cv: WalkForward(folds: 3), calibration: .platt, from: from, name: "m", seed: 1, modelsDirectory: w.models, promote: true)
        let outcome = try job.run(store: w.store)
        #expect(outcome.manifest.data.firstMs == from)
    }
}
