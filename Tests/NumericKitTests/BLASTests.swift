import NumericKit
import Testing

@Suite struct BLASTests {
    /// Textbook triple loop, the reference the BLAS results are checked against.
    func naive(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        (0..<a.count).map { i in (0..<b[0].count).map { j in (0..<b.count).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
    }

    @Test func gemmMatchesAKnownProduct() throws {
        let a = try Matrix(rowArrays: [[1, 2], [3, 4]])
        let b = try Matrix(rowArrays: [[5, 6], [7, 8]])
        #expect(try BLAS.multiply(a, b).rowArrays == [[19, 22], [43, 50]])
    }

    @Test func gemmHonoursTransposesAlphaAndBeta() throws {
        var rng = SeededRNG(seed: 3)
        let ar = (0..<4).map { _ in (0..<3).map { _ in rng.normal() } }
        let br = (0..<4).map { _ in (0..<5).map { _ in rng.normal() } }
        let a = try Matrix(rowArrays: ar), b = try Matrix(rowArrays: br)
        // AᵀB
        let atb = try BLAS.multiply(a, b, transA: .transpose)
        let expected = naive((0..<3).map { j in ar.map { $0[j] } }, br)
        #expect(atb.maxAbsDifference(try Matrix(rowArrays: expected)) < 1e-12)
        // C ← 2·AᵀB + 1·C
        var c = atb
        try BLAS.gemm(a, b, transA: .transpose, alpha: 2, beta: 1, into: &c)
        #expect(c.maxAbsDifference(try Matrix(rowArrays: expected.map { $0.map { 3 * $0 } })) < 1e-12)
    }

    @Test func gemmRejectsMismatchedShapes() throws {
        let a = Matrix(rows: 2, columns: 3), b = Matrix(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try BLAS.multiply(a, b) }
        var c = Matrix(rows: 3, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try BLAS.gemm(a, b, transB: .transpose, into: &c) }
    }

    @Test func gemvBothWays() throws {
        let a = try Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        #expect(try BLAS.multiply(a, [1, 0, -1]) == [-2, -2])
        #expect(try BLAS.multiply(a, [1, 1], trans: .transpose) == [5, 7, 9])
        #expect(throws: LinearAlgebraError.self) { try BLAS.multiply(a, [1, 2]) }
    }

    @Test func syrkEqualsTheGramMatrix() throws {
        var rng = SeededRNG(seed: 11)
        let a = try Matrix(rows: 50, columns: 6, columnMajor: (0..<300).map { _ in rng.normal() })
        let gram = BLAS.syrk(a)
        let reference = try BLAS.multiply(a, a, transA: .transpose)
        #expect(gram.maxAbsDifference(reference) < 1e-10)
        #expect(gram == gram.transposed())
        let outer = BLAS.syrk(a, trans: .none)
        #expect(outer.rows == 50)
        #expect(outer.maxAbsDifference(try BLAS.multiply(a, a, transB: .transpose)) < 1e-10)
    }
}
