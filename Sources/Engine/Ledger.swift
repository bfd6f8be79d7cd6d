import Foundation
import Market

/// The account: exact cash and positions from the fills, marked to market at each close. It
/// reconciles with the fills log exactly: Σ fill quantities = position, cash = initial −
/// Σ(signed quantity × price) − Σ fees.
public struct Ledger: Sendable {
    public let instruments: [Instrument]
    public let initialCash: Decimal
    public private(set) var cash: Decimal
    /// `cash` as a Double, kept beside it so marking costs no decimal arithmetic.
    public private(set) var cashValue: Double
    /// Signed position per instrument, in quantity steps.
    public private(set) var steps: [Int64]
    public private(set) var positions: [Position]
    public private(set) var fees: Decimal = 0
    public private(set) var tradedNotional: Decimal = 0

    public init(instruments: [Instrument], initialCash: Decimal) {
        self.instruments = instruments
        self.initialCash = initialCash
        cash = initialCash
        cashValue = initialCash.doubleValue
        steps = [Int64](repeating: 0, count: instruments.count)
        positions = instruments.map { Position(symbol: $0.symbol) }
    }

    /// Books one fill of instrument `i` (`signedSteps` matches the fill's side and quantity).
    public mutating func apply(_ fill: Fill, instrument i: Int, signedSteps: Int64) {
        let signed = fill.side == .buy ? fill.quantity : -fill.quantity
        cash -= signed * fill.price + fill.fee
        cashValue = cash.doubleValue
        fees += fill.fee
        tradedNotional += fill.notional
        steps[i] += signedSteps
        positions[i].apply(signed: signed, price: fill.price)
    }

    /// Mark-to-market equity at the given last prices.
    @inline(__always) public func equity(_ lastPrice: [Double]) -> Double {
        var e = cashValue
        for i in steps.indices where steps[i] != 0 { e += Double(steps[i]) * instruments[i].step * lastPrice[i] }
        return e
    }

    /// Position quantities as the risk manager reads them.
    public func quantities() -> [Double] { steps.indices.map { Double(steps[$0]) * instruments[$0].step } }
}

/// One strategy's share of the account: what it bought and sold (at the fills' prices, or
/// crossed internally against another strategy at the decision close) and the fees it caused.
/// The strategies' P&L add up to the account's exactly.
public struct SubLedger: Sendable, Equatable {
    /// Cash flow so far (starts at 0: the capital stays in the account).
    public private(set) var cash: Decimal = 0
    public private(set) var cashValue = 0.0
    public private(set) var steps: Int64 = 0
    public private(set) var fees: Decimal = 0

    public init() {}

    mutating func trade(signedSteps: Int64, quantityStep: Decimal, price: Decimal, fee: Decimal) {
        cash -= Decimal(signedSteps) * quantityStep * price + fee
        cashValue = cash.doubleValue
        fees += fee
        steps += signedSteps
    }

    /// P&L at `close` (the strategy's position marked there).
    @inline(__always) public func pnl(close: Double, step: Double) -> Double {
        cashValue + Double(steps) * step * close
    }

    /// Exact P&L at an exact price.
    public func pnl(price: Decimal, quantityStep: Decimal) -> Decimal { cash + Decimal(steps) * quantityStep * price }
}
