import Foundation

/// A small seeded random generator (SplitMix64, Steele, Lea & Flood 2014), so that drawn
/// data and initial parameters are the same on every machine for a given seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A point uniform on the unit sphere S^{d−1} (a normalised Gaussian vector).
    public mutating func unitVector(dimension d: Int) -> [Double] {
        while true {
            let v = (0..<d).map { _ in normal() }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-300 { return v.map { $0 / norm } }
        }
    }
}
