import CCrypto

/// Random secrets from OpenSSL's CSPRNG and comparisons that take the same time wherever the
/// inputs differ (so a token check leaks nothing through its timing).
public enum Secrets {
    /// `count` bytes from `RAND_bytes`; nil if OpenSSL could not seed its generator.
    public static func randomBytes(_ count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        return ok == 1 ? out : nil
    }

    /// Whether `a` and `b` are equal, in time independent of where they differ (`CRYPTO_memcmp`).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }
}
