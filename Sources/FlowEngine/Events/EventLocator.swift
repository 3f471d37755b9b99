/// Refines the earliest root among several watched functions (switching functions and
/// `WatchedFunctions` alike) inside one step.
///
/// Works on signed distances d_j (positive on the side the current mode is on). On entry
/// every candidate has d_j(lo) ≥ 0 and d_j(hi) ≤ 0 for at least one of them. Each trial
/// time is evaluated by `probe`, which re-steps from the step start rather than trusting
/// an interpolant; only the first trial may come from one (`firstEstimate`, the Hermite
/// interpolants' crossing, which saves about 40% of the re-steps on dense-event runs). That
/// trial is placed τ/4 past the estimate, as Newton's are, so that wherever the interpolant
/// is good to τ/4 it lands within τ/2 past the root and ends the search by itself
/// (`isVerifiedRoot`, judged against the rates at the step start): one re-step per event
/// instead of two (P1 to its first slide: 1,143 → 843 re-steps for 729 events).
/// Each probe also gives the rates ḋ at its time (a sliding gate's by differences of the
/// equivalent control, `StateEvaluator.writeGateRates`), so the next trial is Newton's: the
/// earliest t − d_c/ḋ_c in the bracket over the candidates moving the wrong way (ḋ_c < 0),
/// which for switching functions linear in the state errs by O(δ²) after a trial δ from the
/// root (the Hermite trial's δ is O(H⁴)). It is offset by τ/4 past the root, and a probe
/// that finds every crossed candidate within τ/2 past its Newton root ends the search there
/// without a probe on the near side (`isVerifiedRoot`): the root then lies in
/// [t − τ/2 − O(τ²), t], inside the bracket [t − τ, t] the search would otherwise close.
/// That takes two probes per event where bracketing took three. Where no candidate has a
/// rate or Newton's point lies outside the bracket, the trial is the Illinois-weighted
/// secant root of the candidate whose root looks earliest (the rule of CVODE's
/// `cvRootfind`). Every trial is kept at least τ/2 inside the bracket, so that the bracket,
/// not only the estimate, can shrink to τ. A secant trial is replaced by bisection whenever
/// two trials failed to halve the bracket (as Brent's method guards its secant steps), and
/// so is a Newton trial unless its correction |d_c/ḋ_c| is at most half the last Newton
/// trial's: Newton's iteration converging from one side shrinks the bracket from that side
/// only, and is judged by its own steps.
///
/// Reference: Hiebert & Shampine, "Implicitly defined output points for solutions of
/// ODEs", SAND80-0180 (1980); SUNDIALS CVODE `cvRootfind`.
final class EventLocator {
    static let maxIterations = 200

    /// - Parameters:
    ///   - bracket: lo, hi (where the candidates were seen crossed), the candidates that may
    ///     have crossed in (lo, hi], and per candidate its d at both ends, ḋ at lo when known
    ///     (NaN where there is none) and a constant added to its d everywhere (0 for most):
    ///     the root located is that of d + shift (a surface leaving its exit band, `StepScreen`).
    ///   - firstEstimate: where to try first, if something better than the secant is known
    ///     (the Hermite interpolants' crossing); later trials are Illinois as usual.
    ///   - probe: writes the candidates' d and ḋ (NaN where unknown) at a trial time, in
    ///     the order of `candidates`, into its two arrays.
    /// - Returns: the far side of the final bracket (the first time at which a candidate
    ///   has d ≤ 0) and every candidate crossed by then.
    /// - Throws: `FlowError.eventLocationFailed` if the bracket does not shrink to τ.
    func locate(
        _ bracket: EventBracket, tolerance: EventTolerance, firstEstimate: Double? = nil,
        probe: (Double, inout [Double], inout [Double]) throws(FlowError) -> Void
    ) throws(FlowError) -> (time: Double, surfaces: [Int]) {
        var lo = bracket.lo, hi = bracket.hi
        let candidates = bracket.candidates, shifts = bracket.shifts
        // d of candidate c = candidates[c] at both ends, at the trial, and its rates there
        // and at the trial before (or at the bracket's start), for `isVerifiedRoot`.
        var distanceLo = candidates.indices.map { max(bracket.distancesAtLo[$0] + shifts[$0], 0) }
        var distanceHi = candidates.indices.map { bracket.distancesAtHi[$0] + shifts[$0] }
        var distanceMid = [Double](repeating: 0, count: candidates.count), rateMid = distanceMid
        var ratePrevious = bracket.ratesAtLo ?? [Double](repeating: .nan, count: candidates.count)
        var alpha = 1.0
        var previousSide = 0
        var iteration = 0
        // The first trial (an interpolant's estimate) is not judged by how much it shrank.
        var widths = [2 * (hi - lo), 2 * (hi - lo)]
        var newton: (time: Double, correction: Double)?
        // The Newton correction |d_c/ḋ_c| of the last Newton trial taken.
        var lastNewtonCorrection = Double.infinity
        while hi - lo > tolerance.time(near: hi) {
            iteration += 1
            guard iteration <= Self.maxIterations else {
                throw .eventLocationFailed(surfaces: candidates, t: hi)
            }
            // The candidate whose (weighted) secant root lies earliest in the bracket.
            var fraction = -1.0
            for c in candidates.indices where distanceHi[c] <= 0 {
                let denominator = alpha * distanceLo[c] - distanceHi[c]
                let f = denominator > 0 ? -distanceHi[c] / denominator : 0.5
                fraction = max(fraction, f)
            }
            let halfTolerance = 0.5 * tolerance.time(near: hi)
            // Bisect when two secant steps did not halve the bracket (e.g. a candidate whose
            // distance at lo is exactly zero, where the secant sticks to lo).
            let isSlow = hi - lo > 0.5 * widths[0]
            let secant = isSlow ? 0.5 * (lo + hi) : hi - fraction * (hi - lo)
            // Newton's trial, unless it stalls while the bracket does (see the type's notes).
            var trial = secant
            if let newton, newton.correction <= 0.5 * lastNewtonCorrection || !isSlow {
                trial = newton.time
                lastNewtonCorrection = newton.correction
            }
            let estimate = iteration == 1 ? (firstEstimate.map { $0 + 0.25 * tolerance.time(near: $0) } ?? secant) : trial
            let mid = min(max(estimate, lo + halfTolerance), hi - halfTolerance)
            try probe(mid, &distanceMid, &rateMid)
            for c in candidates.indices where shifts[c] != 0 { distanceMid[c] += shifts[c] }
            let side: Int
            if distanceMid.contains(where: { $0 <= 0 }) {
                if Self.isVerifiedRoot(at: mid, after: lo, distances: distanceMid, rates: rateMid, previousRates: ratePrevious,
                                       within: 0.5 * tolerance.time(near: mid)) {
                    return (mid, candidates.indices.filter { distanceMid[$0] <= 0 }.map { candidates[$0] })
                }
                hi = mid
                distanceHi = distanceMid
                side = 1
            } else {
                lo = mid
                distanceLo = distanceMid.map { max($0, 0) }
                side = 2
            }
            newton = Self.newtonTrial(from: mid, distances: distanceMid, rates: rateMid, lo: lo, hi: hi, tolerance: tolerance)
            ratePrevious = rateMid
            widths = [widths[1], hi - lo]
            // Illinois: when the same end moves twice, halve the weight of the stale one.
            alpha = side == previousSide ? (side == 2 ? 2 * alpha : 0.5 * alpha) : 1
            previousSide = side
        }
        return (hi, candidates.indices.filter { distanceHi[$0] <= 0 }.map { candidates[$0] })
    }

    /// Newton's earliest root t − d_c/ḋ_c over the candidates with ḋ_c < 0 at the trial t,
    /// moved τ/4 past it (τ there), and the size of its correction |d_c/ḋ_c|; nil when none
    /// lies inside [lo, hi].
    private static func newtonTrial(from t: Double, distances: [Double], rates: [Double], lo: Double, hi: Double,
                                    tolerance: EventTolerance) -> (time: Double, correction: Double)? {
        var earliest = Double.infinity
        for c in distances.indices where rates[c] < 0 {
            earliest = min(earliest, t - distances[c] / rates[c])
        }
        guard earliest > lo, earliest < hi else { return nil }
        return (earliest + 0.25 * tolerance.time(near: earliest), abs(earliest - t))
    }

    /// Whether the trial t, where some candidates have crossed, lies within `margin` past
    /// the root of each of them: ḋ_c < 0 and 0 ≤ d_c/ḋ_c ≤ margin, with t − d_c/ḋ_c after
    /// `lo`, and the rate at the trial before within a factor 2 of ḋ_c (the same sign: no
    /// turning point near the root, so the linearisation holds; its error is
    /// ½|d̈|·margin²/|ḋ|, far below the margin unless ḋ changes by O(1) within it).
    private static func isVerifiedRoot(at t: Double, after lo: Double, distances: [Double], rates: [Double],
                                       previousRates: [Double], within margin: Double) -> Bool {
        for c in distances.indices where distances[c] <= 0 {
            let rate = rates[c], previous = previousRates[c]
            guard rate < 0, previous < 0, rate <= 0.5 * previous, previous <= 0.5 * rate else { return false }
            let lead = distances[c] / rate
            guard lead <= margin, t - lead > lo else { return false }
        }
        return true
    }
}
