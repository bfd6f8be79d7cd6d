import Foundation
import PostgresNIO
import Store

/// Statements built at run time (many rows in one INSERT) and cells read as store values.
extension PostgresDatabase {
    /// `INSERT INTO table (columns) VALUES (…), (…) suffix`, in as few statements as the server's
    /// limit of 65,535 parameters allows; returns the rows `suffix` makes it return.
    static func insertMany(_ conn: PostgresConnection, table: String, columns: [String], rows: [[StoreValue]],
                           suffix: String = "") async throws -> [PostgresRow] {
        guard !rows.isEmpty else { return [] }
        let perStatement = max(1, 60_000 / max(1, columns.count))
        var out: [PostgresRow] = []
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var binds = PostgresBindings(capacity: chunk.count * columns.count)
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            var n = 0
            for row in chunk {
                var placeholders: [String] = []
                for value in row {
                    n += 1
                    placeholders.append("$\(n)")
                    bind(value, &binds)
                }
                tuples.append("(" + placeholders.joined(separator: ",") + ")")
            }
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ",")) \(suffix)"
            out += try await conn.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: quiet).collect()
            start += chunk.count
        }
        return out
    }

    static func bind(_ value: StoreValue, _ binds: inout PostgresBindings) {
        switch value {
        case .integer(let v): binds.append(v)
        case .real(let v): binds.append(v)
        case .text(let v): binds.append(v)
        case .blob(let v): binds.append(ByteBuffer(bytes: v))
        case .null: binds.appendNull()
        }
    }

    /// A cell as a store value, by the column's type on the server.
    static func value(_ cell: PostgresCell) throws -> StoreValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bytea: return .blob(Data(buffer: try cell.decode(ByteBuffer.self)))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }
}

extension Optional where Wrapped == Int { var store: StoreValue { map { .integer(Int64($0)) } ?? .null } }
extension Optional where Wrapped == Int64 { var store: StoreValue { map { .integer($0) } ?? .null } }
extension Optional where Wrapped == Double { var store: StoreValue { map { .real($0) } ?? .null } }
extension Optional where Wrapped == String { var store: StoreValue { map { .text($0) } ?? .null } }
