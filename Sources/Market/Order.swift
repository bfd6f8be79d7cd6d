import Foundation

/// A market order as sent to a broker: its quantity is fixed when it is decided, at a bar's close,
/// before the fill price is known.
public struct Order: Sendable, Equatable, Codable {
    public let id: ClientOrderID
    public let symbol: Symbol
    public let side: Side
    /// Exact, on the instrument's quantity grid, positive.
    public let quantity: Decimal
    /// Open time of the bar at whose close it was decided.
    public let decidedAtMs: Int64
    /// Only shrinks (or closes) the position.
    public let reduceOnly: Bool

    public init(id: ClientOrderID, symbol: Symbol, side: Side, quantity: Decimal, decidedAtMs: Int64, reduceOnly: Bool) {
        self.id = id; self.symbol = symbol; self.side = side; self.quantity = quantity
        self.decidedAtMs = decidedAtMs; self.reduceOnly = reduceOnly
    }
}

/// An execution of an order: exact quantity and price on the instrument's grid, the fee in quote currency.
public struct Fill: Sendable, Equatable, Codable {
    public let orderID: ClientOrderID
    public let symbol: Symbol
    public let side: Side
    public let quantity: Decimal
    public let price: Decimal
    public let fee: Decimal
    /// Open time of the bar whose open it filled at.
    public let timeMs: Int64

    public init(orderID: ClientOrderID, symbol: Symbol, side: Side, quantity: Decimal, price: Decimal, fee: Decimal, timeMs: Int64) {
        self.orderID = orderID; self.symbol = symbol; self.side = side; self.quantity = quantity
        self.price = price; self.fee = fee; self.timeMs = timeMs
    }

    /// Quantity × price, exact.
    public var notional: Decimal { quantity * price }
}

/// An account's holding in one instrument: signed quantity, average entry price, realised P&L.
public struct Position: Sendable, Equatable, Codable {
    public let symbol: Symbol
    /// Signed (negative when short), exact.
    public var quantity: Decimal
    /// Average price of the open quantity (0 when flat).
    public var averagePrice: Decimal
    /// Realised on closes, before fees.
    public var realizedPnL: Decimal

    public init(symbol: Symbol, quantity: Decimal = 0, averagePrice: Decimal = 0, realizedPnL: Decimal = 0) {
        self.symbol = symbol; self.quantity = quantity; self.averagePrice = averagePrice; self.realizedPnL = realizedPnL
    }

    /// Applies a trade of signed `quantity` at `price`: adds at a new average, or closes (part of)
    /// the position and realises the difference, or flips through zero. The average of an added
    /// position is kept to 12 decimal places; realised P&L is exact against that average.
    public mutating func apply(signed delta: Decimal, price: Decimal) {
        guard delta != 0 else { return }
        if quantity == 0 || (quantity > 0) == (delta > 0) {
            let total = quantity + delta
            averagePrice = ((quantity * averagePrice + delta * price) / total).rounded(scale: 12)
            quantity = total
            return
        }
        let closing = min(abs(delta), abs(quantity))
        let direction: Decimal = quantity > 0 ? 1 : -1
        realizedPnL += closing * (price - averagePrice) * direction
        quantity += delta
        if quantity == 0 {
            averagePrice = 0
        } else if (quantity > 0) != (direction > 0) {
            averagePrice = price  // flipped: the remainder opened at this price
        }
    }

    /// Unrealised P&L at `mark`.
    public func unrealizedPnL(at mark: Double) -> Double {
        quantity.doubleValue * (mark - averagePrice.doubleValue)
    }
}
