/// Screens one accepted step [t0, t1] for events, and keeps the departing marks.
///
/// Assumes: the workspace holds the signed distances d and their rates ḋ at the step start
/// (`distanceStart`, `distanceRateStart`) and the evaluation of its end in the current
/// buffers (`StateEvaluator.currentDistance`), in the mode the step was taken in (of the
/// screened functions only, `StateEvaluator.screened`, when the system narrows them), and
/// `probe` re-steps from the step start to a trial time and evaluates the trial buffers
/// there (changing nothing else).
/// Guarantees: an event is reported when some d_j is negative at t1 and is not rounding
/// (`isFalseAlarm`), or when a `HermiteScreen` dip of a positive d_j is confirmed by a
/// re-stepped negative value (then the bracket ends at that witness, where the same
/// false-alarm test sorts the candidates). Functions marked departing (a surface left
/// tangentially or merely touched, which sits a rounding error from zero) count as crossed
/// only while they also move further the wrong way, until they are clear (positive at a
/// step end).
///
/// Reference: SUNDIALS CVODE `cvRcheck2`/`cvRcheck3` (roots at a previous root, roots in
/// the step); Hiebert & Shampine, SAND80-0180 (1980).
final class StepScreen<System: PiecewiseSmoothSystem> {
    private let evaluator: StateEvaluator<System>
    private let gateTolerance: Double
    private let buffers = ScratchBuffers()
    /// Functions sitting on their zero without having moved clear of it since an event.
    private let isDeparting: UnsafeMutablePointer<Bool>
    /// How many functions are marked departing: `clearDepartures` has nothing to do at 0.
    private var departingCount = 0

    init(evaluator: StateEvaluator<System>, gateTolerance: Double) {
        self.evaluator = evaluator
        self.gateTolerance = gateTolerance
        isDeparting = buffers.flags(evaluator.functionCount)
    }

    private var workspace: FlowWorkspace { evaluator.workspace }

    /// Finds the functions that may have changed sign in [t0, t1].
    ///
    /// - Returns: nil when none did; otherwise the far end of the bracket to refine (t1,
    ///   or the earliest re-stepped time that confirms a double crossing), the functions on
    ///   the far side and their signed distances there.
    func screen(from t0: Double, to t1: Double, probe: (Double) throws(FlowError) -> Void)
        throws(FlowError) -> (hi: Double, candidates: [Int], distancesAtHi: [Double])?
    {
        let w = workspace
        let stepLength = t1 - t0
        var signChanged = false
        var witnessTime: Double?
        let distanceStart = w.distanceStart, rateStart = w.distanceRateStart, current = evaluator.current
        func screenFunction(_ j: Int) throws(FlowError) {
            let d0 = distanceStart[j], (d1, rate1) = evaluator.distance(of: j, in: current)
            if d1 < 0 {
                if !isFalseAlarm(j, distance: d1, rate: rate1) { signChanged = true }
                return
            }
            guard d0 > 0, d1 > 0, !evaluator.isSliding(j),
                  let dip = HermiteScreen.interiorDip(
                    start: d0, end: d1, startSlope: stepLength * rateStart[j], endSlope: stepLength * rate1)
            else { return }
            if let witness = try confirmDoubleCrossing(of: j, from: t0, to: t1, nearFraction: dip.fraction, probe: probe),
               witness < (witnessTime ?? .infinity) {
                witnessTime = witness
            }
        }
        // Eight functions at a time, one by one only where some lane is across at the end or
        // may dip (the rest would pass every test above).
        let length = SIMD8<Double>(repeating: stepLength)
        try forEachFunction(in: current, unlessQuiet: { j, d1, rate1 in
            let d0 = UnsafeRawPointer(distanceStart + j).loadUnaligned(as: SIMD8<Double>.self)
            let m0 = length * UnsafeRawPointer(rateStart + j).loadUnaligned(as: SIMD8<Double>.self)
            let notAcross = .!(d1 .< 0), notBothPositive = .!(d0 .> 0) .| .!(d1 .> 0)
            let noDip = HermiteScreen.hasNoDip(start: d0, end: d1, startSlope: m0, endSlope: length * rate1)
            return all(notAcross .& (notBothPositive .| noDip))
        }, screenFunction)
        if let witnessTime {
            try probe(witnessTime)
            let crossed = crossedFunctions(in: evaluator.trial, includingZero: true)
            if !crossed.isEmpty { return (witnessTime, crossed.map(\.function), crossed.map(\.distance)) }
        }
        guard signChanged else { return nil }
        let crossed = crossedFunctions(in: current, includingZero: false)
        return (t1, crossed.map(\.function), crossed.map(\.distance))
    }

    /// The functions across in the evaluation in `buffers` (d_j < 0, or ≤ 0 when
    /// `includingZero`) that are not rounding (`isFalseAlarm`), with their d_j, in order.
    private func crossedFunctions(in buffers: StateEvaluator<System>.EvaluationBuffers,
                                  includingZero: Bool) -> [(function: Int, distance: Double)] {
        var crossed: [(function: Int, distance: Double)] = []
        forEachFunction(in: buffers, unlessQuiet: { _, d, _ in all(includingZero ? d .> 0 : d .>= 0) }) { j in
            let (d, rate) = evaluator.distance(of: j, in: buffers)
            if d < 0 || includingZero && d == 0, !isFalseAlarm(j, distance: d, rate: rate) { crossed.append((j, d)) }
        }
        return crossed
    }

    /// Calls `body` for each screened function (`StateEvaluator.screened`) where the system
    /// narrows them. Otherwise eight surfaces at a time: `isQuiet(j, d, ḋ)` sees lane
    /// j..<j + 8's signed distances and rates in `buffers`, ±g and ±ġ with the pattern's signs,
    /// and a lane it calls quiet is skipped, unless it holds a sliding surface (whose d_j is
    /// its gate's); the functions after the last full lane of surfaces (the watched ones among
    /// them) all go to `body`. `body` must do nothing for a function of a quiet lane.
    @inline(__always)
    private func forEachFunction<Failure: Error>(in buffers: StateEvaluator<System>.EvaluationBuffers,
                                                 unlessQuiet isQuiet: (Int, SIMD8<Double>, SIMD8<Double>) -> Bool,
                                                 _ body: (Int) throws(Failure) -> Void) throws(Failure) {
        if let screened = evaluator.screened {
            for j in screened { try body(j) }
            return
        }
        let w = workspace, isSliding = UnsafeRawPointer(evaluator.mode.isSliding)
        var j = 0
        while j + 8 <= w.surfaceCount {
            let sign = evaluator.patternSigns(at: j)
            let d = sign * UnsafeRawPointer(buffers.values + j).loadUnaligned(as: SIMD8<Double>.self)
            let rate = sign * UnsafeRawPointer(buffers.rates + j).loadUnaligned(as: SIMD8<Double>.self)
            if !isQuiet(j, d, rate) || isSliding.loadUnaligned(fromByteOffset: j, as: UInt64.self) != 0 {
                for lane in j..<(j + 8) { try body(lane) }
            }
            j += 8
        }
        for rest in j..<w.functionCount { try body(rest) }
    }

    /// Where to start locating the candidates' earliest root in [t0, hi] (rule C of the
    /// hysteresis, `ResolutionBand`). A surface just left from sliding that starts the step on
    /// the wrong side by at most its band ε_j (`FlowWorkspace.hysteresis`) and moves back,
    /// d_j(t0) ∈ [−ε_j, 0] with ḋ_j(t0) > 0, has not crossed at t0: the exit left it there
    /// within the integrator's resolution, and its event, if any, is the later root where it
    /// turns round and crosses. Re-steps to the latest maximum of such functions' Hermite
    /// interpolants; where they are all positive there, the bracket starts there, unless
    /// another candidate has crossed by then (then that one's earlier root is located without
    /// them). Otherwise (no return confirmed) the bracket starts at t0 as before, without the
    /// candidates off the sliding set that are across at t0 already (a departing function, or
    /// one within its band, now moving the wrong way): they have no root in the step and t0
    /// decided them already, so they are met at the bracket's end, unless another candidate's
    /// root comes first.
    /// A surface leaving its exit band (`isLeavingExitBand`) is located at the root of
    /// d_j + ε_j from either start, a returning one at its own root.
    /// - Parameter distancesAtHi: the candidates' signed distances at `hi`, in their order.
    /// - Returns: the bracket, with the candidates to locate (none: all were across at t0).
    func bracketStart(of candidates: [Int], distancesAtHi: [Double], from t0: Double, to t1: Double,
                      before hi: Double, probe: (Double) throws(FlowError) -> Void) throws(FlowError) -> EventBracket {
        let w = workspace
        let stepLength = t1 - t0
        let atHi = Dictionary(uniqueKeysWithValues: zip(candidates, distancesAtHi))
        let shiftOf = { (j: Int) in self.exitBandShift(of: j, distanceAtHi: atHi[j]!) }
        /// The bracket from `lo` for `located`: d at lo from the step start's buffers unless given.
        func bracket(from lo: Double, _ located: [Int], shifts: [Double], distancesAtLo: [Double]? = nil) -> EventBracket {
            EventBracket(lo: lo, hi: hi, candidates: located, shifts: shifts,
                         distancesAtLo: distancesAtLo ?? located.map { w.distanceStart[$0] },
                         ratesAtLo: lo == t0 ? located.map { w.distanceRateStart[$0] } : nil,
                         distancesAtHi: located.map { atHi[$0]! })
        }
        let locatable = candidates.filter {
            evaluator.isSliding($0) || w.distanceStart[$0] >= 0 || isLeavingExitBand($0, distanceAtHi: atHi[$0]!)
        }
        let fromStepStart = bracket(from: t0, locatable, shifts: locatable.map(shiftOf))
        let returning = candidates.filter { j in
            j < w.surfaceCount && !evaluator.isSliding(j) && w.hysteresis[j] > 0
                && (-w.hysteresis[j]...0).contains(w.distanceStart[j]) && w.distanceRateStart[j] > 0
        }
        guard !returning.isEmpty else { return fromStepStart }
        var start = t0
        for j in returning {
            // The highest interior maximum of d_j's interpolant is the lowest dip of −d_j's.
            let end = evaluator.currentDistance(of: j)
            guard let peak = HermiteScreen.interiorDip(
                start: -w.distanceStart[j], end: -end.distance, startSlope: -stepLength * w.distanceRateStart[j],
                endSlope: -stepLength * end.rate)
            else { return fromStepStart }
            start = max(start, t0 + peak.fraction * stepLength)
        }
        guard start < hi else { return fromStepStart }
        try probe(start)
        let atStart = Dictionary(uniqueKeysWithValues: candidates.map {
            ($0, evaluator.distance(of: $0, in: evaluator.trial).distance)
        })
        guard returning.allSatisfy({ atStart[$0]! > 0 }) else { return fromStepStart }
        // d_j at the start as the locator will see it: shifted where j leaves its band.
        let shift = { (j: Int) in returning.contains(j) ? 0 : shiftOf(j) }
        // Another locatable candidate across by then has the earlier root, located from t0;
        // candidates across since before t0 and still across are left to the bracket's end.
        let others = locatable.filter { !returning.contains($0) }
        if others.contains(where: { atStart[$0]! + shift($0) <= 0 }) {
            return bracket(from: t0, others, shifts: others.map(shiftOf))
        }
        let located = candidates.filter { atStart[$0]! + shift($0) > 0 }
        // (A start that rounded to t0 keeps the step start's distances, as t0's bracket does.)
        return bracket(from: start, located, shifts: located.map(shift),
                       distancesAtLo: start == t0 ? nil : located.map { atStart[$0]! })
    }

    /// Whether candidate j starts the step within its exit band on the wrong side, d_j(t0) ∈
    /// [−ε_j, 0) (rule C: not crossed there), and ends the bracket clearly beyond it,
    /// d_j(hi) < −2ε_j: it crosses where it leaves the band, the root
    /// of d_j + ε_j (`exitBandShift`), located like any root rather than met at the step's
    /// end, which may lie far past it (a surface left from sliding whose neighbours' event
    /// then turned its field across it: a neuron leaving the origin of its (w, b)). A
    /// surface that ends the bracket at the band's edge is met at the end as before: its
    /// d_j + ε_j is the integrator's noise there, and so would be its root.
    private func isLeavingExitBand(_ j: Int, distanceAtHi: Double) -> Bool {
        let w = workspace
        return j < w.surfaceCount && !evaluator.isSliding(j) && w.hysteresis[j] > 0
            && w.distanceStart[j] < 0 && w.distanceStart[j] >= -w.hysteresis[j] && distanceAtHi < -2 * w.hysteresis[j]
    }

    /// The constant added to candidate j's d while locating: ε_j for a surface leaving its
    /// exit band (`isLeavingExitBand`), else 0.
    private func exitBandShift(of j: Int, distanceAtHi: Double) -> Double {
        isLeavingExitBand(j, distanceAtHi: distanceAtHi) ? workspace.hysteresis[j] : 0
    }

    /// The earliest crossing time in (t0, t1) of the candidates' cubic Hermite interpolants
    /// (`HermiteScreen.crossing`), from d and ḋ at both step ends; surfaces slid on have no
    /// rate and are left to the secant.
    func hermiteCrossing(of candidates: [Int], from t0: Double, to t1: Double) -> Double? {
        let w = workspace, stepLength = t1 - t0
        var earliest: Double?
        for j in candidates where !evaluator.isSliding(j) {
            let end = evaluator.currentDistance(of: j)
            guard let fraction = HermiteScreen.crossing(
                start: w.distanceStart[j], end: end.distance, startSlope: stepLength * w.distanceRateStart[j],
                endSlope: stepLength * end.rate)
            else { continue }
            earliest = min(earliest ?? .infinity, t0 + fraction * stepLength)
        }
        return earliest
    }

    /// Functions not yet crossed at the current state that will cross within `tolerance`
    /// time: they belong to the same event.
    func functionsAboutToCross(excluding crossed: [Int], within tolerance: Double) -> [Int] {
        let current = evaluator.current, lanesTolerance = SIMD8<Double>(repeating: tolerance)
        var result: [Int] = []
        forEachFunction(in: current, unlessQuiet: { _, d, rate in !any((d .> 0) .& (d .<= -rate * lanesTolerance)) }) { j in
            let (d, rate) = evaluator.distance(of: j, in: current)
            // d > 0 and d ≤ −ḋ·tolerance (so ḋ < 0), the rare test first.
            if d <= -rate * tolerance, d > 0, !evaluator.isSliding(j), !crossed.contains(j) { result.append(j) }
        }
        return result
    }

    /// Marks a function as departing (it kept its side with the state a hair across) or
    /// as crossed cleanly.
    func setDeparting(_ j: Int, _ value: Bool) {
        if isDeparting[j] != value { departingCount += value ? 1 : -1 }
        isDeparting[j] = value
    }

    /// Unmarks the departing functions that are clear at the current state.
    func clearDepartures() {
        let w = workspace
        guard departingCount > 0 else { return }
        let current = evaluator.current
        for j in 0..<w.functionCount where isDeparting[j] && evaluator.distance(of: j, in: current).distance > 0 {
            setDeparting(j, false)
        }
    }

    /// The functions marked departing (O(f) to list; none are at most times).
    var departingFunctions: [Int] {
        departingCount == 0 ? [] : (0..<workspace.functionCount).filter { isDeparting[$0] }
    }

    /// Whether a non-positive distance (at the step end, or at a re-stepped witness of a
    /// double crossing) is rounding, not an event: a function left tangentially that does
    /// not move further the wrong way (ḋ ≥ 0: a pair that left at rate exactly 0 towards a
    /// side whose field leaves g unchanged, such as a neuron dying on its last sample, stays
    /// where it is), a surface just left from sliding less than its band ε_j on the wrong
    /// side (rule C of the hysteresis), or a sliding gate less than the gate tolerance plus
    /// its resolvable margin (`FlowWorkspace.hysteresis`) outside [0, 1].
    private func isFalseAlarm(_ j: Int, distance: Double, rate: Double) -> Bool {
        let w = workspace
        if evaluator.isSliding(j) { return distance >= -(gateTolerance + w.hysteresis[j]) }
        let isWithinExitBand = j < w.surfaceCount && w.hysteresis[j] > 0 && distance >= -w.hysteresis[j]
        return isWithinExitBand || isDeparting[j] && rate >= 0
    }

    /// Re-steps towards the Hermite minimum of function j, then follows the secant of its
    /// rate ḋ_j, looking for a time with d_j < 0.
    /// - Returns: such a time, or nil when the re-stepped values stay positive (a near
    ///   miss that the interpolant exaggerated).
    private func confirmDoubleCrossing(of j: Int, from t0: Double, to t1: Double, nearFraction fraction: Double,
                                       probe: (Double) throws(FlowError) -> Void) throws(FlowError) -> Double? {
        let w = workspace
        let sign = evaluator.sign(of: j)
        var (a, rateA) = (t0, w.distanceRateStart[j])
        var (b, rateB) = (t1, evaluator.currentDistance(of: j).rate)
        var t = t0 + fraction * (t1 - t0)
        for _ in 0..<4 {
            try probe(t)
            if sign * w.trialValues[j] < 0 { return t }
            let rate = sign * w.trialRates[j]
            if rate < 0 { (a, rateA) = (t, rate) } else { (b, rateB) = (t, rate) }
            guard rateA < 0, rateB > 0 else { return nil }
            t = a + (b - a) * (-rateA) / (rateB - rateA)
        }
        return nil
    }
}
