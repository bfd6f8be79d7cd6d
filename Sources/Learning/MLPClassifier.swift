import CLinearAlgebra
import Dispatch
import Foundation
import NumericKit

/// A small multilayer perceptron for P(up): 1–2 ReLU hidden layers, a sigmoid output, mean binary
/// cross-entropy plus (l2 / 2)·Σ‖W‖² (weights only). Trained by Adam on mini-batches whose forward
/// and backward passes are dgemm calls; weights start from a seeded He-normal draw; the last
/// `validationFraction` of the training rows (in time order) decide early stopping, and the
/// weights of the best validation epoch are kept.
public struct MLPClassifier: Sendable, Equatable, Codable {
    /// Layer sizes: inputs, hidden…, 1.
    public let sizes: [Int]
    /// weights[l] is sizes[l] × sizes[l+1], column-major.
    public var weights: [[Double]]
    public var biases: [[Double]]
    public var epochs: Int = 0

    /// Training settings.
    public struct Options: Sendable, Equatable, Codable {
        public var hidden: [Int] = [64, 32]
        public var learningRate = 1e-3
        public var batchSize = 512
        public var maxEpochs = 30
        public var patience = 3
        public var l2 = 1e-4
        public var validationFraction = 0.1
        public var seed: UInt64 = 42
        public init() {}
    }

    /// Fresh seeded weights.
    public init(inputs: Int, hidden: [Int], seed: UInt64) {
        sizes = [inputs] + hidden + [1]
        var rng = SeededRNG(seed: seed)
        weights = []
        biases = []
        for l in 0..<(sizes.count - 1) {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let sd = (2.0 / Double(fanIn)).squareRoot()
            weights.append((0..<(fanIn * fanOut)).map { _ in sd * rng.normal() })
            biases.append([Double](repeating: 0, count: fanOut))
        }
    }

    var layers: Int { sizes.count - 1 }

    /// Scratch for one mini-batch: pre-activations, activations and their gradients per layer,
    /// allocated once and owned here (so BLAS gets stable pointers).
    final class Workspace {
        let z: [UnsafeMutablePointer<Double>], a: [UnsafeMutablePointer<Double>], dz: [UnsafeMutablePointer<Double>]
        init(_ sizes: [Int], batch: Int) {
            func make() -> [UnsafeMutablePointer<Double>] {
                sizes.dropFirst().map { size in
                    let p = UnsafeMutablePointer<Double>.allocate(capacity: batch * size)
                    p.initialize(repeating: 0, count: batch * size)
                    return p
                }
            }
            z = make(); a = make(); dz = make()
        }
        deinit { for p in z + a + dz { p.deallocate() } }
    }

    /// Forward pass for `b` rows in `x`: b × inputs column-major (leading dimension b), or, when
    /// `rowMajor`, the same rows stored one after another (leading dimension inputs). Leaves the
    /// output probabilities in ws.a.last.
    func forward(_ x: UnsafePointer<Double>, rows b: Int, rowMajor: Bool = false, _ ws: Workspace) {
        var input = x
        for l in 0..<layers {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let z = ws.z[l], a = ws.a[l]
            // Z = bias (broadcast) + input · W
            for j in 0..<fanOut { let bj = biases[l][j]; for i in 0..<b { z[j * b + i] = bj } }
            let transposedInput = l == 0 && rowMajor
            weights[l].withUnsafeBufferPointer { w in
                cblas_dgemm(CblasColMajor, transposedInput ? CblasTrans : CblasNoTrans, CblasNoTrans, blasint(b), blasint(fanOut), blasint(fanIn), 1,
                            input, blasint(transposedInput ? fanIn : b), w.baseAddress, blasint(fanIn), 1, z, blasint(b))
            }
            if l == layers - 1 {
                for i in 0..<(b * fanOut) { a[i] = 1 / (1 + exp(-z[i])) }
            } else {
                for i in 0..<(b * fanOut) { a[i] = max(0, z[i]) }
            }
            input = UnsafePointer(a)
        }
    }

    /// Gradients of the batch loss (mean cross-entropy + l2 term) with respect to every weight and bias.
    /// `meanOver` is the size of the whole mini-batch when these rows are only part of it (the
    /// parts' gradients then add up to the batch gradient); the l2 term is added when `l2` ≠ 0.
    func gradients(_ x: UnsafePointer<Double>, y: UnsafePointer<Double>, rows b: Int, rowMajor: Bool = false, l2: Double, _ ws: Workspace,
                   meanOver: Int? = nil, into gw: inout [[Double]], _ gb: inout [[Double]]) {
        forward(x, rows: b, rowMajor: rowMajor, ws)
        // Output layer: dL/dz = (p − y) / batch for sigmoid + cross-entropy.
        let lastIndex = layers - 1
        let out = ws.dz[lastIndex], p = ws.a[lastIndex]
        let denominator = Double(meanOver ?? b)
        for i in 0..<b { out[i] = (p[i] - y[i]) / denominator }
        for l in stride(from: lastIndex, through: 0, by: -1) {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let input: UnsafePointer<Double> = l == 0 ? x : UnsafePointer(ws.a[l - 1])
            let dz = ws.dz[l]
            // gW = inputᵀ · dZ + l2·W ; gb = column sums of dZ
            gw[l].withUnsafeMutableBufferPointer { g in
                weights[l].withUnsafeBufferPointer { w in
                    for i in 0..<(fanIn * fanOut) { g[i] = l2 * w[i] }
                }
                let rowMajorInput = l == 0 && rowMajor
                cblas_dgemm(CblasColMajor, rowMajorInput ? CblasNoTrans : CblasTrans, CblasNoTrans, blasint(fanIn), blasint(fanOut), blasint(b), 1,
                            input, blasint(rowMajorInput ? fanIn : b), dz, blasint(b), 1, g.baseAddress, blasint(fanIn))
            }
            for j in 0..<fanOut {
                var s = 0.0
                for i in 0..<b { s += dz[j * b + i] }
                gb[l][j] = s
            }
            guard l > 0 else { continue }
            // dA(l−1) = dZ · Wᵀ, then through the ReLU.
            let prev = ws.dz[l - 1], z = ws.z[l - 1]
            weights[l].withUnsafeBufferPointer { w in
                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, blasint(b), blasint(fanIn), blasint(fanOut), 1,
                            dz, blasint(b), w.baseAddress, blasint(fanIn), 0, prev, blasint(b))
            }
            for i in 0..<(b * fanIn) where z[i] <= 0 { prev[i] = 0 }
        }
    }

    /// Mean cross-entropy (+ l2 term) of the current weights on `b` rows.
    func loss(_ x: UnsafePointer<Double>, y: UnsafePointer<Double>, rows b: Int, l2: Double, _ ws: Workspace) -> Double {
        forward(x, rows: b, ws)
        var total = 0.0
        let p = ws.a[layers - 1]
        for i in 0..<b {
            let q = min(max(p[i], 1e-15), 1 - 1e-15)
            total -= y[i] > 0 ? log(q) : log(1 - q)
        }
        var reg = 0.0
        for w in weights { for v in w { reg += v * v } }
        return total / Double(b) + 0.5 * l2 * reg
    }

    /// Trains on standardised `x` (rows in time order).
    public static func fit(x: Matrix, y: [Double], options o: Options, progress: (Int, Double) -> Void = { _, _ in }) -> MLPClassifier {
        var model = MLPClassifier(inputs: x.columns, hidden: o.hidden, seed: o.seed)
        let n = x.rows, k = x.columns
        let validation = max(1, Int(Double(n) * o.validationFraction))
        let trainCount = max(1, n - validation)
        var rng = SeededRNG(seed: o.seed &+ 1)
        var order = Array(0..<trainCount)
        // Each mini-batch is split in two halves whose gradients are computed side by side and
        // added in a fixed order (deterministic): with single-threaded OpenBLAS (`ProcessTuning`)
        // this keeps two cores busier than OpenBLAS's own threads do on such small gemms.
        let parts = o.batchSize >= 64 ? 2 : 1
        let workspaces = (0..<parts).map { _ in Workspace(model.sizes, batch: o.batchSize) }
        let zeroW = model.weights.map { [Double](repeating: 0, count: $0.count) }, zeroB = model.biases.map { [Double](repeating: 0, count: $0.count) }
        var partW = [[[Double]]](repeating: zeroW, count: parts), partB = [[[Double]]](repeating: zeroB, count: parts)
        var gw = zeroW, gb = zeroB
        var mw = gw, vw = gw, mb = gb, vb = gb
        var step = 0.0
        let valX = x.gatherRows(Array(trainCount..<n)).storage
        let valY = Array(y[trainCount..<n])
        let valWs = Workspace(model.sizes, batch: n - trainCount)
        var best = Double.infinity, bestModel = model, stale = 0
        // Shuffled batches gather whole rows: keep a row-major copy so each row is one contiguous
        // read instead of k cache misses, and feed it to the first layer as it is.
        let rowMajor = x.transposed().storage
        var batchX = [Double](repeating: 0, count: o.batchSize * k), batchY = [Double](repeating: 0, count: o.batchSize)
        for epoch in 1...max(1, o.maxEpochs) {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            var start = 0
            while start < trainCount {
                let b = min(o.batchSize, trainCount - start)
                rowMajor.withUnsafeBufferPointer { src in
                    batchX.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<b {
                            (dst.baseAddress! + i * k).update(from: src.baseAddress! + order[start + i] * k, count: k)
                        }
                    }
                }
                for i in 0..<b { batchY[i] = y[order[start + i]] }
                let current = model
                batchX.withUnsafeBufferPointer { bx in
                    batchY.withUnsafeBufferPointer { by in
                        partW.withUnsafeMutableBufferPointer { pw in
                            partB.withUnsafeMutableBufferPointer { pb in
                                let shared = UncheckedSendable((x: bx.baseAddress!, y: by.baseAddress!, w: pw.baseAddress!,
                                                                b: pb.baseAddress!, workspaces: workspaces))
                                DispatchQueue.concurrentPerform(iterations: parts) { h in
                                    let io = shared.value
                                    let lo = b * h / parts, hi = b * (h + 1) / parts
                                    current.gradients(io.x + lo * k, y: io.y + lo, rows: hi - lo, rowMajor: true,
                                                      l2: h == 0 ? o.l2 : 0, io.workspaces[h], meanOver: b,
                                                      into: &io.w[h], &io.b[h])
                                }
                            }
                        }
                    }
                }
                for l in 0..<model.layers {
                    for i in gw[l].indices { var s = 0.0; for h in 0..<parts { s += partW[h][l][i] }; gw[l][i] = s }
                    for j in gb[l].indices { var s = 0.0; for h in 0..<parts { s += partB[h][l][j] }; gb[l][j] = s }
                }
                step += 1
                let c1 = 1 - pow(0.9, step), c2 = 1 - pow(0.999, step)
                for l in 0..<model.layers {
                    adam(&model.weights[l], gw[l], &mw[l], &vw[l], lr: o.learningRate, c1: c1, c2: c2)
                    adam(&model.biases[l], gb[l], &mb[l], &vb[l], lr: o.learningRate, c1: c1, c2: c2)
                }
                start += b
            }
            let valLoss = valX.withUnsafeBufferPointer { vx in
                valY.withUnsafeBufferPointer { vy in model.loss(vx.baseAddress!, y: vy.baseAddress!, rows: n - trainCount, l2: 0, valWs) }
            }
            model.epochs = epoch
            progress(epoch, valLoss)
            if valLoss < best - 1e-9 { best = valLoss; bestModel = model; stale = 0 } else {
                stale += 1
                if stale >= o.patience { break }
            }
        }
        bestModel.epochs = model.epochs
        return bestModel
    }

    @inline(__always)
    static func adam(_ p: inout [Double], _ g: [Double], _ m: inout [Double], _ v: inout [Double], lr: Double, c1: Double, c2: Double) {
        for i in p.indices {
            m[i] = 0.9 * m[i] + 0.1 * g[i]
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
            p[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
        }
    }

    /// P(up) for every row of standardised `x`.
    public func predict(_ x: Matrix) -> [Double] {
        let ws = Workspace(sizes, batch: max(1, x.rows))
        x.storage.withUnsafeBufferPointer { forward($0.baseAddress!, rows: x.rows, ws) }
        return Array(UnsafeBufferPointer(start: ws.a[layers - 1], count: x.rows))
    }
}
