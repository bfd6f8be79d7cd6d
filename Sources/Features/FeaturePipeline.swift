import Dispatch
import Synchronization
import NumericKit

/// Features (and labels) for a whole series: a column-major matrix the trainer hands to BLAS.
public struct FeatureFrame: Sendable {
    public let names: [String]
    public let time: [Int64]
    /// rows = bars, columns = outputs; NaN where an output is not yet valid.
    public let matrix: Matrix
    /// Label per row (NaN where the horizon runs past the data).
    public let labels: [Double]
    /// First row at which every output is valid.
    public let warmUp: Int
    public let label: LabelSpec

    /// Rows usable for training: past warm-up, every feature finite, a finite label (non-zero
    /// when the label drops flat rows).
    public func trainingRows() -> [Int] {
        var rows: [Int] = []
        let n = matrix.rows, k = matrix.columns
        rows.reserveCapacity(max(0, n - warmUp))
        matrix.storage.withUnsafeBufferPointer { m in
            outer: for t in warmUp..<max(warmUp, n) {
                let y = labels[t]
                if !y.isFinite || (label.dropsFlat && y == 0) { continue }
                for j in 0..<k where !m[j * n + t].isFinite { continue outer }
                rows.append(t)
            }
        }
        return rows
    }

    /// One output's column.
    public func column(_ name: String) -> [Double]? {
        names.firstIndex(of: name).map { matrix.column($0) }
    }

    /// Rows `start…` only: what a later start sees when its indicators were seeded earlier.
    public func rows(from start: Int) -> FeatureFrame {
        let n = matrix.rows, k = matrix.columns, m = n - start
        precondition(start >= 0 && start <= n, "row \(start) outside the frame's \(n) rows")
        let sliced = Matrix(rows: m, columns: k, uninitializedWriter: { out in
            matrix.storage.withUnsafeBufferPointer { src in
                for j in 0..<k { for t in 0..<m { out[j * m + t] = src[j * n + start + t] } }
            }
        })
        return FeatureFrame(names: names, time: Array(time[start...]), matrix: sliced, labels: Array(labels[start...]),
                            warmUp: max(0, warmUp - start), label: label)
    }

    /// The same features with another label (computed from the same bars).
    public func relabeled(_ spec: LabelSpec, input: FeatureInput) -> FeatureFrame {
        precondition(input.count == time.count, "input is not the frame's series")
        return FeatureFrame(names: names, time: time, matrix: matrix, labels: spec.compute(input), warmUp: warmUp, label: spec)
    }

    /// Only the outputs in `subset` (in that order). The warm-up stays the full set's, so every
    /// subset of a set trains and trades on the same rows.
    public func selecting(_ subset: [String]) -> FeatureFrame {
        let columns = subset.map { name in
            guard let j = names.firstIndex(of: name) else { preconditionFailure("no output '\(name)' in the frame") }
            return j
        }
        let n = matrix.rows
        let selected = Matrix(rows: n, columns: columns.count, uninitializedWriter: { out in
            matrix.storage.withUnsafeBufferPointer { m in
                for (k, j) in columns.enumerated() {
                    for t in 0..<n { out[k * n + t] = m[j * n + t] }
                }
            }
        })
        return FeatureFrame(names: subset, time: time, matrix: selected, labels: labels, warmUp: warmUp, label: label)
    }
}

/// Runs a feature set: batch over a series (indicators in parallel across cores) or streaming.
public struct FeaturePipeline: Sendable {
    public let set: FeatureSet

    public init(_ set: FeatureSet) { self.set = set }

    /// Computes every output and the labels for `input`. Indicators write disjoint columns, so
    /// `threads` workers take them one at a time, costliest first.
    public func compute(_ input: FeatureInput, threads: Int = 2) -> FeatureFrame {
        let n = input.count
        let indicators = set.indicators
        let offsets = Self.offsets(indicators)
        let order = indicators.indices.sorted { indicators[$0].relativeCost > indicators[$1].relativeCost }
        let next = Atomic<Int>(0)
        // Every kernel writes every row of its columns (NaN during warm-up): no zero-fill needed.
        let matrix = Matrix(rows: n, columns: set.outputs.count) { storage in
            let base = UncheckedSendable(storage.baseAddress)
            let workers = max(1, min(threads, indicators.count))
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let position = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard position < order.count else { return }
                    let i = order[position]
                    let columns = (0..<indicators[i].outputs.count).map { j in
                        UnsafeMutableBufferPointer(start: base.value.map { $0 + (offsets[i] + j) * n }, count: n)
                    }
                    indicators[i].batch(input, columns)
                }
            }
        }
        return FeatureFrame(names: set.outputs, time: input.time, matrix: matrix, labels: set.label.compute(input),
                            warmUp: set.warmUp, label: set.label)
    }

    /// First column of each indicator's outputs.
    static func offsets(_ indicators: [any Indicator]) -> [Int] {
        var offsets: [Int] = []
        var k = 0
        for ind in indicators { offsets.append(k); k += ind.outputs.count }
        return offsets
    }

    /// A streaming run of the whole set.
    public func makeStream() -> FeatureStream { FeatureStream(set) }
}

/// The whole set one bar at a time: the service's view of the same features.
public final class FeatureStream {
    private let streams: [IndicatorStream]
    private let offsets: [Int]
    public let names: [String]
    private var row: [Double]

    init(_ set: FeatureSet) {
        streams = set.indicators.map { $0.makeStream() }
        offsets = FeaturePipeline.offsets(set.indicators)
        names = set.outputs
        row = [Double](repeating: .nan, count: names.count)
    }

    /// Consumes one bar; returns every output for it (NaN during warm-up).
    @discardableResult
    public func update(_ bar: InputBar) -> [Double] {
        // Unsafe buffers: no bounds checks, and no retain/release of each stream per bar.
        row.withUnsafeMutableBufferPointer { r in
            streams.withUnsafeBufferPointer { st in
                offsets.withUnsafeBufferPointer { off in
                    for i in 0..<st.count { st[i].update(bar, r.baseAddress! + off[i]) }
                }
            }
        }
        return row
    }
}
