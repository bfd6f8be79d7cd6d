/// Buy or sell; the raw value is the sign it gives a quantity.
public enum Side: Int, Sendable, Equatable, Codable {
    case buy = 1
    case sell = -1
}
