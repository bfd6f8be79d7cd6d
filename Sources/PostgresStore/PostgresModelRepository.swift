import Foundation
import Hashing
import Market
import PostgresNIO
import Store

/// The model registry on PostgreSQL, with each version's artifact files in the database by
/// their SHA-256 (`model_blobs`; a file shared by versions is stored once). A worker on another
/// machine has no shared `models/`: `entry` writes the files into the local cache folder
/// (`<cache>/<name>/<version>`) when they are missing or their hash differs, and returns that folder.
public struct PostgresModelRepository: ResearchModels {
    let db: PostgresDatabase
    /// The local folder artifacts are kept in (the config's models directory).
    let cache: URL
    static let log = PostgresDatabase.quiet

    public func nextVersion(_ name: String) throws -> Int {
        (try db.rows("SELECT last_version FROM model_versions WHERE name = \(name)").first?.decode(Int.self) ?? 0) + 1
    }

    /// Registers a version with the files of the folder `e.path` (which must hold its artifact).
    public func register(_ e: ModelEntry, activate: Bool) throws {
        let files = try Self.files(in: URL(fileURLWithPath: e.path))
        guard !files.isEmpty else { throw Failure(.badInput, "model \(e.reference): no artifact files in \(e.path)") }
        try db.transaction { conn in
            let hasActive = try await conn.query("SELECT 1 FROM models WHERE name = \(e.name) AND active = 1 FOR UPDATE", logger: Self.log).collect().count > 0
            let makeActive = activate || !hasActive
            if makeActive { _ = try await conn.query("UPDATE models SET active = 0 WHERE name = \(e.name)", logger: Self.log) }
            _ = try await conn.query("""
                INSERT INTO model_versions (name, last_version) VALUES (\(e.name), \(e.version))
                ON CONFLICT (name) DO UPDATE SET last_version = greatest(model_versions.last_version, EXCLUDED.last_version)
                """, logger: Self.log)
            _ = try await conn.query("""
                INSERT INTO models (name, version, kind, path, feature_set, feature_hash, symbol, interval, created_ms, active, summary)
                VALUES (\(e.name), \(e.version), \(e.kind), \(e.path), \(e.featureSet), \(e.featureHash), \(e.symbol), \(e.interval), \(e.createdMs),
                        \(makeActive ? 1 : 0), \(e.summary))
                """, logger: Self.log)
            try await Self.storeFiles(files, name: e.name, version: e.version, conn)
        }
    }

    /// Stores an artifact's files for a registered version (content-addressed; a blob already
    /// there is not sent again).
    static func storeFiles(_ files: [(name: String, bytes: Data)], name: String, version: Int, _ conn: PostgresConnection) async throws {
        for f in files {
            let sha = Digest.hex(Digest.sha256(f.bytes))
            let present = try await conn.query("SELECT 1 FROM model_blobs WHERE sha256 = \(sha)", logger: log).collect().count > 0
            if !present {
                _ = try await conn.query("INSERT INTO model_blobs (sha256, bytes) VALUES (\(sha), \(ByteBuffer(bytes: f.bytes))) ON CONFLICT DO NOTHING", logger: log)
            }
            _ = try await conn.query("""
                INSERT INTO model_files (name, version, file, sha256) VALUES (\(name), \(version), \(f.name), \(sha))
                ON CONFLICT (name, version, file) DO NOTHING
                """, logger: log)
        }
    }

    /// The regular files of an artifact folder, by name.
    static func files(in directory: URL) throws -> [(name: String, bytes: Data)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return try names.sorted().compactMap { n in
            var isDirectory: ObjCBool = false
            let url = directory.appendingPathComponent(n)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return (n, try Data(contentsOf: url))
        }
    }

    public func list(name: String?) throws -> [ModelEntry] {
        try db.rows("SELECT * FROM models WHERE \(name)::TEXT IS NULL OR name = \(name) ORDER BY name, version").map(entry(row:))
    }

    public func entry(_ name: String, version: Int?) throws -> ModelEntry {
        let rows = try version.map { v in try db.rows("SELECT * FROM models WHERE name = \(name) AND version = \(v)") }
            ?? db.rows("SELECT * FROM models WHERE name = \(name) AND active = 1")
        guard let row = rows.first else { throw ModelRegistryError.unknown(version.map { "\(name)@\($0)" } ?? name) }
        let e = try entry(row: row)
        try materialize(e)
        return e
    }

    /// Writes the version's files into its cache folder where missing or different (by SHA-256).
    func materialize(_ e: ModelEntry) throws {
        let folder = URL(fileURLWithPath: e.path)
        let wanted = try db.rows("SELECT file, sha256 FROM model_files WHERE name = \(e.name) AND version = \(e.version) ORDER BY file").map {
            try $0.decode((String, String).self)
        }
        guard !wanted.isEmpty else { throw StrategyStoreError.corrupt("model \(e.reference): no artifact files in \(db.address)") }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (file, sha) in wanted {
            let url = folder.appendingPathComponent(file)
            if let local = try? Data(contentsOf: url), Digest.hex(Digest.sha256(local)) == sha { continue }
            guard let blob = try db.rows("SELECT bytes FROM model_blobs WHERE sha256 = \(sha)").first else {
                throw StrategyStoreError.corrupt("model \(e.reference): blob \(sha) of \(file) missing in \(db.address)")
            }
            let bytes = Data(buffer: try blob.decode(ByteBuffer.self))
            guard Digest.hex(Digest.sha256(bytes)) == sha else { throw StrategyStoreError.corrupt("model \(e.reference): blob \(sha) does not hash to its key") }
            // Written beside, then renamed: a reader never sees half a file.
            let partial = folder.appendingPathComponent(".\(file).partial")
            try bytes.write(to: partial)
            _ = try? FileManager.default.removeItem(at: url)
            try FileManager.default.moveItem(at: partial, to: url)
        }
    }

    public func promote(_ name: String, version: Int) throws {
        _ = try entry(name, version: version)
        try db.transaction { conn in
            _ = try await conn.query("UPDATE models SET active = 0 WHERE name = \(name)", logger: Self.log)
            _ = try await conn.query("UPDATE models SET active = 1 WHERE name = \(name) AND version = \(version)", logger: Self.log)
        }
    }

    public func delete(_ name: String, version: Int) throws -> ModelEntry {
        let e = try entry(name, version: version)
        guard !e.active else { throw ModelRegistryError.deletingActive("\(name)@\(version)") }
        try db.transaction { conn in
            _ = try await conn.query("DELETE FROM models WHERE name = \(name) AND version = \(version)", logger: Self.log)
            _ = try await conn.query("DELETE FROM model_blobs WHERE NOT EXISTS (SELECT 1 FROM model_files WHERE model_files.sha256 = model_blobs.sha256)",
                                     logger: Self.log)
        }
        return e
    }

    func entry(row: PostgresRow) throws -> ModelEntry {
        let r = row.makeRandomAccess()
        let name = try r["name"].decode(String.self), version = try r["version"].decode(Int.self)
        return ModelEntry(name: name, version: version, kind: try r["kind"].decode(String.self),
                          path: cache.appendingPathComponent(name).appendingPathComponent(String(version)).path,
                          featureSet: try r["feature_set"].decode(String.self), featureHash: try r["feature_hash"].decode(String.self),
                          symbol: try r["symbol"].decode(String.self), interval: try r["interval"].decode(String.self),
                          createdMs: try r["created_ms"].decode(Int64.self), active: try r["active"].decode(Int.self) == 1,
                          summary: try r["summary"].decode(String.self))
    }
}
