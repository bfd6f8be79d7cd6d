import Foundation

/// One column value as both backends store it (SQLite's storage classes), for code that moves
/// rows between them without knowing their tables.
public enum StoreValue: Sendable, Equatable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case null

    /// Bytes that identify the value, for content hashes that must agree across backends
    /// (a real by its bit pattern, so -0.0 and NaN payloads are not folded).
    public var canonical: Data {
        var out = Data()
        func tag(_ t: UInt8, _ body: Data) {
            out.append(t)
            withUnsafeBytes(of: UInt64(body.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(body)
        }
        switch self {
        case .integer(let v): tag(1, withUnsafeBytes(of: v.littleEndian) { Data($0) })
        case .real(let v): tag(2, withUnsafeBytes(of: v.bitPattern.littleEndian) { Data($0) })
        case .text(let v): tag(3, Data(v.utf8))
        case .blob(let v): tag(4, v)
        case .null: tag(0, Data())
        }
        return out
    }
}
