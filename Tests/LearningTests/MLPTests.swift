import Foundation
@testable import Learning
import NumericKit
import Testing

@Suite struct MLPTests {
    @Test(arguments: [[4, 3], [5]])
    func gradientsMatchFiniteDifferences(hidden: [Int]) {
        var rng = SeededRNG(seed: 21)
        let n = 7, k = 3
        let x = (0..<(n * k)).map { _ in rng.normal() }
        let y = (0..<n).map { _ in rng.uniform() < 0.5 ? 0.0 : 1.0 }
        var model = MLPClassifier(inputs: k, hidden: hidden, seed: 4)
        // Shift biases off zero so no ReLU sits exactly on its kink.
        for l in model.biases.indices { for j in model.biases[l].indices { model.biases[l][j] = 0.1 * rng.normal() } }
        let l2 = 0.01
        let ws = MLPClassifier.Workspace(model.sizes, batch: n)
        var gw = model.weights.map { [Double](repeating: 0, count: $0.count) }, gb = model.biases.map { [Double](repeating: 0, count: $0.count) }
        x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
            model.gradients(xp.baseAddress!, y: yp.baseAddress!, rows: n, l2: l2, ws, into: &gw, &gb)
        } }
        func loss(_ m: MLPClassifier) -> Double {
            x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in m.loss(xp.baseAddress!, y: yp.baseAddress!, rows: n, l2: l2, ws) } }
        }
        let h = 1e-6
        var worst = 0.0
        for l in model.weights.indices {
            for i in model.weights[l].indices {
                var plus = model, minus = model
                plus.weights[l][i] += h; minus.weights[l][i] -= h
                let numeric = (loss(plus) - loss(minus)) / (2 * h)
                worst = max(worst, abs(numeric - gw[l][i]) / max(1e-3, abs(numeric)))
            }
            for j in model.biases[l].indices {
                var plus = model, minus = model
                plus.biases[l][j] += h; minus.biases[l][j] -= h
                let numeric = (loss(plus) - loss(minus)) / (2 * h)
                worst = max(worst, abs(numeric - gb[l][j]) / max(1e-3, abs(numeric)))
            }
        }
        #expect(worst < 1e-5, "largest relative gradient error \(worst)")
    }

    /// y = 1 when x0·x1 > 0: no linear model can beat a coin, a small MLP can.
    func xor(_ n: Int, seed: UInt64) -> (Matrix, [Double]) {
        var rng = SeededRNG(seed: seed)
        let a = (0..<n).map { _ in rng.normal() }, b = (0..<n).map { _ in rng.normal() }
        return (try! Matrix(rows: n, columns: 2, columnMajor: a + b), zip(a, b).map { $0 * $1 > 0 ? 1 : 0 })
    }

    @Test func learnsWhatALinearModelCannotAndIsDeterministic() throws {
        let (x, y) = xor(6000, seed: 1)
        var o = MLPClassifier.Options()
        o.hidden = [16, 8]; o.batchSize = 64; o.maxEpochs = 40; o.learningRate = 0.01; o.patience = 5
        let model = MLPClassifier.fit(x: x, y: y, options: o)
        let (tx, ty) = xor(2000, seed: 2)
        let mlp = Metrics(p: model.predict(tx), y: ty, forwardReturn: ty.map { $0 - 0.5 })
        let linear = Metrics(p: try LogisticRegression.fit(x: x, y: y, lambda: 1).predict(tx), y: ty, forwardReturn: ty.map { $0 - 0.5 })
        #expect(mlp.accuracy > 0.9, "MLP accuracy \(mlp.accuracy)")
        #expect(abs(linear.auc - 0.5) < 0.05)
        #expect(MLPClassifier.fit(x: x, y: y, options: o) == model)
        o.seed = 43
        #expect(MLPClassifier.fit(x: x, y: y, options: o) != model)
    }

    @Test func earlyStoppingKeepsTheBestValidationEpoch() {
        // Pure noise: validation loss stops improving almost at once.
        var rng = SeededRNG(seed: 9)
        let n = 3000
        let x = try! Matrix(rows: n, columns: 5, columnMajor: (0..<(n * 5)).map { _ in rng.normal() })
        let y = (0..<n).map { _ in rng.uniform() < 0.5 ? 0.0 : 1.0 }
        var o = MLPClassifier.Options()
        o.hidden = [32]; o.maxEpochs = 100; o.patience = 2; o.batchSize = 100; o.learningRate = 0.01
        var losses: [Double] = []
        let model = MLPClassifier.fit(x: x, y: y, options: o) { _, loss in losses.append(loss) }
        #expect(model.epochs < 100 && model.epochs == losses.count)
        #expect(losses.suffix(2).allSatisfy { $0 >= losses.min()! })
    }
}
