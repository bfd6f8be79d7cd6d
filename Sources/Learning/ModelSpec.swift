import NumericKit

/// Which model to train, with its hyperparameters.
public enum ModelSpec: Sendable, Equatable {
    case ridge(lambda: Double)
    case logistic(lambda: Double, classWeights: LogisticRegression.ClassWeights)
    case mlp(MLPClassifier.Options)

    public var kind: String {
        switch self {
        case .ridge: return "ridge"
        case .logistic: return "logistic"
        case .mlp: return "mlp"
        }
    }

    /// Hyperparameters as stable key/value text (for model.json and `models show`).
    public var hyperparameters: [String: String] {
        switch self {
        case let .ridge(l): return ["l2": "\(l)"]
        case let .logistic(l, w): return ["l2": "\(l)", "class_weights": w.rawValue]
        case let .mlp(o):
            return ["hidden": o.hidden.map(String.init).joined(separator: ","), "l2": "\(o.l2)", "learning_rate": "\(o.learningRate)",
                    "batch_size": "\(o.batchSize)", "max_epochs": "\(o.maxEpochs)", "patience": "\(o.patience)",
                    "validation_fraction": "\(o.validationFraction)", "seed": "\(o.seed)"]
        }
    }

    /// Fits on standardised `x`.
    func fit(x: Matrix, y: [Double]) throws -> FittedModel {
        switch self {
        case let .ridge(l): return .ridge(try RidgeRegression.fit(x: x, y: y, lambda: l))
        case let .logistic(l, w): return .logistic(try LogisticRegression.fit(x: x, y: y, lambda: l, classWeights: w))
        case let .mlp(o): return .mlp(MLPClassifier.fit(x: x, y: y, options: o))
        }
    }
}

/// A fitted model of any kind; its score is what calibration turns into a probability.
public enum FittedModel: Sendable, Equatable {
    case ridge(RidgeRegression)
    case logistic(LogisticRegression)
    case mlp(MLPClassifier)

    public func scores(_ x: Matrix) throws -> [Double] {
        switch self {
        case .ridge(let m): return try m.predict(x)
        case .logistic(let m): return try m.predict(x)
        case .mlp(let m): return m.predict(x)
        }
    }

    /// Every parameter, flattened in a fixed order, with the shape of each block.
    var parameters: (values: [Double], shapes: [[Int]]) {
        switch self {
        case .ridge(let m): return (m.coefficients + [m.intercept], [[m.coefficients.count], [1]])
        case .logistic(let m): return (m.coefficients + [m.intercept], [[m.coefficients.count], [1]])
        case .mlp(let m):
            var values: [Double] = [], shapes: [[Int]] = []
            for l in 0..<(m.sizes.count - 1) {
                values += m.weights[l]; shapes.append([m.sizes[l], m.sizes[l + 1]])
                values += m.biases[l]; shapes.append([m.sizes[l + 1]])
            }
            return (values, shapes)
        }
    }
}
