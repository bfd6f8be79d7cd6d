import NumericKit
import Testing

@Suite struct MatrixTests {
    @Test func storesColumnMajor() throws {
        let m = try Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        #expect(m.storage == [1, 4, 2, 5, 3, 6])
        #expect(m[1, 2] == 6)
        #expect(m.column(1) == [2, 5])
        #expect(m.transposed().rowArrays == [[1, 4], [2, 5], [3, 6]])
    }

    @Test func rejectsStorageOfTheWrongSize() {
        #expect(throws: LinearAlgebraError.self) { try Matrix(rows: 2, columns: 2, columnMajor: [1, 2, 3]) }
        #expect(throws: LinearAlgebraError.self) { try Matrix(rowArrays: [[1, 2], [3]]) }
    }
}
