import Foundation
import GRDB

/// A table read as plain values, for copying a store to another backend (`mlbot data copy`).
extension DataStore {
    /// A table's column names and its primary key's columns, in key order.
    public func layout(of table: String) throws -> (columns: [String], key: [String]) {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
            guard !rows.isEmpty else { throw StoreError.cannotOpen(path: path, reason: "no table \(table)") }
            let key = rows.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
            return (rows.map { $0["name"] }, key)
        }
    }

    /// Up to `limit` rows ordered by `key`, after the row whose key is `after`.
    public func rows(of table: String, columns: [String], key: [String], after: [StoreValue]?, limit: Int) throws -> [[StoreValue]] {
        try pool.read { db in
            let keys = key.joined(separator: ", ")
            let filter = after == nil ? "" : "WHERE (\(keys)) > (\(key.map { _ in "?" }.joined(separator: ", ")))"
            let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table) \(filter) ORDER BY \(keys) LIMIT \(limit)"
            let arguments = StatementArguments((after ?? []).map(Self.databaseValue))
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                (0..<row.count).map { i -> StoreValue in
                    switch (row[i] as DatabaseValue).storage {
                    case .null: .null
                    case .int64(let x): .integer(x)
                    case .double(let x): .real(x)
                    case .string(let x): .text(x)
                    case .blob(let x): .blob(x)
                    }
                }
            }
        }
    }

    static func databaseValue(_ v: StoreValue) -> DatabaseValue {
        switch v {
        case .integer(let x): x.databaseValue
        case .real(let x): x.databaseValue
        case .text(let x): x.databaseValue
        case .blob(let x): x.databaseValue
        case .null: .null
        }
    }
}
