/// Screens one accepted step for a double crossing that both step ends miss.
///
/// With signed distances d (positive on the side the mode is on) and their rates ḋ at
/// both ends of a step of length H, the cubic Hermite interpolant in τ = (t − t0)/H is
/// ```
/// p(τ) = d0 + m0 τ + (3(d1 − d0) − 2m0 − m1) τ² + (2(d0 − d1) + m0 + m1) τ³,
/// m0 = H ḋ0,  m1 = H ḋ1.
/// ```
/// If both ends are positive but p has an interior minimum below zero, the surface may
/// have been crossed twice inside the step. The interpolant is only good to about the
/// square root of the tolerance, so this is a screen: the engine confirms a candidate by
/// re-stepping before it locates anything.
public enum HermiteScreen {
    /// The lowest interior minimum of p on (0, 1) when it is below zero, else nil.
    /// - Returns: the step fraction τ of that minimum and p(τ).
    ///
    /// Most calls have none: p's Bernstein coefficients are d0, d0 + m0/3, d1 − m1/3 and d1,
    /// and p lies above the least of them (the convex hull property), so when that is
    /// positive beyond the rounding of p's evaluation (1e-12 of |d0| + |d1| + |m0| + |m1|,
    /// against p's rounding of some 1e-15 of it) there is no dip, and no need for the roots
    /// (`hasNoDip`, the same test eight functions at a time).
    public static func interiorDip(start d0: Double, end d1: Double, startSlope m0: Double, endSlope m1: Double)
        -> (fraction: Double, value: Double)?
    {
        if hasNoDip(start: SIMD8(repeating: d0), end: SIMD8(repeating: d1), startSlope: SIMD8(repeating: m0),
                    endSlope: SIMD8(repeating: m1))[0] { return nil }
        let b = 3 * (d1 - d0) - 2 * m0 - m1
        let a = 2 * (d0 - d1) + m0 + m1
        // p'(τ) = 3a τ² + 2b τ + m0; its roots with p'' = 6aτ + 2b > 0 are minima.
        var best: (fraction: Double, value: Double)?
        func consider(_ τ: Double?) {
            guard let τ, τ > 0, τ < 1, 6 * a * τ + 2 * b > 0 else { return }
            let value = ((a * τ + b) * τ + m0) * τ + d0
            if value < 0, value < (best?.value ?? .infinity) { best = (τ, value) }
        }
        let roots = quadraticRoots(3 * a, 2 * b, m0)
        consider(roots.first)
        consider(roots.second)
        return best
    }

    /// Per lane, whether p's Bernstein coefficients show it positive beyond its rounding
    /// (`interiorDip`): three times the least of them against 3e-12 of |d0| + |d1| + |m0| +
    /// |m1|, so without a division (a screen runs it for every function at every step; the
    /// factor moves the test by ulps, far inside its margin). False for NaN.
    @inline(__always)
    static func hasNoDip(start d0: SIMD8<Double>, end d1: SIMD8<Double>, startSlope m0: SIMD8<Double>,
                         endSlope m1: SIMD8<Double>) -> SIMDMask<SIMD8<Int64>> {
        // (`replacing(with:where:)` rather than the generic pointwiseMin, which is not inlined.)
        @inline(__always) func lesser(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> {
            a.replacing(with: b, where: b .< a)
        }
        @inline(__always) func magnitude(_ v: SIMD8<Double>) -> SIMD8<Double> { v.replacing(with: -v, where: v .< 0) }
        let three = SIMD8<Double>(repeating: 3)
        let tripledStart: SIMD8<Double> = three * d0, tripledEnd: SIMD8<Double> = three * d1
        let lowestTripled = lesser(lesser(tripledStart, tripledEnd), lesser(tripledStart + m0, tripledEnd - m1))
        let startSize = magnitude(d0) + magnitude(d1), slopeSize = magnitude(m0) + magnitude(m1)
        let margin = SIMD8<Double>(repeating: 3e-12) * (startSize + slopeSize)
        return lowestTripled .> margin
    }

    /// A root in (0, 1) of p when d0 ≥ 0 > d1 (bisection on the cubic, which costs no field
    /// evaluation): an estimate of where a crossing seen at the step end happened, good to
    /// O(H⁴) rather than the secant's O(H²), to start event location from.
    public static func crossing(start d0: Double, end d1: Double, startSlope m0: Double, endSlope m1: Double) -> Double? {
        guard d0 >= 0, d1 < 0, m0.isFinite, m1.isFinite else { return nil }
        let b = 3 * (d1 - d0) - 2 * m0 - m1
        let a = 2 * (d0 - d1) + m0 + m1
        func p(_ τ: Double) -> Double { ((a * τ + b) * τ + m0) * τ + d0 }
        var lo = 0.0, hi = 1.0
        for _ in 0..<60 {
            let mid = 0.5 * (lo + hi)
            if p(mid) >= 0 { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }

    /// Real roots of A τ² + B τ + C, by the cancellation-free formula (nil where there is none).
    static func quadraticRoots(_ A: Double, _ B: Double, _ C: Double) -> (first: Double?, second: Double?) {
        if A == 0 { return B == 0 ? (nil, nil) : (-C / B, nil) }
        let discriminant = B * B - 4 * A * C
        guard discriminant >= 0 else { return (nil, nil) }
        let q = -0.5 * (B + (B >= 0 ? 1 : -1) * discriminant.squareRoot())
        if q == 0 { return (0, nil) }
        return (q / A, C / q)
    }
}
