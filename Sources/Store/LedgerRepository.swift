import GRDB

/// The engine's tables. Writers take a `Database`, so a caller puts a whole bar's outcome —
/// fills, positions, orders, signals, risk events, equity and the cursor — in one transaction
/// (`write`); readers open their own.
public struct LedgerRepository: Sendable {
    let pool: DatabasePool

    /// Runs `body` in one transaction: all of it is stored, or (on a throw) none of it.
    public func write<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }

    public static func insert(_ row: OrderRow, _ db: Database) throws { try row.insert(db) }
    public static func insert(_ row: FillRow, _ db: Database) throws {
        try row.insert(db)
        try db.execute(sql: "UPDATE orders SET status = 'filled' WHERE client_order_id = ?", arguments: [row.clientOrderId])
    }
    public static func save(_ row: PositionRow, _ db: Database) throws { try row.save(db) }
    public static func insert(_ row: EquityRow, _ db: Database) throws { try row.insert(db) }
    public static func insert(_ row: SignalRow, _ db: Database) throws { try row.insert(db) }
    public static func insert(_ row: RiskEventRow, _ db: Database) throws { var r = row; try r.insert(db) }
    public static func insert(_ row: SettingsRow, _ db: Database) throws { try row.insert(db) }
    public static func insert(_ row: AuditRow, _ db: Database) throws { var r = row; try r.insert(db) }
    public static func save(_ row: CursorRow, _ db: Database) throws { try row.save(db) }

    public func orders() throws -> [OrderRow] { try pool.read { try OrderRow.order(Column("decided_ms"), Column("client_order_id")).fetchAll($0) } }
    public func fills() throws -> [FillRow] { try pool.read { try FillRow.order(Column("time_ms"), Column("client_order_id"), Column("seq")).fetchAll($0) } }
    public func positions(account: String? = nil) throws -> [PositionRow] {
        try pool.read { db in
            let all = PositionRow.order(Column("account"), Column("symbol"))
            return try (account.map { all.filter(Column("account") == $0) } ?? all).fetchAll(db)
        }
    }
    public func equity() throws -> [EquityRow] { try pool.read { try EquityRow.order(Column("time_ms")).fetchAll($0) } }
    public func signals() throws -> [SignalRow] { try pool.read { try SignalRow.order(Column("time_ms"), Column("strategy")).fetchAll($0) } }
    public func riskEvents(limit: Int? = nil) throws -> [RiskEventRow] {
        try pool.read { db in
            let q = RiskEventRow.order(Column("id").desc)
            return try (limit.map { q.limit($0) } ?? q).fetchAll(db).reversed()
        }
    }
    /// The newest `limit` rows at or after `since`, oldest first (what the HTTP API pages through).
    public func recentOrders(since: Int64?, limit: Int) throws -> [OrderRow] {
        try pool.read { db in
            try OrderRow.filter(Column("decided_ms") >= (since ?? .min)).order(Column("decided_ms").desc, Column("client_order_id").desc)
                .limit(limit).fetchAll(db).reversed()
        }
    }
    public func recentFills(since: Int64?, limit: Int) throws -> [FillRow] {
        try pool.read { db in
            try FillRow.filter(Column("time_ms") >= (since ?? .min)).order(Column("time_ms").desc, Column("client_order_id").desc, Column("seq").desc)
                .limit(limit).fetchAll(db).reversed()
        }
    }
    public func recentEquity(since: Int64?, limit: Int) throws -> [EquityRow] {
        try pool.read { db in
            try EquityRow.filter(Column("time_ms") >= (since ?? .min)).order(Column("time_ms").desc).limit(limit).fetchAll(db).reversed()
        }
    }
    public func settings() throws -> [SettingsRow] { try pool.read { try SettingsRow.order(Column("version")).fetchAll($0) } }
    public func audit() throws -> [AuditRow] { try pool.read { try AuditRow.order(Column("id")).fetchAll($0) } }
    public func cursor(_ engine: String) throws -> CursorRow? { try pool.read { try CursorRow.fetchOne($0, key: engine) } }
}
