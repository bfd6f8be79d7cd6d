import GRDB

/// One stored setting change (a version of the settings), who made it and why, and the first bar
/// it was in force (nil: not yet applied).
public struct SettingChangeRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "setting_changes"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var version: Int
    public var key: String
    public var strategy: String?
    public var value: String
    public var createdMs: Int64
    public var actor: String
    public var reason: String
    public var appliedMs: Int64?

    public init(version: Int, key: String, strategy: String?, value: String, createdMs: Int64, actor: String, reason: String, appliedMs: Int64? = nil) {
        self.version = version; self.key = key; self.strategy = strategy; self.value = value
        self.createdMs = createdMs; self.actor = actor; self.reason = reason; self.appliedMs = appliedMs
    }
}

/// An operator command (pause, resume, halt, flatten) and the bar it was applied at.
public struct OperatorCommandRow: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "operator_commands"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: Int64?
    public var command: String
    public var createdMs: Int64
    public var actor: String
    public var reason: String
    public var appliedMs: Int64?

    public init(id: Int64? = nil, command: String, createdMs: Int64, actor: String, reason: String, appliedMs: Int64? = nil) {
        self.id = id; self.command = command; self.createdMs = createdMs; self.actor = actor; self.reason = reason; self.appliedMs = appliedMs
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A named control token: only its SHA-256 is stored.
public struct ControlTokenRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "control_tokens"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var name: String
    public var role: String
    public var sha256: String
    public var createdMs: Int64
    public var expiresMs: Int64?
    public var lastUsedMs: Int64?
    public var revokedMs: Int64?

    public init(name: String, role: String, sha256: String, createdMs: Int64, expiresMs: Int64? = nil, lastUsedMs: Int64? = nil, revokedMs: Int64? = nil) {
        self.name = name; self.role = role; self.sha256 = sha256; self.createdMs = createdMs
        self.expiresMs = expiresMs; self.lastUsedMs = lastUsedMs; self.revokedMs = revokedMs
    }
}

/// One entry of the audit trail: a control call, allowed or refused.
public struct AuditRow: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "audit"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: Int64?
    public var timeMs: Int64
    /// The token's name (nil: none given, or one that matched no token).
    public var token: String?
    public var role: String?
    /// The caller's address (or `offline` for `control set --offline`).
    public var source: String
    /// `set`, a command name, `tokens create` …, or the refused call's method and path.
    public var action: String
    public var key: String?
    public var strategy: String?
    public var oldValue: String?
    public var newValue: String?
    public var reason: String
    /// `applied`, `unchanged`, `refused`, `unauthorized`, `forbidden`, `invalid`, `rate_limited`.
    public var outcome: String
    /// The HTTP status answered.
    public var status: Int

    public init(id: Int64? = nil, timeMs: Int64, token: String?, role: String?, source: String, action: String, key: String? = nil,
                strategy: String? = nil, oldValue: String? = nil, newValue: String? = nil, reason: String, outcome: String, status: Int) {
        self.id = id; self.timeMs = timeMs; self.token = token; self.role = role; self.source = source; self.action = action
        self.key = key; self.strategy = strategy; self.oldValue = oldValue; self.newValue = newValue; self.reason = reason
        self.outcome = outcome; self.status = status
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The control center's tables: setting versions, operator commands, tokens and the audit trail.
/// Writers take a `Database` so a change and its audit row commit together.
public struct ControlRepository: Sendable {
    let pool: DatabasePool

    public func write<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }

    public func changes() throws -> [SettingChangeRow] { try pool.read { try SettingChangeRow.order(Column("version")).fetchAll($0) } }
    /// The changes after settings version `version`, in order.
    public func changes(after version: Int) throws -> [SettingChangeRow] {
        try pool.read { try SettingChangeRow.filter(Column("version") > version).order(Column("version")).fetchAll($0) }
    }
    /// The commands not yet applied at a bar, oldest first.
    public func pendingCommands() throws -> [OperatorCommandRow] {
        try pool.read { try OperatorCommandRow.filter(Column("applied_ms") == nil).order(Column("id")).fetchAll($0) }
    }
    public func commands() throws -> [OperatorCommandRow] { try pool.read { try OperatorCommandRow.order(Column("id")).fetchAll($0) } }
    public func tokens() throws -> [ControlTokenRow] { try pool.read { try ControlTokenRow.order(Column("name")).fetchAll($0) } }
    /// The newest audit rows first.
    public func audit(limit: Int = 100) throws -> [AuditRow] {
        try pool.read { try AuditRow.order(Column("id").desc).limit(limit).fetchAll($0) }
    }

    public static func nextVersion(_ db: Database) throws -> Int {
        max(2, (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM setting_changes") ?? 1) + 1)
    }
    public static func insert(_ row: SettingChangeRow, _ db: Database) throws { try row.insert(db) }
    public static func insert(_ row: OperatorCommandRow, _ db: Database) throws { var r = row; try r.insert(db) }
    public static func insert(_ row: AuditRow, _ db: Database) throws { var r = row; try r.insert(db) }
    public static func save(_ row: ControlTokenRow, _ db: Database) throws { try row.save(db) }
    public static func touch(token name: String, atMs: Int64, _ db: Database) throws {
        try db.execute(sql: "UPDATE control_tokens SET last_used_ms = ? WHERE name = ?", arguments: [atMs, name])
    }

    /// Marks the changes after `version` up to `through` and the commands `ids` as in force from bar `barMs`
    /// (inside the bar's transaction).
    public static func markApplied(versionsAfter version: Int, through: Int, commands ids: [Int64], barMs: Int64, _ db: Database) throws {
        if through > version {
            try db.execute(sql: "UPDATE setting_changes SET applied_ms = ? WHERE version > ? AND version <= ? AND applied_ms IS NULL",
                           arguments: [barMs, version, through])
        }
        for id in ids { try db.execute(sql: "UPDATE operator_commands SET applied_ms = ? WHERE id = ?", arguments: [barMs, id]) }
    }
}
