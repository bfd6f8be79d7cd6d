import Foundation

/// An exact amount of quote currency: a whole number of 1e-10 units in an `Int128`. The ledger's
/// cash, fees and cost bases add and subtract these with no rounding at all, and far faster than
/// `Decimal`; `Decimal` and text are the views for storage and output.
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var units: Int128
    /// Decimal places of one unit.
    public static let scale = 10
    public static let unitsPerOne: Int128 = 10_000_000_000
    public static let zero = Money(units: 0)

    public init(units: Int128) { self.units = units }

    /// A whole amount: `10_000` is 10,000.00.
    public init(integerLiteral value: Int) { units = Int128(value) * Money.unitsPerOne }

    /// An amount given as a decimal, which must be a whole number of units.
    public init?(_ d: Decimal) {
        let scaled = d * Decimal(sign: .plus, exponent: Money.scale, significand: 1)
        guard Instrument.isWhole(scaled), let v = Int128(NSDecimalNumber(decimal: scaled).stringValue) else { return nil }
        units = v
    }

    public var decimal: Decimal {
        Decimal(string: exact) ?? 0
    }

    /// Exact decimal text, without trailing zeros (e.g. "5.525", "-0.0001").
    public var exact: String {
        let negative = units < 0
        let magnitude = negative ? -units : units
        let whole = magnitude / Money.unitsPerOne, fraction = magnitude % Money.unitsPerOne
        var text = String(whole)
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: Money.scale - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return negative ? "-" + text : text
    }

    public var description: String { exact }
    @inline(__always) public var doubleValue: Double { Double(units) / 1e10 }

    @inline(__always) public static func + (a: Money, b: Money) -> Money { Money(units: a.units + b.units) }
    @inline(__always) public static func - (a: Money, b: Money) -> Money { Money(units: a.units - b.units) }
    @inline(__always) public static prefix func - (a: Money) -> Money { Money(units: -a.units) }
    @inline(__always) public static func += (a: inout Money, b: Money) { a.units += b.units }
    @inline(__always) public static func -= (a: inout Money, b: Money) { a.units -= b.units }
    public static func < (a: Money, b: Money) -> Bool { a.units < b.units }

    /// This amount × `numerator` ÷ `denominator`, rounded half away from zero to a multiple of
    /// `quantum` units (a fee rounded to 1e-8 is quantum 100).
    public func scaled(by numerator: Int128, over denominator: Int128, quantum: Int128 = 1) -> Money {
        let x = units * numerator, d = denominator * quantum
        let q = x / d, r = x % d
        let rounded = 2 * (r < 0 ? -r : r) >= d ? q + (x < 0 ? -1 : 1) : q
        return Money(units: rounded * quantum)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(exact)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let d = Decimal(string: text), let m = Money(d) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an amount with at most 10 decimals: \(text)"))
        }
        self = m
    }
}
