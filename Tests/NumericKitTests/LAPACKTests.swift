import Foundation
import NumericKit
import Testing

@Suite struct LAPACKTests {
    let spd = try! Matrix(rowArrays: [[4, 12, -16], [12, 37, -43], [-16, -43, 98]])

    @Test func posvSolvesAKnownSystem() throws {
        // A·[1,2,3] for the SPD matrix above.
        let x = try LAPACK.posv(spd, .column([-20, -43, 192]))
        #expect(zip(x.storage, [1.0, 2, 3]).allSatisfy { abs($0 - $1) < 1e-10 })
    }

    @Test func potrfGivesTheTextbookFactor() throws {
        // The classic example: L = [[2,0,0],[6,1,0],[-8,5,3]].
        let f = try LAPACK.potrf(spd)
        #expect(f.lower.maxAbsDifference(try Matrix(rowArrays: [[2, 0, 0], [6, 1, 0], [-8, 5, 3]])) < 1e-12)
        let x = try f.solve([-20, -43, 192])
        #expect(zip(x, [1.0, 2, 3]).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(abs(f.logDeterminant - log(36)) < 1e-12)
        let x2 = try LAPACK.potrs(f, try Matrix(rowArrays: [[-20, 4], [-41, 12], [200, -16]]))
        #expect(abs(x2[0, 1] - 1) < 1e-10 && abs(x2[1, 1]) < 1e-10 && abs(x2[2, 1]) < 1e-10)
    }

    @Test func notPositiveDefiniteIsAnError() throws {
        let indefinite = try Matrix(rowArrays: [[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(operation: "potrf", leadingMinor: 2)) { try LAPACK.potrf(indefinite) }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(operation: "posv", leadingMinor: 2)) {
            try LAPACK.posv(indefinite, .column([1, 1]))
        }
    }

    @Test func gesvSolvesAndDetectsSingularity() throws {
        let a = try Matrix(rowArrays: [[0, 2, 1], [1, 1, 1], [2, 1, 0]])
        let x = try LAPACK.gesv(a, .column([7, 6, 4]))  // solution [1, 2, 3]
        #expect(zip(x.storage, [1.0, 2, 3]).allSatisfy { abs($0 - $1) < 1e-12 })
        let singular = try Matrix(rowArrays: [[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singular(operation: "gesv", pivot: 2)) { try LAPACK.gesv(singular, .column([1, 2])) }
    }

    @Test func gelsFitsALine() throws {
        // y = 1 + 2x exactly at x = 0...4, plus a residual-free overdetermined system.
        let xs: [Double] = [0, 1, 2, 3, 4]
        let a = try Matrix(rowArrays: xs.map { [1, $0] })
        let beta = try LAPACK.gels(a, .column(xs.map { 1 + 2 * $0 }))
        #expect(beta.rows == 2 && abs(beta[0, 0] - 1) < 1e-12 && abs(beta[1, 0] - 2) < 1e-12)
        // Noisy points: the least-squares answer equals the normal-equations answer.
        let ys: [Double] = [1.1, 2.9, 5.2, 6.8, 9.1]
        let ls = try LAPACK.gels(a, .column(ys))
        let normal = try LAPACK.posv(BLAS.syrk(a), .column(try BLAS.multiply(a, ys, trans: .transpose)))
        #expect(ls.maxAbsDifference(normal) < 1e-12)
    }

    @Test func gelsRejectsRankDeficiencyAndWideMatrices() throws {
        let collinear = try Matrix(rowArrays: [[1, 2], [2, 4], [3, 6]])
        #expect(throws: LinearAlgebraError.self) { try LAPACK.gels(collinear, .column([1, 2, 3])) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.gels(Matrix(rows: 2, columns: 3), .column([1, 2])) }
    }

    @Test func syevdFindsKnownEigenpairs() throws {
        let a = try Matrix(rowArrays: [[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
        let e = try LAPACK.syevd(a)
        let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
        #expect(zip(e.values, expected).allSatisfy { abs($0 - $1) < 1e-12 })
        for k in 0..<3 {
            let v = e.vectors.column(k)
            let av = try BLAS.multiply(a, v)
            #expect(zip(av, v).allSatisfy { abs($0 - e.values[k] * $1) < 1e-12 })
        }
    }

    @Test func shapeAndNonFiniteInputsAreErrorsNotCrashes() throws {
        #expect(throws: LinearAlgebraError.self) { try LAPACK.posv(Matrix(rows: 2, columns: 3), .column([1, 2])) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.posv(Matrix.identity(2), .column([1, 2, 3])) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.syevd(Matrix(rows: 2, columns: 3)) }
        var bad = Matrix.identity(2)
        bad[0, 1] = .nan
        #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "gesv")) { try LAPACK.gesv(bad, .column([1, 1])) }
    }
}
