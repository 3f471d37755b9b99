/// Refines the earliest root among several watched functions (switching functions and
/// `WatchedFunctions` alike) inside one step.
///
/// Works on signed distances d_j (positive on the side the current mode is on). On entry
/// every candidate has d_j(lo) ≥ 0 and d_j(hi) ≤ 0 for at least one of them. Each trial
/// time is evaluated by `probe`, which re-steps from the step start rather than trusting
/// an interpolant; only the first trial may come from one (`firstEstimate`, the Hermite
/// interpolants' crossing, which saves about 40% of the re-steps on dense-event runs).
/// The next trial is the Illinois-weighted secant root of the candidate
/// whose root looks earliest (the rule of CVODE's `cvRootfind`), kept at least τ/2
/// inside the bracket so that the bracket, not only the estimate, shrinks to τ, and
/// replaced by bisection whenever two trials failed to halve the bracket (as Brent's
/// method guards its secant steps).
///
/// Reference: Hiebert & Shampine, "Implicitly defined output points for solutions of
/// ODEs", SAND80-0180 (1980); SUNDIALS CVODE `cvRootfind`.
final class EventLocator {
    private let buffers = ScratchBuffers()
    /// Every function's d at a trial time (the probe writes them all); the bracket's ends
    /// keep only the candidates' d.
    private let distanceMid: UnsafeMutablePointer<Double>
    static let maxIterations = 200

    /// - Parameter functionCount: how many signed distances each probe writes.
    init(functionCount: Int) {
        distanceMid = buffers.doubles(functionCount)
    }

    /// - Parameters:
    ///   - lo, hi: the bracket; `hi` is where the candidates were seen crossed.
    ///   - distancesAtLo, distancesAtHi: d at both ends, one per function.
    ///   - candidates: the functions that may have crossed in (lo, hi].
    ///   - firstEstimate: where to try first, if something better than the secant is known
    ///     (the Hermite interpolants' crossing); later trials are Illinois as usual.
    ///   - probe: writes d at a trial time into its buffer.
    /// - Returns: the far side of the final bracket (the first time at which a candidate
    ///   has d ≤ 0) and every candidate crossed by then.
    /// - Throws: `FlowError.eventLocationFailed` if the bracket does not shrink to τ.
    func locate(
        lo: Double, hi: Double, distancesAtLo: UnsafePointer<Double>, distancesAtHi: UnsafePointer<Double>,
        candidates: [Int], tolerance: EventTolerance, firstEstimate: Double? = nil,
        probe: (Double, UnsafeMutablePointer<Double>) throws(FlowError) -> Void
    ) throws(FlowError) -> (time: Double, surfaces: [Int]) {
        var lo = lo, hi = hi
        // d of candidate c = candidates[c] at both ends.
        var distanceLo = candidates.map { max(distancesAtLo[$0], 0) }
        var distanceHi = candidates.map { distancesAtHi[$0] }
        var alpha = 1.0
        var previousSide = 0
        var iteration = 0
        var widths = [hi - lo, hi - lo]
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
            let estimate = iteration == 1 ? (firstEstimate ?? secant) : secant
            let mid = min(max(estimate, lo + halfTolerance), hi - halfTolerance)
            try probe(mid, distanceMid)
            let side: Int
            if candidates.contains(where: { distanceMid[$0] <= 0 }) {
                hi = mid
                for (c, j) in candidates.enumerated() { distanceHi[c] = distanceMid[j] }
                side = 1
            } else {
                lo = mid
                for (c, j) in candidates.enumerated() { distanceLo[c] = max(distanceMid[j], 0) }
                side = 2
            }
            widths = [widths[1], hi - lo]
            // Illinois: when the same end moves twice, halve the weight of the stale one.
            alpha = side == previousSide ? (side == 2 ? 2 * alpha : 0.5 * alpha) : 1
            previousSide = side
        }
        return (hi, candidates.indices.filter { distanceHi[$0] <= 0 }.map { candidates[$0] })
    }
}
