import Foundation

/// The only source of randomness in mlbot: xoshiro256** seeded through SplitMix64.
///
/// The same seed gives the same stream on every machine: state updates are integer-only, and the
/// transcendental functions used for derived distributions (log, sqrt) are evaluated identically
/// for identical inputs by the same libm.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// An independent stream for a sub-task, derived from this generator's seed material.
    public func derived(_ stream: UInt64) -> SeededRNG {
        SeededRNG(seed: s0 ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ s3.rotatedLeft(17))
    }

    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in (0, 1): safe to take the logarithm of.
    public mutating func uniformOpen() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Standard normal by the Marsaglia polar method (no trigonometry, so no libm variance there).
    public mutating func normal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * log(s) / s).squareRoot()
                spareNormal = v * f
                return u * f
            }
        }
    }

    /// Gamma(shape, 1) by Marsaglia–Tsang (boosted for shape < 1).
    public mutating func gamma(shape: Double) -> Double {
        precondition(shape > 0, "gamma shape must be positive")
        if shape < 1 {
            return gamma(shape: shape + 1) * pow(uniformOpen(), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniformOpen()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Student-t with `nu` degrees of freedom, scaled to unit variance (needs nu > 2).
    public mutating func standardizedStudentT(nu: Double) -> Double {
        precondition(nu > 2, "unit-variance Student-t needs nu > 2")
        let chi2 = 2 * gamma(shape: nu / 2)
        return normal() / (chi2 / nu).squareRoot() * ((nu - 2) / nu).squareRoot()
    }
}

extension UInt64 {
    @inline(__always) func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
