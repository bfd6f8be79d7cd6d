import Foundation
import NumericKit

/// One walk-forward fold's outcome.
public struct FoldReport: Sendable, Equatable, Codable {
    public let fold: Int
    public let trainSamples: Int
    public let testSamples: Int
    /// First and last series row of the test block.
    public let testFirstRow: Int
    public let testLastRow: Int
    /// Metrics of the fold's raw (uncalibrated) probabilities.
    public let metrics: Metrics
}

/// A trained model with everything needed to use it: scaler, model, calibration.
public struct TrainedModel: Sendable, Equatable {
    public let scaler: Standardizer
    public let model: FittedModel
    public let calibration: Calibration

    public init(scaler: Standardizer, model: FittedModel, calibration: Calibration) {
        self.scaler = scaler
        self.model = model
        self.calibration = calibration
    }

    /// Calibrated P(up) for raw (unstandardised) feature rows.
    public func probabilities(_ x: Matrix) throws -> [Double] {
        try model.scores(scaler.transform(x)).map(calibration.probability)
    }

    /// Calibrated P(up) for one raw feature row (the service's path).
    public func probability(_ row: [Double]) throws -> Double {
        var r = row
        scaler.transform(row: &r)
        let x = Matrix.column(r).transposed()
        return calibration.probability(try model.scores(x)[0])
    }
}

/// The outcome of `Trainer.train`.
public struct TrainReport: Sendable {
    public let folds: [FoldReport]
    /// Calibrated out-of-fold probabilities, in sample order of `oofRows`.
    public let oofProbabilities: [Double]
    public let oofRows: [Int]
    /// Metrics of the calibrated out-of-fold probabilities.
    public let overall: Metrics
    public let ece: Double
    public let eceUncalibrated: Double
    public let model: TrainedModel
}

/// Training with purged walk-forward evaluation: each fold standardises and fits on its own
/// training rows only and predicts its test block; the out-of-fold scores fit the calibration;
/// the final model is fitted on every row.
public enum Trainer {
    public enum TrainerError: Error, CustomStringConvertible {
        case tooFewSamples(Int, needed: Int)
        case oneClass
        public var description: String {
            switch self {
            case let .tooFewSamples(n, needed): return "only \(n) usable rows; need at least \(needed) for this many folds"
            case .oneClass: return "every training label is the same class; nothing to learn"
            }
        }
    }

    public static func train(_ data: Dataset, spec: ModelSpec, cv: WalkForward, calibration: Calibration.Method,
                             progress: (FoldReport) -> Void = { _ in }) throws -> TrainReport {
        let needed = (cv.folds + 1) * 20
        guard data.count >= needed else { throw TrainerError.tooFewSamples(data.count, needed: needed) }
        let positives = data.y.reduce(0, +)
        guard positives > 0, positives < Double(data.count) else { throw TrainerError.oneClass }
        var oofScores: [Double] = [], oofIndex: [Int] = [], folds: [FoldReport] = []
        for (f, split) in cv.splits(rows: data.rows, horizon: data.horizon).enumerated() {
            let train = data.subset(split.train), test = data.subset(split.test)
            let scaler = Standardizer(fitting: train.x)
            let model = try spec.fit(x: scaler.transform(train.x), y: train.y)
            let scores = try model.scores(scaler.transform(test.x))
            // Per-fold metrics on the raw output, clipped into [0, 1] for ridge.
            let p = scores.map { min(1, max(0, $0)) }
            let report = FoldReport(fold: f + 1, trainSamples: train.count, testSamples: test.count,
                                    testFirstRow: test.rows.first ?? 0, testLastRow: test.rows.last ?? 0,
                                    metrics: Metrics(p: p, y: test.y, forwardReturn: test.forwardReturn))
            folds.append(report)
            progress(report)
            oofScores += scores
            oofIndex += split.test
        }
        let oofY = oofIndex.map { data.y[$0] }, oofR = oofIndex.map { data.forwardReturn[$0] }
        let calibrator = try Calibration.fit(calibration, scores: oofScores, y: oofY)
        let calibrated = oofScores.map(calibrator.probability)
        let scaler = Standardizer(fitting: data.x)
        let final = try spec.fit(x: scaler.transform(data.x), y: data.y)
        return TrainReport(
            folds: folds, oofProbabilities: calibrated, oofRows: oofIndex.map { data.rows[$0] },
            overall: Metrics(p: calibrated, y: oofY, forwardReturn: oofR),
            ece: Calibration.expectedCalibrationError(p: calibrated, y: oofY),
            eceUncalibrated: Calibration.expectedCalibrationError(p: oofScores.map { min(1, max(0, $0)) }, y: oofY),
            model: TrainedModel(scaler: scaler, model: final, calibration: calibrator))
    }
}
