import Foundation

/// A trained model's one-row prediction path with its scratch allocated once: the service (and
/// the engine's model mode) predicts every bar without allocating. Not shared between threads:
/// each strategy runtime owns one.
public final class RowPredictor {
    public let model: TrainedModel
    private let scaled: UnsafeMutablePointer<Double>
    private let inputs: Int
    private let mlpWorkspace: MLPClassifier.Workspace?

    public init(_ model: TrainedModel) {
        self.model = model
        inputs = model.scaler.mean.count
        scaled = .allocate(capacity: max(1, inputs))
        scaled.initialize(repeating: 0, count: max(1, inputs))
        if case .mlp(let m) = model.model { mlpWorkspace = MLPClassifier.Workspace(m.sizes, batch: 1) } else { mlpWorkspace = nil }
    }

    deinit { scaled.deallocate() }

    public var featureCount: Int { inputs }

    /// Calibrated P(up) for one raw feature row of `featureCount` values; NaN when any is not finite.
    public func probability(_ row: UnsafePointer<Double>) -> Double {
        let mean = model.scaler.mean, scale = model.scaler.scale
        for j in 0..<inputs {
            let v = row[j]
            guard v.isFinite else { return .nan }
            scaled[j] = (v - mean[j]) / scale[j]
        }
        let score: Double
        switch model.model {
        case .ridge(let m): score = linear(m.coefficients, m.intercept)
        case .logistic(let m): score = 1 / (1 + exp(-linear(m.coefficients, m.intercept)))
        case .mlp(let m):
            m.forward(UnsafePointer(scaled), rows: 1, mlpWorkspace!)
            score = mlpWorkspace!.a[m.layers - 1][0]
        }
        return model.calibration.probability(score)
    }

    @inline(__always) private func linear(_ w: [Double], _ b: Double) -> Double {
        var s = b
        for j in 0..<inputs { s += w[j] * scaled[j] }
        return s
    }
}
