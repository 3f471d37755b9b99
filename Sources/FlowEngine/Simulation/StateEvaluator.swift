/// Evaluates everything the engine watches at one state, and says what each value means in
/// the current mode.
///
/// Assumes: the workspace and the mode belong to one run; `watchedSides` holds the side
/// each watched function is on (set at the start and at its crossings).
/// Guarantees: an evaluation writes F, the solved gates of the sliding set (the gates used
/// are those and the pattern's, `ModeField.gateUsed`), the values of the f = m + q
/// functions (g then h) and their rates along F into one set of buffers, and changes
/// neither the mode nor any other buffer; signed distances d are positive while the mode
/// and the watched sides hold:
/// ```
/// d_j = ±g_j          (the side of gate s_j) for a surface off the sliding set,
/// d_j = min(s_j, 1 − s_j)   for a surface slid on (negative once s_j left [0, 1]; no rate),
/// d_j = ±h_i          (the side h_i is on) for watched function i = j − m.
/// ```
/// Screening, location and "which functions are in this event" all work on d, so
/// crossings, slide exits and watched crossings are one mechanism.
final class StateEvaluator<System: PiecewiseSmoothSystem> {
    let mode: ModeField<System>
    let watched: (any WatchedFunctions)?
    let workspace: FlowWorkspace
    /// The side of each watched function h_i.
    var watchedSides: [Side]

    /// The system's candidates for a pattern, when it names them.
    private let narrowing: (any SurfaceNarrowingSystem)?
    /// The functions screened for events, ascending (`narrowScreenedFunctions`); nil: all
    /// of them. Signed distances and rates are kept for these alone; the other entries of
    /// those buffers are stale.
    private(set) var screened: [Int]?

    private let buffers = ScratchBuffers()
    /// x ± hF, its field and its gates, for `writeGateRates`.
    private let shiftedState: UnsafeMutablePointer<Double>
    private let shiftedField: UnsafeMutablePointer<Double>
    private lazy var shiftedGates = buffers.doubles(surfaceCount)

    init(mode: ModeField<System>, watched: (any WatchedFunctions)?, workspace: FlowWorkspace) {
        self.mode = mode
        self.watched = watched
        self.workspace = workspace
        watchedSides = Array(repeating: .negative, count: watched?.count ?? 0)
        narrowing = mode.system as? any SurfaceNarrowingSystem
        shiftedState = buffers.doubles(workspace.dimension)
        shiftedField = buffers.doubles(workspace.dimension)
    }

    var surfaceCount: Int { workspace.surfaceCount }
    var functionCount: Int { workspace.functionCount }

    /// Whether function j is a surface in the sliding set.
    @inline(__always)
    func isSliding(_ j: Int) -> Bool { j < surfaceCount && mode.isSliding[j] }

    /// Whether function j is a watched function (f-index ≥ m).
    func isWatched(_ j: Int) -> Bool { j >= surfaceCount }

    /// +1 or −1: the side function j is on (off the sliding set).
    func sign(of j: Int) -> Double {
        j < surfaceCount ? Side(gate: mode.gates[j]).sign : watchedSides[j - surfaceCount].sign
    }

    /// F, the solved gates of the sliding set, g, h and their rates at `x` into the given buffers.
    ///
    /// - Returns: false when the sliding set's equivalent control is singular there.
    func evaluate(at x: UnsafePointer<Double>, field: UnsafeMutablePointer<Double>, gates: UnsafeMutablePointer<Double>,
                  values: UnsafeMutablePointer<Double>, rates: UnsafeMutablePointer<Double>) -> Bool {
        if let screened, let narrowing {
            guard mode.evaluate(at: x, field: field, switching: nil, gatesUsed: gates) else { return false }
            for j in screened where j < surfaceCount { values[j] = narrowing.switchingValue(of: j, at: x) }
        } else {
            guard mode.evaluate(at: x, field: field, switching: values, gatesUsed: gates) else { return false }
        }
        writeSurfaceRates(at: x, along: field, into: rates)
        if let watched {
            watched.values(at: x, into: values + surfaceCount)
            watched.rates(at: x, velocity: field, into: rates + surfaceCount)
        }
        return true
    }

    /// ġ along `velocity` at x into `rates`: the screened surfaces' alone when narrowed.
    private func writeSurfaceRates(at x: UnsafePointer<Double>, along velocity: UnsafePointer<Double>,
                                   into rates: UnsafeMutablePointer<Double>) {
        guard let screened, let narrowing else {
            mode.system.switchingRates(at: x, velocity: velocity, into: rates)
            return
        }
        for j in screened where j < surfaceCount { rates[j] = narrowing.switchingRate(of: j, at: x, velocity: velocity) }
    }

    /// For a `SurfaceNarrowingSystem`, sets the screened functions for the mode as it now
    /// is: the system's candidates for the pattern, the sliding set, `extra` (the surfaces in
    /// exit bands and the departing functions, whose marks must be kept up) and every watched
    /// function; and writes their values and rates at the current state along the current
    /// field (the current buffers must hold the mode's evaluation there, but those only for
    /// the functions screened before; a sliding surface was screened before). When the
    /// system stops narrowing, the current state is evaluated whole again (the same mode:
    /// the same field, to the bit). Called at the start and after every event, before the
    /// state's signed distances are read. Allocates (at events only).
    func narrowScreenedFunctions(adding extra: () -> [Int]) {
        guard let narrowing else { return }
        var functions: [Int] = []
        guard narrowing.candidateSurfaces(for: mode.pattern, at: workspace.state, into: &functions) else {
            if screened != nil {
                screened = nil
                let w = workspace
                _ = evaluate(at: w.state, field: w.field, gates: w.gates, values: w.values, rates: w.rates)
            }
            return
        }
        for j in mode.slidingSurfaces { functions += mode.groups.members(of: j) }
        functions += extra()
        functions += surfaceCount..<functionCount
        functions.sort()
        var unique: [Int] = []
        unique.reserveCapacity(functions.count)
        for j in functions where unique.last != j { unique.append(j) }
        screened = unique
        let w = workspace
        for j in unique where j < surfaceCount { w.values[j] = narrowing.switchingValue(of: j, at: w.state) }
        writeSurfaceRates(at: w.state, along: w.field, into: w.rates)
    }

    /// Evaluates the current state into the current buffers (its signed distances are read
    /// from them, `currentDistance`).
    ///
    /// - Throws: `singularSlidingSystem` (an accepted state must have a sliding field);
    ///   `nonFiniteState` when x or F(x) has a NaN or infinite component (an overflow: GSL's
    ///   error test compares with NaN as false, so it would accept such steps).
    func evaluateCurrentState(at t: Double) throws(FlowError) {
        let w = workspace
        guard evaluate(at: w.state, field: w.field, gates: w.gates, values: w.values, rates: w.rates) else {
            throw .singularSlidingSystem(surfaces: mode.slidingSurfaces, t: t)
        }
        try finishCurrentState(at: t)
    }

    /// Makes the trial evaluation the current one, for a current state just set to the trial
    /// state in the same mode: what `evaluateCurrentState` would compute, without the O(m)
    /// evaluation of F, g and their rates again (the trial buffers are left with the previous
    /// evaluation, `FlowWorkspace.adoptTrialGatesValuesAndRates`).
    func adoptTrialEvaluation(at t: Double) throws(FlowError) {
        let w = workspace
        w.field.update(from: w.trialField, count: w.dimension)
        w.adoptTrialGatesValuesAndRates()
        try finishCurrentState(at: t)
    }

    /// The finiteness check of the current evaluation: all that `evaluateCurrentState` would
    /// add where the current buffers hold the mode already and only sides changed since (a
    /// watched function crossed), its signed distances being read from them as they are.
    func finishCurrentState(at t: Double) throws(FlowError) {
        let w = workspace
        for i in 0..<w.dimension where !w.state[i].isFinite || !w.field[i].isFinite {
            let (what, value) = w.state[i].isFinite ? ("field", w.field[i]) : ("state", w.state[i])
            throw .nonFiniteState(t: t, cause: "\(what) component \(i) is \(value)")
        }
    }

    /// One evaluation's values, rates and solved gates, to read signed distances from.
    struct EvaluationBuffers {
        let values: UnsafePointer<Double>
        let rates: UnsafePointer<Double>
        let gates: UnsafePointer<Double>
    }

    /// The current evaluation's buffers. A loop over many functions reads them once: the
    /// workspace exchanges them between evaluations, so each read is an exclusivity check.
    var current: EvaluationBuffers {
        let w = workspace
        return EvaluationBuffers(values: w.values, rates: w.rates, gates: w.gates)
    }

    /// The trial evaluation's buffers (`current`'s counterpart).
    var trial: EvaluationBuffers {
        let w = workspace
        return EvaluationBuffers(values: w.trialValues, rates: w.trialRates, gates: w.trialGates)
    }

    /// d_j and ḋ_j at the current state, in the mode as it is (`distance(of:in:)`).
    @inline(__always)
    func currentDistance(of j: Int) -> (distance: Double, rate: Double) { distance(of: j, in: current) }

    /// The signed distance d_j of function j and its rate ḋ_j (NaN for a gate slid on) in the
    /// evaluation `buffers` holds: ±g_j and ±ġ_j with the pattern's side off the sliding set,
    /// the solved gate's distance from its nearest edge on it, ±h with the watched side.
    @inline(__always)
    func distance(of j: Int, in buffers: EvaluationBuffers) -> (distance: Double, rate: Double) {
        if j >= surfaceCount {
            let sign = watchedSides[j - surfaceCount].sign
            return (sign * buffers.values[j], sign * buffers.rates[j])
        }
        if mode.isSliding[j] {
            let s = buffers.gates[j]
            return (min(s, 1 - s), .nan)
        }
        let sign = mode.gates[j] > 0.5 ? 1.0 : -1.0
        return (sign * buffers.values[j], sign * buffers.rates[j])
    }

    /// The pattern's sides of surfaces j ..< j + 8 as ±1: the signs of their d off the
    /// sliding set, eight at a time.
    @inline(__always)
    func patternSigns(at j: Int) -> SIMD8<Double> {
        let gates = UnsafeRawPointer(mode.gates + j).loadUnaligned(as: SIMD8<Double>.self)
        return SIMD8<Double>(repeating: -1).replacing(with: 1, where: gates .> 0.5)
    }

    /// d and ḋ of `functions` alone in `buffers`, `distances[c]` and `rates[c]` for
    /// j = functions[c].
    func distances(of functions: [Int], in buffers: EvaluationBuffers, into distances: inout [Double],
                   rateInto rates: inout [Double]) {
        for (c, j) in functions.enumerated() { (distances[c], rates[c]) = distance(of: j, in: buffers) }
    }

    /// The current state's signed distances and rates into `distanceStart` and
    /// `distanceRateStart`, as a step starts from it: of the screened functions alone when
    /// narrowed, eight surfaces at a time (the same products) when nothing slides.
    func writeStepStartDistances() {
        let w = workspace, current = current, d = w.distanceStart, dr = w.distanceRateStart
        @inline(__always) func write(_ j: Int) { (d[j], dr[j]) = distance(of: j, in: current) }
        if let screened {
            for j in screened where j < surfaceCount { write(j) }
        } else if mode.slidingSurfaces.isEmpty {
            var j = 0
            while j + 8 <= surfaceCount {
                let sign = patternSigns(at: j)
                UnsafeMutableRawPointer(d + j).storeBytes(
                    of: sign * UnsafeRawPointer(current.values + j).loadUnaligned(as: SIMD8<Double>.self),
                    as: SIMD8<Double>.self)
                UnsafeMutableRawPointer(dr + j).storeBytes(
                    of: sign * UnsafeRawPointer(current.rates + j).loadUnaligned(as: SIMD8<Double>.self),
                    as: SIMD8<Double>.self)
                j += 8
            }
            for j in j..<surfaceCount { write(j) }
        } else {
            for j in 0..<surfaceCount { write(j) }
        }
        for j in surfaceCount..<functionCount { write(j) }
    }

    /// Evaluates the re-stepped trial state into the trial buffers.
    func evaluateTrialState(at t: Double) throws(FlowError) {
        let w = workspace
        guard evaluate(at: w.trialState, field: w.trialField, gates: w.trialGates, values: w.trialValues,
                       rates: w.trialRates) else {
            throw .singularSlidingSystem(surfaces: mode.slidingSurfaces, t: t)
        }
    }

    /// The rates ḋ_j of the sliding gates among `functions` at the trial state, into `rates`
    /// (which `distance(of:in:)` leaves NaN there), by central differences along the trial's
    /// field F: ṡ_j ≈ (s_j(x + hF) − s_j(x − hF)) / 2h, the equivalent control solved at
    /// both points (its rate is ∇s_j·F; F is tangent to S, so both points lie on S to
    /// O(h²), on it exactly for affine surfaces). The error is O(h²) relative to the gate's
    /// own time scale, which the step resolves, plus the gate's rounding over h: with h a
    /// thousandth of the step, about 1e-6 of ṡ_j, enough for Newton's iteration on the exit
    /// time (`EventLocator`). Two evaluations when some function is a sliding gate, else none.
    /// `rates[c]` is function `functions[c]`'s.
    func writeGateRates(of functions: [Int], difference h: Double, into rates: inout [Double]) {
        let w = workspace, sliding = functions.indices.filter { isSliding(functions[$0]) }
        guard !sliding.isEmpty, h > 0 else { return }
        var plus = [Double](repeating: 0, count: sliding.count)
        for sign in [1.0, -1.0] {
            for r in 0..<w.dimension { shiftedState[r] = w.trialState[r] + sign * h * w.trialField[r] }
            guard mode.evaluate(at: shiftedState, field: shiftedField, switching: nil, gatesUsed: shiftedGates) else { return }
            for (k, c) in sliding.enumerated() {
                let j = functions[c]
                if sign > 0 {
                    plus[k] = shiftedGates[j]
                } else {
                    let rate = (plus[k] - shiftedGates[j]) / (2 * h)
                    rates[c] = w.trialGates[j] < 0.5 ? rate : -rate
                }
            }
        }
    }
}
