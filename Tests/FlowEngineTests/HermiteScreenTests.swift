import Testing
import FlowEngine

/// `HermiteScreen.interiorDip` and `crossing` on cubics p(τ) given by their end values and end slopes.
///
/// All inputs below are dyadic rationals chosen so that every intermediate value of the
/// screen (the coefficients, the discriminant and its square root, both roots and p at
/// the minimum) is exact in double precision: the results are compared with `==`.
struct HermiteScreenTests {
    /// p(τ) = τ³ − (21/16)τ² + (9/32)τ + 1/16, so p'(τ) = 3(τ − 1/8)(τ − 3/4): a maximum
    /// at 1/8, a minimum at 3/4 with p(3/4) = −11/256, and p(0) = 1/16, p(1) = 1/32 > 0.
    @Test func cubicWithInteriorMinimumBelowZeroReportsItsFractionAndValue() throws {
        let dip = try #require(HermiteScreen.interiorDip(start: 0.0625, end: 0.03125, startSlope: 0.28125, endSlope: 0.65625))
        #expect(dip.fraction == 0.75)
        #expect(dip.value == -0.04296875)
    }

    /// p(τ) = (τ − 1/2)² − 1/16: the cubic coefficient is zero, so p' is linear (the
    /// screen's degenerate branch). Minimum at 1/2, value −1/16; p(0) = p(1) = 3/16.
    @Test func quadraticWithInteriorMinimumBelowZeroReportsItsFractionAndValue() throws {
        let dip = try #require(HermiteScreen.interiorDip(start: 0.1875, end: 0.1875, startSlope: -1, endSlope: 1))
        #expect(dip.fraction == 0.5)
        #expect(dip.value == -0.0625)
    }

    @Test(arguments: [
        (1.0, 2.0, 1.0, 1.0),      // p = 1 + τ, increasing
        (2.0, 1.0, -1.0, -1.0),    // p = 2 − τ, decreasing
        (1.0, 2.0, 0.0, 0.0),      // p = 1 + 3τ² − 2τ³, increasing with flat ends
    ])
    func monotoneDataHasNoDip(start: Double, end: Double, startSlope: Double, endSlope: Double) {
        #expect(HermiteScreen.interiorDip(start: start, end: end, startSlope: startSlope, endSlope: endSlope) == nil)
    }

    /// The first cubic lifted by 1/16: p(τ) = τ³ − (21/16)τ² + (9/32)τ + 1/8 keeps its
    /// minimum at 3/4 but p(3/4) = 5/256 > 0.
    @Test func interiorMinimumAboveZeroIsNoDip() {
        #expect(HermiteScreen.interiorDip(start: 0.125, end: 0.09375, startSlope: 0.28125, endSlope: 0.65625) == nil)
    }

    /// p(τ) = (τ − 3/2)² − 1/16 has its negative minimum at τ = 3/2, beyond the step;
    /// on [0, 1] it decreases from 35/16 to 3/16.
    @Test func minimumBeyondTheStepIsNoDip() {
        #expect(HermiteScreen.interiorDip(start: 2.1875, end: 0.1875, startSlope: -3, endSlope: -1) == nil)
    }

    /// `interiorDip` skips the roots when p's Bernstein coefficients are clearly positive;
    /// over random positive ends and slopes (a third of them dipping) it must still find
    /// every dip a dense sampling of p sees clearly below zero, and report none where the
    /// sampled minimum is clearly above it.
    @Test func theCoefficientBoundHidesNoDip() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform(_ range: ClosedRange<Double>) -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + (range.upperBound - range.lowerBound) * Double(state >> 11) / Double(1 << 53)
        }
        var dipsFound = 0
        for _ in 0..<20_000 {
            let d0 = uniform(1e-3...1), d1 = uniform(1e-3...1), m0 = uniform(-4...2), m1 = uniform(-2...4)
            let b = 3 * (d1 - d0) - 2 * m0 - m1, a = 2 * (d0 - d1) + m0 + m1
            let sampledMinimum = (1..<2000).map { Double($0) / 2000 }.map { τ in ((a * τ + b) * τ + m0) * τ + d0 }.min()!
            let dip = HermiteScreen.interiorDip(start: d0, end: d1, startSlope: m0, endSlope: m1)
            if sampledMinimum < -1e-6 {
                #expect(dip != nil, "missed a dip to \(sampledMinimum): \(d0), \(d1), \(m0), \(m1)")
                dipsFound += 1
            } else if sampledMinimum > 1e-9 {
                #expect(dip == nil)
            }
        }
        #expect(dipsFound > 1000)
    }

    /// `crossing`: p(τ) = (τ − 3/8)(τ² + 1) · (−1) = −τ³ + (3/8)τ² − τ + 3/8, one real root
    /// at 3/8 in (0, 1): p(0) = 3/8, p(1) = −5/4, p′(0) = −1, p′(1) = −13/4. Bisection on the
    /// cubic halves [0, 1] 60 times, far below double resolution at 3/8.
    @Test func crossingIsTheInterpolantsRoot() throws {
        let root = try #require(HermiteScreen.crossing(start: 0.375, end: -1.25, startSlope: -1, endSlope: -3.25))
        #expect(abs(root - 0.375) <= 1e-15)
        // No sign change from start to end: no crossing to report.
        #expect(HermiteScreen.crossing(start: 0.375, end: 0.5, startSlope: -1, endSlope: -2) == nil)
    }
}
