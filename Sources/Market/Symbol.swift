/// An instrument name as the exchange spells it: upper-case letters and digits, e.g. `BTCUSDT`.
public struct Symbol: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let name: String

    /// Validates the spelling; Bybit symbols are upper-case ASCII letters and digits.
    public init(_ name: String) throws {
        guard !name.isEmpty, name.count <= 32,
              name.utf8.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) })
        else { throw MarketError.invalidSymbol(name) }
        self.name = name
    }

    public var description: String { name }
    public static func < (a: Symbol, b: Symbol) -> Bool { a.name < b.name }

    public init(from decoder: Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
