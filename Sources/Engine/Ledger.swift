import Foundation
import Market

/// The account: exact cash and positions from the fills, marked to market at each close. It
/// reconciles with the fills log exactly: Σ fill quantities = position, cash = initial −
/// Σ(signed quantity × price) − Σ fees.
public struct Ledger: Sendable {
    public let instruments: [Instrument]
    public let initialMoney: Money
    public private(set) var money: Money
    /// `money` as a Double, kept beside it so marking costs no conversion.
    public private(set) var cashValue: Double
    /// Signed position per instrument, in quantity steps.
    public private(set) var steps: [Int64]
    public private(set) var positions: [Position]
    public private(set) var feesPaid = Money.zero
    public private(set) var traded = Money.zero

    public init(instruments: [Instrument], initialCash: Money) {
        self.instruments = instruments
        initialMoney = initialCash
        money = initialCash
        cashValue = initialCash.doubleValue
        steps = [Int64](repeating: 0, count: instruments.count)
        positions = instruments.map { Position(symbol: $0.symbol, quantityStep: $0.quantityStep) }
    }

    public var initialCash: Decimal { initialMoney.decimal }
    public var cash: Decimal { money.decimal }
    public var fees: Decimal { feesPaid.decimal }
    public var tradedNotional: Decimal { traded.decimal }

    /// Books one fill of instrument `i`.
    public mutating func apply(_ fill: Fill, instrument i: Int) {
        let grid = instruments[i], signed = fill.signedSteps
        let notional = grid.notional(steps: signed, ticks: fill.ticks)
        money -= notional + fill.feeAmount
        cashValue = money.doubleValue
        feesPaid += fill.feeAmount
        traded += notional.units < 0 ? -notional : notional
        steps[i] += signed
        positions[i].apply(signedSteps: signed, ticks: fill.ticks, grid: grid)
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
    public private(set) var money = Money.zero
    public private(set) var cashValue = 0.0
    public private(set) var steps: Int64 = 0
    public private(set) var feesPaid = Money.zero

    public init() {}

    public var cash: Decimal { money.decimal }
    public var fees: Decimal { feesPaid.decimal }

    mutating func trade(signedSteps: Int64, ticks: Int64, grid: Instrument, fee: Money) {
        money -= grid.notional(steps: signedSteps, ticks: ticks) + fee
        cashValue = money.doubleValue
        feesPaid += fee
        steps += signedSteps
    }

    /// P&L at `close` (the strategy's position marked there).
    @inline(__always) public func pnl(close: Double, step: Double) -> Double {
        cashValue + Double(steps) * step * close
    }
}
