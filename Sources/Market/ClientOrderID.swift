/// An order's own id, derived from (strategy, bar time, leg) so that a retried decision can never
/// send a second order: at most 36 characters of `[A-Za-z0-9_-]`, Bybit's `orderLinkId` limit.
public struct ClientOrderID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: String
    public static let maxLength = 36

    /// `<owner>-<bar open time, base 36>-<leg>`. An owner name that is too long or has other
    /// characters is shortened and followed by 8 hex digits of its FNV-1a hash, so distinct owners
    /// keep distinct ids.
    public init(owner: String, barTimeMs: Int64, leg: Int) {
        let time = String(barTimeMs, radix: 36), legText = String(leg, radix: 36)
        let room = ClientOrderID.maxLength - time.count - legText.count - 2
        let clean = String(owner.unicodeScalars.filter(ClientOrderID.allowed).map(Character.init))
        let prefix: String
        if clean == owner && owner.count <= room && !owner.isEmpty {
            prefix = owner
        } else {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in owner.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            let digest = String(UInt32(truncatingIfNeeded: hash ^ (hash >> 32)), radix: 16)
            let tag = String(repeating: "0", count: 8 - digest.count) + digest
            prefix = String(clean.prefix(max(0, room - 9))) + "_" + tag
        }
        value = "\(prefix)-\(time)-\(legText)"
    }

    /// Validates an id read back from a store or an exchange.
    public init(_ text: String) throws {
        guard !text.isEmpty, text.count <= ClientOrderID.maxLength, text.unicodeScalars.allSatisfy(ClientOrderID.allowed) else {
            throw InvalidClientOrderID(text: text)
        }
        value = text
    }

    public struct InvalidClientOrderID: KindedError, Equatable {
        public var kind: ErrorKind { .badInput }
        public let text: String
        public var description: String { "invalid client order id '\(text)': expected 1–36 characters of A-Z a-z 0-9 _ -" }
    }

    static func allowed(_ u: Unicode.Scalar) -> Bool {
        (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "_" || u == "-"
    }

    public var description: String { value }
    public static func < (a: ClientOrderID, b: ClientOrderID) -> Bool { a.value < b.value }

    public init(from decoder: Decoder) throws { try self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
