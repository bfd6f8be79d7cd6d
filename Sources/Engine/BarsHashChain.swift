import Hashing
import Market

/// A running SHA-256 over every bar of one symbol since its history anchor: h = sha256(h' ‖
/// open time ‖ open, high, low, close, volume as IEEE-754 bits, little-endian). Two runs that saw
/// the same bars agree on it, so a decision row can name exactly the data behind it.
struct BarsHashChain {
    private var state = [UInt8](repeating: 0, count: 32)
    private var buffer = [UInt8](repeating: 0, count: 32 + 48)

    mutating func add(_ bar: Bar) {
        for i in 0..<32 { buffer[i] = state[i] }
        var k = 32
        func put(_ v: UInt64) { for j in 0..<8 { buffer[k + j] = UInt8(truncatingIfNeeded: v >> (8 * j)) }; k += 8 }
        put(UInt64(bitPattern: bar.openTime))
        for x in [bar.open, bar.high, bar.low, bar.close, bar.volume] { put(x.bitPattern) }
        state = Digest.sha256(buffer)
    }

    var hex: String { Digest.hex(state) }
}
