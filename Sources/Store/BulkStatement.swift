import CSQLite
import GRDB

/// A prepared statement driven through the sqlite3 C API, used inside a GRDB transaction for
/// bulk reads and writes where GRDB's per-row argument arrays cost more than SQLite itself.
final class BulkStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer

    init(_ db: Database, _ sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "closed connection") }
        var h: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection, sql, -1, &h, nil)
        guard rc == SQLITE_OK, let h else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.handle = h
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    @inline(__always) func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    @inline(__always) func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }

    /// Steps once: true when a row is available, false when done.
    @inline(__always) func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)))
    }

    /// Runs a statement that returns no rows, then readies it for the next bindings.
    @inline(__always) func run() throws {
        _ = try step()
        sqlite3_reset(handle)
    }

    @inline(__always) func reset() { sqlite3_reset(handle) }
    @inline(__always) func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    @inline(__always) func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    /// Rows changed by the last statement on this connection.
    var changes: Int32 { sqlite3_changes(connection) }
}
