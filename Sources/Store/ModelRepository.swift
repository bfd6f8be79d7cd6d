import Market
import Foundation
import GRDB

/// One registered model version.
public struct ModelEntry: Sendable, Equatable, Codable {
    public let name: String
    public let version: Int
    public let kind: String
    public let path: String
    public let featureSet: String
    public let featureHash: String
    public let symbol: String
    public let interval: String
    public let createdMs: Int64
    public let active: Bool
    /// One line of headline metrics.
    public let summary: String
    /// `name@version`, as lineage, swaps and the CLI name it.
    public var reference: String { "\(name)@\(version)" }

    public init(name: String, version: Int, kind: String, path: String, featureSet: String, featureHash: String,
                symbol: String, interval: String, createdMs: Int64, active: Bool, summary: String) {
        self.name = name; self.version = version; self.kind = kind; self.path = path; self.featureSet = featureSet
        self.featureHash = featureHash; self.symbol = symbol; self.interval = interval; self.createdMs = createdMs
        self.active = active; self.summary = summary
    }

    init(row: Row) {
        self.init(name: row["name"], version: row["version"], kind: row["kind"], path: row["path"], featureSet: row["feature_set"],
                  featureHash: row["feature_hash"], symbol: row["symbol"], interval: row["interval"], createdMs: row["created_ms"],
                  active: row["active"], summary: row["summary"])
    }
}

/// Why a registry operation was refused.
public enum ModelRegistryError: KindedError, Equatable {
    public var kind: ErrorKind {
        switch self {
        case .unknown: .notFound
        case .noEarlierVersion: .conflict
        case .deletingActive: .refused
        }
    }

    case unknown(String)
    case noEarlierVersion(String)
    case deletingActive(String)
    public var description: String {
        switch self {
        case .unknown(let m): return "no model \(m) in the registry (see `mlbot models list`)"
        case .noEarlierVersion(let n): return "\(n): no version older than the active one to roll back to"
        case .deletingActive(let m): return "\(m) is the active version; promote another version first"
        }
    }
}

/// The model registry: versions per name, exactly one active per name (a partial unique index
/// enforces "at most one"; every operation leaves one).
public struct ModelRepository: Sendable {
    let pool: DatabasePool

    /// The version number the next model of `name` gets (never one issued before, even if deleted).
    public func nextVersion(_ name: String) throws -> Int {
        try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT last_version FROM model_versions WHERE name = ?", arguments: [name]) ?? 0) + 1
        }
    }

    /// Registers a version; the first version of a name becomes active, later ones when `activate`.
    public func register(_ e: ModelEntry, activate: Bool) throws {
        try pool.write { db in
            let hasActive = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM models WHERE name = ? AND active = 1)", arguments: [e.name]) ?? false
            let makeActive = activate || !hasActive
            if makeActive { try db.execute(sql: "UPDATE models SET active = 0 WHERE name = ?", arguments: [e.name]) }
            try db.execute(sql: """
                INSERT INTO model_versions (name, last_version) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET last_version = max(last_version, excluded.last_version)
                """, arguments: [e.name, e.version])
            try db.execute(sql: """
                INSERT INTO models (name, version, kind, path, feature_set, feature_hash, symbol, interval, created_ms, active, summary)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [e.name, e.version, e.kind, e.path, e.featureSet, e.featureHash, e.symbol, e.interval, e.createdMs,
                                 makeActive, e.summary])
        }
    }

    public func list(name: String? = nil) throws -> [ModelEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM models WHERE ? IS NULL OR name = ? ORDER BY name, version", arguments: [name, name])
                .map(ModelEntry.init(row:))
        }
    }

    /// A version, or the active one when `version` is nil.
    public func entry(_ name: String, version: Int? = nil) throws -> ModelEntry {
        let found = try pool.read { db in
            try Row.fetchOne(db, sql: version == nil ? "SELECT * FROM models WHERE name = ? AND active = 1"
                                                     : "SELECT * FROM models WHERE name = ? AND version = ?",
                             arguments: version == nil ? [name] : [name, version]).map(ModelEntry.init(row:))
        }
        guard let found else { throw ModelRegistryError.unknown(version.map { "\(name)@\($0)" } ?? name) }
        return found
    }

    /// Makes `version` the active one of its name.
    public func promote(_ name: String, version: Int) throws {
        _ = try entry(name, version: version)
        try pool.write { db in
            try db.execute(sql: "UPDATE models SET active = 0 WHERE name = ?", arguments: [name])
            try db.execute(sql: "UPDATE models SET active = 1 WHERE name = ? AND version = ?", arguments: [name, version])
        }
    }

    /// Makes `version` the active one inside a caller's transaction (the service's shadow
    /// promotion, committed with the bar that decided it).
    public static func activate(_ name: String, version: Int, _ db: Database) throws {
        try db.execute(sql: "UPDATE models SET active = 0 WHERE name = ?", arguments: [name])
        try db.execute(sql: "UPDATE models SET active = 1 WHERE name = ? AND version = ?", arguments: [name, version])
        guard db.changesCount == 1 else { throw ModelRegistryError.unknown("\(name)@\(version)") }
    }

    /// Removes an inactive version from the registry (the caller removes its files).
    public func delete(_ name: String, version: Int) throws -> ModelEntry {
        let e = try entry(name, version: version)
        guard !e.active else { throw ModelRegistryError.deletingActive("\(name)@\(version)") }
        try pool.write { db in try db.execute(sql: "DELETE FROM models WHERE name = ? AND version = ?", arguments: [name, version]) }
        return e
    }
}
