import GRDB

/// An order as stored (`orders`); `contributions` is the strategies' shares as JSON.
public struct OrderRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "orders"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var clientOrderId: String
    public var symbol: String
    public var side: String
    public var quantity: String
    public var decidedMs: Int64
    public var reduceOnly: Bool
    public var status: String
    public var contributions: String
    /// Lineage: the chained SHA-256 of every bar of the order's symbol up to the decision bar, and
    /// the settings version the cycle read (nil for rows written by a backtest recorder).
    public var barsHash: String?
    public var settingsVersion: Int?

    public init(clientOrderId: String, symbol: String, side: String, quantity: String, decidedMs: Int64, reduceOnly: Bool, status: String,
                contributions: String, barsHash: String? = nil, settingsVersion: Int? = nil) {
        self.clientOrderId = clientOrderId; self.symbol = symbol; self.side = side; self.quantity = quantity; self.decidedMs = decidedMs
        self.reduceOnly = reduceOnly; self.status = status; self.contributions = contributions; self.barsHash = barsHash; self.settingsVersion = settingsVersion
    }
}

/// A fill as stored (`fills`): exact decimal text.
public struct FillRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "fills"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var clientOrderId: String
    public var seq: Int
    public var symbol: String
    public var side: String
    public var quantity: String
    public var price: String
    public var fee: String
    public var timeMs: Int64

    public init(clientOrderId: String, seq: Int, symbol: String, side: String, quantity: String, price: String, fee: String, timeMs: Int64) {
        self.clientOrderId = clientOrderId; self.seq = seq; self.symbol = symbol; self.side = side; self.quantity = quantity
        self.price = price; self.fee = fee; self.timeMs = timeMs
    }
}

/// A position of an account ('' is the whole account, otherwise a strategy's sub-ledger).
public struct PositionRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "positions"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var account: String
    public var symbol: String
    public var quantity: String
    public var averagePrice: String
    public var realizedPnl: String
    public var cash: String
    public var fees: String

    public init(account: String, symbol: String, quantity: String, averagePrice: String, realizedPnl: String, cash: String, fees: String) {
        self.account = account; self.symbol = symbol; self.quantity = quantity; self.averagePrice = averagePrice
        self.realizedPnl = realizedPnl; self.cash = cash; self.fees = fees
    }
}

/// One symbol's netted intent at a bar: requested and approved signed quantities and the outcome
/// (sent, resized, vetoed, below_minimum, netted).
public struct IntentRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "intents"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var timeMs: Int64
    public var symbol: String
    public var requestedQuantity: String
    public var approvedQuantity: String
    public var decision: String

    public init(timeMs: Int64, symbol: String, requestedQuantity: String, approvedQuantity: String, decision: String) {
        self.timeMs = timeMs; self.symbol = symbol; self.requestedQuantity = requestedQuantity
        self.approvedQuantity = approvedQuantity; self.decision = decision
    }
}

/// Equity marked at a close.
public struct EquityRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "equity"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var timeMs: Int64
    public var equity: Double
    public var cash: String
    public var trading: String

    public init(timeMs: Int64, equity: Double, cash: String, trading: String) {
        self.timeMs = timeMs; self.equity = equity; self.cash = cash; self.trading = trading
    }
}

/// A strategy's decision at a close.
public struct SignalRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signals"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var strategy: String
    public var timeMs: Int64
    /// nil when there was no prediction (NaN).
    public var probability: Double?
    public var threshold: Double
    public var target: Double
    /// Lineage (see `OrderRow.barsHash`).
    public var barsHash: String?
    public var settingsVersion: Int?

    public init(strategy: String, timeMs: Int64, probability: Double?, threshold: Double, target: Double, barsHash: String? = nil, settingsVersion: Int? = nil) {
        self.strategy = strategy; self.timeMs = timeMs; self.probability = probability; self.threshold = threshold; self.target = target
        self.barsHash = barsHash; self.settingsVersion = settingsVersion
    }
}

/// What a strategy decides with, once per engine session: its feature set and content hash, its
/// model name@version and weights' SHA-256 (nil for a rule strategy) and its spec's hash.
/// Something that happened to the service (its feed going stale or recovering, a reconnect).
public struct ServiceEventRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "service_events"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: Int64?
    public var engine: String
    public var wallMs: Int64
    /// The last committed bar when it happened.
    public var barMs: Int64?
    public var kind: String
    public var detail: String

    public init(engine: String, wallMs: Int64, barMs: Int64?, kind: String, detail: String) {
        self.engine = engine; self.wallMs = wallMs; self.barMs = barMs; self.kind = kind; self.detail = detail
    }
}

public struct StrategyLineageRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "strategy_lineage"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var engine: String
    public var strategy: String
    public var featureSet: String
    public var featureHash: String
    public var model: String?
    public var weightsSha256: String?
    public var specHash: String

    public init(engine: String, strategy: String, featureSet: String, featureHash: String, model: String?, weightsSha256: String?, specHash: String) {
        self.engine = engine; self.strategy = strategy; self.featureSet = featureSet; self.featureHash = featureHash
        self.model = model; self.weightsSha256 = weightsSha256; self.specHash = specHash
    }
}

/// A risk state change, veto or resize with its figures (JSON) and message.
public struct RiskEventRow: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "risk_events"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: Int64?
    public var timeMs: Int64
    public var kind: String
    public var rule: String
    public var fromState: String?
    public var toState: String?
    public var figures: String
    public var message: String

    public init(id: Int64? = nil, timeMs: Int64, kind: String, rule: String, fromState: String?, toState: String?, figures: String, message: String) {
        self.id = id; self.timeMs = timeMs; self.kind = kind; self.rule = rule; self.fromState = fromState; self.toState = toState
        self.figures = figures; self.message = message
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}


/// Where an engine stopped: the last bar-time committed, the settings version it ran with and
/// its carried state (JSON), written in the same transaction as that bar's outcome.
public struct CursorRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "engine_cursor"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var engine: String
    public var lastBarMs: Int64
    public var settingsVersion: Int
    public var state: String
    public var updatedMs: Int64

    public init(engine: String, lastBarMs: Int64, settingsVersion: Int, state: String, updatedMs: Int64) {
        self.engine = engine; self.lastBarMs = lastBarMs; self.settingsVersion = settingsVersion; self.state = state; self.updatedMs = updatedMs
    }
}
