import Market
import Features
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
    /// The labels of those rows (a reliability diagram pairs them with the probabilities).
    public let oofLabels: [Double]
    /// Metrics of the calibrated out-of-fold probabilities.
    public let overall: Metrics
    public let ece: Double
    public let eceUncalibrated: Double
    public let model: TrainedModel
    /// When the trainer was given the whole feature frame: a calibrated out-of-sample
    /// probability for every frame row inside a test block whose features are all finite (NaN
    /// elsewhere). Fold f's rows are calibrated with out-of-fold scores of folds before f only, so
    /// no prediction leans on later data; the first fold has none before it and stays NaN.
    public let spanProbabilities: [Double]?
}

/// Training with purged walk-forward evaluation: each fold standardises and fits on its own
/// training rows only and predicts its test block; the out-of-fold scores fit the calibration;
/// the final model is fitted on every row.
public enum Trainer {
    public enum TrainerError: KindedError {
        public var kind: ErrorKind { .badInput }
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
                             span frame: FeatureFrame? = nil, progress: (FoldReport) -> Void = { _ in }) throws -> TrainReport {
        let needed = (cv.folds + 1) * 20
        guard data.count >= needed else { throw TrainerError.tooFewSamples(data.count, needed: needed) }
        let positives = data.y.reduce(0, +)
        guard positives > 0, positives < Double(data.count) else { throw TrainerError.oneClass }
        var oofScores: [Double] = [], oofIndex: [Int] = [], folds: [FoldReport] = []
        var span: [Double]? = frame.map { [Double](repeating: .nan, count: $0.matrix.rows) }
        let splits = cv.splits(rows: data.rows, horizon: data.horizon)
        for (f, split) in splits.enumerated() {
            let train = data.subset(split.train), test = data.subset(split.test)
            let scaler = Standardizer(fitting: train.x)
            let model = try spec.fit(x: scaler.transform(train.x), y: train.y)
            let scores = try model.scores(scaler.transform(test.x))
            if let frame, f > 0 {
                // Every bar of this test block up to the next block, calibrated on earlier folds' scores.
                let first = test.rows.first!, last = f + 1 < splits.count ? data.rows[splits[f + 1].test.first!] - 1 : frame.matrix.rows - 1
                let rows = (first...last).filter { r in (0..<frame.matrix.columns).allSatisfy { frame.matrix[r, $0].isFinite } }
                if !rows.isEmpty {
                    let calibrator = try Calibration.fit(calibration, scores: oofScores, y: oofIndex.map { data.y[$0] })
                    for (i, s) in try model.scores(scaler.transform(frame.matrix.gatherRows(rows))).enumerated() { span![rows[i]] = calibrator.probability(s) }
                }
            }
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
            folds: folds, oofProbabilities: calibrated, oofRows: oofIndex.map { data.rows[$0] }, oofLabels: oofY,
            overall: Metrics(p: calibrated, y: oofY, forwardReturn: oofR),
            ece: Calibration.expectedCalibrationError(p: calibrated, y: oofY),
            eceUncalibrated: Calibration.expectedCalibrationError(p: oofScores.map { min(1, max(0, $0)) }, y: oofY),
            model: TrainedModel(scaler: scaler, model: final, calibration: calibrator), spanProbabilities: span)
    }
}
