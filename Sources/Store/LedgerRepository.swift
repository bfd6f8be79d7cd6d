import GRDB

/// The engine's tables. Writers take a `Database`, so a caller puts a whole bar's outcome —
/// fills, positions, orders, signals, risk events, equity and the cursor — in one transaction
/// (`write`); readers open their own.
public struct LedgerRepository: Sendable {
    let pool: DatabasePool

    /// Runs `body` in one transaction: all of it is stored, or (on a throw) none of it.
    public func write<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }

    // The per-bar writers bind cached prepared statements: encoding a record through Codable with
    // snake_case column names cost more than the SQL itself (measured on the serve replay).
    // Reads, and the rare writes below, go through the GRDB records.
    public static func insert(_ r: OrderRow, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO orders (client_order_id, symbol, side, quantity, decided_ms, reduce_only, status, contributions, bars_hash, settings_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [r.clientOrderId, r.symbol, r.side, r.quantity, r.decidedMs, r.reduceOnly, r.status, r.contributions, r.barsHash, r.settingsVersion])
    }
    public static func insert(_ r: FillRow, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO fills (client_order_id, seq, symbol, side, quantity, price, fee, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [r.clientOrderId, r.seq, r.symbol, r.side, r.quantity, r.price, r.fee, r.timeMs])
        try db.cachedStatement(sql: "UPDATE orders SET status = 'filled' WHERE client_order_id = ?").execute(arguments: [r.clientOrderId])
    }
    public static func markCancelled(_ clientOrderId: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE orders SET status = 'cancelled' WHERE client_order_id = ?", arguments: [clientOrderId])
    }
    public static func save(_ r: PositionRow, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO positions (account, symbol, quantity, average_price, realized_pnl, cash, fees) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [r.account, r.symbol, r.quantity, r.averagePrice, r.realizedPnl, r.cash, r.fees])
    }
    public static func insert(_ r: IntentRow, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO intents (time_ms, symbol, requested_quantity, approved_quantity, decision) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [r.timeMs, r.symbol, r.requestedQuantity, r.approvedQuantity, r.decision])
    }
    public func intents() throws -> [IntentRow] { try pool.read { try IntentRow.order(Column("time_ms"), Column("symbol")).fetchAll($0) } }
    public func intents(at timeMs: Int64) throws -> [IntentRow] {
        try pool.read { try IntentRow.filter(Column("time_ms") == timeMs).order(Column("symbol")).fetchAll($0) }
    }
    public static func insert(_ r: EquityRow, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO equity (time_ms, equity, cash, trading) VALUES (?, ?, ?, ?)")
            .execute(arguments: [r.timeMs, r.equity, r.cash, r.trading])
    }
    public static func insert(_ r: SignalRow, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO signals (strategy, time_ms, probability, threshold, target, bars_hash, settings_version) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [r.strategy, r.timeMs, r.probability, r.threshold, r.target, r.barsHash, r.settingsVersion])
    }
    public static func insert(_ r: RiskEventRow, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO risk_events (time_ms, kind, rule, from_state, to_state, figures, message) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [r.timeMs, r.kind, r.rule, r.fromState, r.toState, r.figures, r.message])
    }
    public static func save(_ r: CursorRow, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO engine_cursor (engine, last_bar_ms, settings_version, state, updated_ms) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [r.engine, r.lastBarMs, r.settingsVersion, r.state, r.updatedMs])
    }

    public func orders() throws -> [OrderRow] { try pool.read { try OrderRow.order(Column("decided_ms"), Column("client_order_id")).fetchAll($0) } }
    public func fills() throws -> [FillRow] { try pool.read { try FillRow.order(Column("time_ms"), Column("client_order_id"), Column("seq")).fetchAll($0) } }
    public func positions(account: String? = nil) throws -> [PositionRow] {
        try pool.read { db in
            let all = PositionRow.order(Column("account"), Column("symbol"))
            return try (account.map { all.filter(Column("account") == $0) } ?? all).fetchAll(db)
        }
    }
    public func equity() throws -> [EquityRow] { try pool.read { try EquityRow.order(Column("time_ms")).fetchAll($0) } }
    /// The committed equity at one bar-time, if there is one.
    public func equity(at timeMs: Int64) throws -> Double? {
        try pool.read { try Double.fetchOne($0, sql: "SELECT equity FROM equity WHERE time_ms = ?", arguments: [timeMs]) }
    }
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
    /// The newest `limit` committed equity points, oldest first: two columns read straight from
    /// the rows (what a chart draws; no record decoding per row).
    public func equityCurve(limit: Int) throws -> (time: [Int64], equity: [Double]) {
        try pool.read { db in
            var time: [Int64] = [], equity: [Double] = []
            time.reserveCapacity(limit); equity.reserveCapacity(limit)
            let rows = try Row.fetchCursor(db, sql: "SELECT time_ms, equity FROM equity ORDER BY time_ms DESC LIMIT ?", arguments: [limit])
            while let row = try rows.next() { time.append(row[0]); equity.append(row[1]) }
            return (time.reversed(), equity.reversed())
        }
    }
    /// The newest `limit` vetoes and resizes (time, kind, rule), oldest first.
    public func riskDecisions(limit: Int) throws -> [(timeMs: Int64, kind: String, rule: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT time_ms, kind, rule FROM risk_events WHERE kind IN ('veto', 'resize') ORDER BY id DESC LIMIT ?", arguments: [limit])
                .reversed().map { ($0[0], $0[1], $0[2]) }
        }
    }
    /// Committed equity with bar-times in `from...to` (either end open), oldest first.
    public func equity(from: Int64?, to: Int64?) throws -> [EquityRow] {
        try pool.read { try EquityRow.filter(Column("time_ms") >= (from ?? .min) && Column("time_ms") <= (to ?? .max)).order(Column("time_ms")).fetchAll($0) }
    }
    /// The last committed equity before `timeMs` (where a range's first return starts from).
    public func equity(before timeMs: Int64) throws -> Double? {
        try pool.read { try Double.fetchOne($0, sql: "SELECT equity FROM equity WHERE time_ms < ? ORDER BY time_ms DESC LIMIT 1", arguments: [timeMs]) }
    }
    /// The strategies the service gave a signal for in `from...to`, by name (who the paper account traded for).
    public func signalledStrategies(from: Int64, to: Int64) throws -> [String] {
        try pool.read { try String.fetchAll($0, sql: "SELECT DISTINCT strategy FROM signals WHERE time_ms BETWEEN ? AND ? ORDER BY strategy", arguments: [from, to]) }
    }
    public func fills(from: Int64, to: Int64) throws -> [FillRow] {
        try pool.read { try FillRow.filter(Column("time_ms") >= from && Column("time_ms") <= to).order(Column("time_ms"), Column("client_order_id"), Column("seq")).fetchAll($0) }
    }
    public func riskEvents(from: Int64, to: Int64) throws -> [RiskEventRow] {
        try pool.read { try RiskEventRow.filter(Column("time_ms") >= from && Column("time_ms") <= to).order(Column("id")).fetchAll($0) }
    }
    public func recentEquity(since: Int64?, limit: Int) throws -> [EquityRow] {
        try pool.read { db in
            try EquityRow.filter(Column("time_ms") >= (since ?? .min)).order(Column("time_ms").desc).limit(limit).fetchAll(db).reversed()
        }
    }
    public static func save(_ r: StrategyLineageRow, _ db: Database) throws { try r.save(db) }
    public func record(_ e: ServiceEventRow) throws { try write { db in try Self.record(e, db) } }
    public static func record(_ e: ServiceEventRow, _ db: Database) throws { try e.insert(db) }
    public func serviceEvents(engine: String, limit: Int = 100) throws -> [ServiceEventRow] {
        try pool.read { try ServiceEventRow.filter(Column("engine") == engine).order(Column("id").desc).limit(limit).fetchAll($0).reversed() }
    }
    /// Bar-times at which the risk manager refused something by `rule` (a restart replays the
    /// stale-feed vetoes from these).
    public func riskEventTimes(rule: String) throws -> Set<Int64> {
        try pool.read { Set(try Int64.fetchAll($0, sql: "SELECT DISTINCT time_ms FROM risk_events WHERE rule = ?", arguments: [rule])) }
    }
    public func lineage(engine: String) throws -> [StrategyLineageRow] {
        try pool.read { try StrategyLineageRow.filter(Column("engine") == engine).order(Column("strategy")).fetchAll($0) }
    }
    public func order(_ id: String) throws -> OrderRow? { try pool.read { try OrderRow.fetchOne($0, key: id) } }
    public func fills(order id: String) throws -> [FillRow] {
        try pool.read { try FillRow.filter(Column("client_order_id") == id).order(Column("seq")).fetchAll($0) }
    }
    public func signals(at timeMs: Int64) throws -> [SignalRow] {
        try pool.read { try SignalRow.filter(Column("time_ms") == timeMs).order(Column("strategy")).fetchAll($0) }
    }
    public func riskEvents(at timeMs: Int64) throws -> [RiskEventRow] {
        try pool.read { try RiskEventRow.filter(Column("time_ms") == timeMs).order(Column("id")).fetchAll($0) }
    }
    public func cursor(_ engine: String) throws -> CursorRow? { try pool.read { try CursorRow.fetchOne($0, key: engine) } }
}
