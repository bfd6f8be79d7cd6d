import Foundation
import Features
import NumericKit

/// Training data in the layout BLAS wants: a column-major design matrix of the chosen rows, a
/// binary target (1 = the label says up), the realised forward return (for the information
/// coefficient) and each row's position in the original series (for purging).
public struct Dataset: Sendable {
    public let x: Matrix
    public let y: [Double]
    public let forwardReturn: [Double]
    /// Row of the feature frame each sample came from (increasing).
    public let rows: [Int]
    public let names: [String]
    public let horizon: Int

    public var count: Int { x.rows }
    public var features: Int { x.columns }

    public init(x: Matrix, y: [Double], forwardReturn: [Double], rows: [Int], names: [String], horizon: Int) {
        self.x = x
        self.y = y
        self.forwardReturn = forwardReturn
        self.rows = rows
        self.names = names
        self.horizon = horizon
    }

    /// The usable rows of a feature frame (past warm-up, finite, labelled).
    public init(_ frame: FeatureFrame, closes: [Double]) {
        let rows = frame.trainingRows()
        let h = frame.label.horizon
        x = frame.matrix.gatherRows(rows)
        y = rows.map { frame.labels[$0] > 0 ? 1 : 0 }
        forwardReturn = rows.map { log(closes[$0 + h] / closes[$0]) }
        self.rows = rows
        names = frame.names
        horizon = h
    }

    /// The samples at `indices` (in that order).
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(x: x.gatherRows(indices), y: indices.map { y[$0] }, forwardReturn: indices.map { forwardReturn[$0] },
                       rows: indices.map { rows[$0] }, names: names, horizon: horizon)
    }
}
