import Foundation
import Hashing
import Market
import PostgresNIO
import Store

/// `mlbot data copy`: the research tables of a SQLite store into PostgreSQL, row for row, then
/// checked. Each page of rows commits on its own and a row already there is skipped, so a copy
/// that stopped resumes where it did and a second copy changes nothing. The check reads both
/// sides again: every source row must be at the destination with the same content (by a
/// SHA-256 per row); the model artifacts go in by their SHA-256.
public enum StoreCopy {
    /// The research tables, parents before children.
    public static let tables = ["series", "bars", "models", "model_versions", "strategies", "paper_records", "strategy_events",
                                "backtests", "backtest_trades", "discovery_runs", "discovery_candidates", "discovery_rungs",
                                "discovery_rung_keys", "discovery_claims"]
    /// Tables whose `id` the destination issues itself afterwards (its sequence moves past the copied ids).
    static let identities = ["series", "strategy_events", "backtests", "discovery_claims"]

    /// One table's outcome.
    public struct Table: Sendable, Encodable {
        public let table: String
        public let source_rows: Int
        public let copied: Int
        public let destination_rows: Int
        /// SHA-256 over the sorted per-row hashes of the source rows.
        public let source_hash: String
        /// Source rows missing at the destination or different there (0 when verified).
        public let mismatched: Int
    }

    /// The whole copy.
    public struct Report: Sendable, Encodable {
        public let from: String
        public let to: String
        public let tables: [Table]
        public let model_files_copied: Int
        /// Registered versions whose artifact folder is missing at the source (copied without files).
        public let models_without_files: [String]
        public var verified: Bool { tables.allSatisfy { $0.mismatched == 0 } && models_without_files.isEmpty }
    }

    public static func copy(from source: DataStore, to destination: PostgresStore, pageRows: Int = 5_000,
                            progress: (String, Int) -> Void = { _, _ in }) throws -> Report {
        let db = destination.db
        var reports: [Table] = []
        for table in tables {
            let layout = try source.layout(of: table)
            let types = try columnTypes(table, db)
            for c in layout.columns where types[c] == nil {
                throw Failure(.internal, "\(destination.address): table \(table) has no column \(c) (the source's schema is newer than this binary's PostgreSQL schema)")
            }
            let keyIndex = layout.key.map { k in layout.columns.firstIndex(of: k)! }
            var after: [StoreValue]?
            var sourceRows = 0, copied = 0
            var digests: [Data] = []
            while true {
                let page = try source.rows(of: table, columns: layout.columns, key: layout.key, after: after, limit: pageRows)
                    .map { row in zip(layout.columns, row).map { normalized($1, to: types[$0]!) } }
                if page.isEmpty { break }
                let inserted = try db.transaction { conn in
                    try await PostgresDatabase.insertMany(conn, table: table, columns: layout.columns, rows: page, suffix: "ON CONFLICT DO NOTHING RETURNING 1").count
                }
                copied += inserted
                sourceRows += page.count
                digests += page.map(digest)
                after = keyIndex.map { page.last![$0] }
                progress(table, sourceRows)
            }
            if identities.contains(table) {
                _ = try db.rows("SELECT setval(pg_get_serial_sequence(\(table), 'id'), GREATEST((SELECT max(id) FROM \(unescaped: table)), 1))")
            }
            // Read back every destination row and look for each source row's hash among them.
            var present = Set<Data>()
            var destinationRows = 0
            var last: [StoreValue]?
            while true {
                let page = try readRows(table, columns: layout.columns, key: layout.key, after: last, limit: pageRows, db)
                if page.isEmpty { break }
                destinationRows += page.count
                for row in page { present.insert(digest(row)) }
                last = keyIndex.map { page.last![$0] }
            }
            let mismatched = digests.filter { !present.contains($0) }.count
            reports.append(Table(table: table, source_rows: sourceRows, copied: copied, destination_rows: destinationRows,
                                 source_hash: Digest.hex(Digest.sha256(digests.sorted { $0.lexicographicallyPrecedes($1) }.reduce(into: Data()) { $0.append($1) })),
                                 mismatched: mismatched))
        }
        // Artifacts: a version whose files are not yet in the database gets them from its folder.
        var filesCopied = 0, missing: [String] = []
        for e in try source.models.list() {
            let stored = try db.rows("SELECT count(*) FROM model_files WHERE name = \(e.name) AND version = \(e.version)").first!.decode(Int.self)
            if stored > 0 { continue }
            let files = try PostgresModelRepository.files(in: URL(fileURLWithPath: e.path))
            if files.isEmpty { missing.append("\(e.reference) (\(e.path))"); continue }
            try db.transaction { conn in try await PostgresModelRepository.storeFiles(files, name: e.name, version: e.version, conn) }
            filesCopied += files.count
        }
        return Report(from: source.path, to: destination.address.description, tables: reports, model_files_copied: filesCopied, models_without_files: missing)
    }

    /// Each row's hash: its values in column order, canonically encoded.
    static func digest(_ row: [StoreValue]) -> Data {
        Data(Digest.sha256(row.reduce(into: Data()) { $0.append($1.canonical) }))
    }

    /// A SQLite value in the type of the PostgreSQL column (SQLite keeps a whole REAL as it is,
    /// but may hand back an integer for a REAL column of a row written as one).
    static func normalized(_ v: StoreValue, to type: String) -> StoreValue {
        switch (v, type) {
        case (.integer(let x), "double precision"): .real(Double(x))
        default: v
        }
    }

    static func columnTypes(_ table: String, _ db: PostgresDatabase) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try db.rows("""
            SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table)
            """).map { try $0.decode((String, String).self) })
    }

    static func readRows(_ table: String, columns: [String], key: [String], after: [StoreValue]?, limit: Int,
                                _ db: PostgresDatabase) throws -> [[StoreValue]] {
        let keys = key.joined(separator: ", ")
        var binds = PostgresBindings()
        for v in after ?? [] { PostgresDatabase.bind(v, &binds) }
        let filter = after == nil ? "" : "WHERE (\(keys)) > (\((1...key.count).map { "$\($0)" }.joined(separator: ", ")))"
        let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table) \(filter) ORDER BY \(keys) LIMIT \(limit)"
        return try db.rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map { row in try row.map { try PostgresDatabase.value($0) } }
    }
}
