import Foundation

/// A tradable contract's grid: prices are whole ticks, quantities whole steps, and an order must
/// reach the minimum quantity and notional. Money that reaches a venue or the ledger is exact on
/// this grid (`Decimal`); the `Double` views are for analytics.
public struct Instrument: Sendable, Equatable, Codable {
    public let symbol: Symbol
    public let tickSize: Decimal
    public let quantityStep: Decimal
    /// Smallest order quantity, a whole number of steps.
    public let minQuantity: Decimal
    /// Smallest order value (quantity × price) in the quote currency.
    public let minNotional: Decimal
    public let tick: Double
    public let step: Double
    /// `minQuantity` in steps.
    public let minSteps: Int64
    /// Money units (1e-10) in one step × one tick: the notional of a fill is steps × ticks × this.
    public let unitsPerStepTick: Int128
    /// `minNotional` in money units.
    public let minNotionalUnits: Int128

    /// Why an instrument definition is unusable (the caller adds file and line).
    public struct InvalidInstrument: KindedError, Equatable {
        public var kind: ErrorKind { .badInput }
        public let field: String
        public let expected: String
        public var description: String { "\(field): expected \(expected)" }
    }

    public init(symbol: Symbol, tickSize: Decimal, quantityStep: Decimal, minQuantity: Decimal, minNotional: Decimal) throws {
        guard tickSize > 0 else { throw InvalidInstrument(field: "tick_size", expected: "a positive number, got \(tickSize)") }
        guard quantityStep > 0 else { throw InvalidInstrument(field: "qty_step", expected: "a positive number, got \(quantityStep)") }
        guard minQuantity >= 0 else { throw InvalidInstrument(field: "min_qty", expected: "zero or more, got \(minQuantity)") }
        guard minNotional >= 0 else { throw InvalidInstrument(field: "min_notional", expected: "zero or more, got \(minNotional)") }
        let steps = minQuantity / quantityStep
        guard Instrument.isWhole(steps) else {
            throw InvalidInstrument(field: "min_qty", expected: "a multiple of qty_step \(quantityStep), got \(minQuantity)")
        }
        guard let unit = Money(tickSize * quantityStep), unit.units > 0 else {
            throw InvalidInstrument(field: "tick_size", expected: "tick_size × qty_step a multiple of 1e-10 (the ledger's unit), got \(tickSize) × \(quantityStep)")
        }
        guard let minimum = Money(minNotional) else { throw InvalidInstrument(field: "min_notional", expected: "at most 10 decimals, got \(minNotional)") }
        unitsPerStepTick = unit.units
        minNotionalUnits = minimum.units
        self.symbol = symbol
        self.tickSize = tickSize
        self.quantityStep = quantityStep
        self.minQuantity = minQuantity
        self.minNotional = minNotional
        tick = NSDecimalNumber(decimal: tickSize).doubleValue
        step = NSDecimalNumber(decimal: quantityStep).doubleValue
        minSteps = Int64(NSDecimalNumber(decimal: steps).int64Value)
    }

    /// The grid assumed for a symbol that no instruments file or exchange describes (synthetic
    /// data): tick 0.01, step 0.001, minimum quantity 0.001, minimum notional 5 — Bybit's linear
    /// USDT minimums, with a tick fine enough for any synthetic price path.
    public static func standard(_ symbol: Symbol) -> Instrument {
        // The constants are valid by construction.
        try! Instrument(symbol: symbol, tickSize: Decimal(string: "0.01")!, quantityStep: Decimal(string: "0.001")!,
                        minQuantity: Decimal(string: "0.001")!, minNotional: 5)
    }

    /// Whole steps in `quantity`, rounded towards zero (a value within 1e-9 of a step counts as on it,
    /// so 0.3 / 0.1 is 3 steps, not 2).
    @inline(__always) public func steps(towardZero quantity: Double) -> Int64 {
        Instrument.whole(quantity / step, rounding: quantity >= 0 ? .down : .up)
    }

    /// Whole ticks for `price`: up (a buyer's price, against the buyer), down, or to the nearest.
    @inline(__always) public func ticks(_ price: Double, rounding: FloatingPointRoundingRule) -> Int64 {
        Instrument.whole(price / tick, rounding: rounding)
    }

    public func quantity(steps: Int64) -> Decimal { Decimal(steps) * quantityStep }
    /// Exact value of `steps` at `ticks` (signed like `steps`).
    @inline(__always) public func notional(steps: Int64, ticks: Int64) -> Money { Money(units: Int128(steps) * Int128(ticks) * unitsPerStepTick) }
    public func price(ticks: Int64) -> Decimal { Decimal(ticks) * tickSize }
    @inline(__always) public func priceValue(ticks: Int64) -> Double { Double(ticks) * tick }

    @inline(__always) static func whole(_ x: Double, rounding: FloatingPointRoundingRule) -> Int64 {
        let nearest = x.rounded()
        if abs(x - nearest) <= 1e-9 * max(1, abs(x)) { return Int64(nearest) }
        return Int64(x.rounded(rounding))
    }

    static func isWhole(_ d: Decimal) -> Bool { d.rounded(scale: 0) == d }
}

extension Decimal {
    /// This amount rounded to `scale` decimal places, half away from zero.
    public func rounded(scale: Int) -> Decimal {
        var value = self, result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }

    /// Exact decimal text (no exponent, no trailing zeros beyond the value).
    public var exact: String { NSDecimalNumber(decimal: self).stringValue }

    public var doubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }
}
