import Foundation

/// A market order as sent to a broker: its quantity is fixed when it is decided, at a bar's close,
/// before the fill price is known. The quantity is a whole number of the instrument's steps.
public struct Order: Sendable, Equatable, Codable {
    public let id: ClientOrderID
    public let symbol: Symbol
    public let side: Side
    /// Positive, in quantity steps of `quantityStep`.
    public let steps: Int64
    public let quantityStep: Decimal
    /// Open time of the bar at whose close it was decided.
    public let decidedAtMs: Int64
    /// Only shrinks (or closes) the position.
    public let reduceOnly: Bool

    public init(id: ClientOrderID, symbol: Symbol, side: Side, steps: Int64, quantityStep: Decimal, decidedAtMs: Int64, reduceOnly: Bool) {
        self.id = id; self.symbol = symbol; self.side = side; self.steps = steps; self.quantityStep = quantityStep
        self.decidedAtMs = decidedAtMs; self.reduceOnly = reduceOnly
    }

    /// Exact quantity.
    public var quantity: Decimal { Decimal(steps) * quantityStep }
    /// Signed steps (negative for a sell).
    public var signedSteps: Int64 { side == .buy ? steps : -steps }
}

/// An execution of an order: whole steps at a whole number of ticks, and the fee (exact money).
public struct Fill: Sendable, Equatable, Codable {
    public let orderID: ClientOrderID
    public let symbol: Symbol
    public let side: Side
    public let steps: Int64
    public let ticks: Int64
    public let quantityStep: Decimal
    public let tickSize: Decimal
    public let feeAmount: Money
    /// Open time of the bar whose open it filled at.
    public let timeMs: Int64

    public init(orderID: ClientOrderID, symbol: Symbol, side: Side, steps: Int64, ticks: Int64, quantityStep: Decimal, tickSize: Decimal,
                fee: Money, timeMs: Int64) {
        self.orderID = orderID; self.symbol = symbol; self.side = side; self.steps = steps; self.ticks = ticks
        self.quantityStep = quantityStep; self.tickSize = tickSize; self.feeAmount = fee; self.timeMs = timeMs
    }

    public var quantity: Decimal { Decimal(steps) * quantityStep }
    public var price: Decimal { Decimal(ticks) * tickSize }
    public var fee: Decimal { feeAmount.decimal }
    public var signedSteps: Int64 { side == .buy ? steps : -steps }
    /// Quantity × price, exact.
    public var notional: Decimal { quantity * price }
}

/// An account's holding in one instrument: signed steps, the cost basis of what is open, and
/// the P&L realised on closes (before fees), all exact.
public struct Position: Sendable, Equatable, Codable {
    public let symbol: Symbol
    public let quantityStep: Decimal
    public private(set) var steps: Int64 = 0
    /// Signed money paid for the open quantity (negative for a short: money received).
    public private(set) var cost = Money.zero
    public private(set) var realized = Money.zero

    public init(symbol: Symbol, quantityStep: Decimal) {
        self.symbol = symbol
        self.quantityStep = quantityStep
    }

    public var quantity: Decimal { Decimal(steps) * quantityStep }
    /// Average entry price of the open quantity (0 when flat).
    public var averagePrice: Decimal { steps == 0 ? 0 : cost.decimal / quantity }
    public var realizedPnL: Decimal { realized.decimal }

    /// Applies a trade of `delta` steps at `ticks` on `grid`: adds to the cost basis, or closes
    /// (part of) the position — releasing the closed share of the cost basis (rounded towards
    /// zero to the money unit) and realising the difference — or flips through zero.
    public mutating func apply(signedSteps delta: Int64, ticks: Int64, grid: Instrument) {
        guard delta != 0 else { return }
        if steps == 0 || (steps > 0) == (delta > 0) {
            steps += delta
            cost += grid.notional(steps: delta, ticks: ticks)
            return
        }
        let closing = min(abs(delta), abs(steps)) * (delta > 0 ? 1 : -1)
        let released = Money(units: cost.units * Int128(abs(closing)) / Int128(abs(steps)))
        realized += -grid.notional(steps: closing, ticks: ticks) - released
        cost -= released
        steps += closing
        let opening = delta - closing
        if opening != 0 {
            steps += opening
            cost += grid.notional(steps: opening, ticks: ticks)
        }
    }

    /// Unrealised P&L at `mark`.
    public func unrealizedPnL(at mark: Double) -> Double {
        Double(steps) * quantityStep.doubleValue * mark - cost.doubleValue
    }
}
