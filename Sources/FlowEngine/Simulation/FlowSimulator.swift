/// Integrates a `PiecewiseSmoothSystem` with GSL as a Filippov system and records every
/// surface transition.
///
/// One accepted step at a time: after each step the watched functions at both ends, with
/// their rates, are screened for an event: a switching function whose sign disagrees with
/// its gate, a `HermiteScreen` dip confirmed by re-stepping, or a sliding gate that left
/// [0, 1]. The earliest event is located by `EventLocator`, the state is re-stepped to it,
/// the new mode follows from the one-sided normal speeds (`SurfaceClassifier`), the
/// integrator is reset and the run goes on from the event; the rest of the step is
/// discarded. While sliding, the field is the equivalent control of `ModeField`, and the
/// state is projected back onto the surfaces after every step.
///
/// A simulator runs once.
public final class FlowSimulator<System: PiecewiseSmoothSystem> {
    public let problem: FlowProblem<System>
    public let options: FlowOptions

    private let mode: ModeField<System>
    private let workspace: FlowWorkspace
    private let integrator: GSLIntegrator
    private let locator: EventLocator
    private var timeline: [TimelineEvent] = []
    private var observer = FlowObserver()
    private var time = 0.0
    private var statistics = FlowStatistics()
    private var lastEventTime = -Double.infinity
    private var eventsInAccumulation = 0
    private var stalledStepCount = 0
    /// The index of the next output time not yet reached.
    private var nextOutput = 0
    /// Surfaces the state sits on after an event without having moved clear of them (a
    /// slide exit, which leaves tangentially, or a grazing touch): a wrong-side value counts
    /// as a crossing only while moving further the wrong way, until the surface is clear.
    private var isDeparting: [Bool]
    /// The last few contact times of each surface, for the chattering guard.
    private var recentContacts: [[Double]]

    /// Events closer together than ten event-time tolerances, this many times in a row,
    /// count as accumulation.
    static var accumulationLimit: Int { 1000 }
    /// Accepted steps no longer than 16 ulps of t, this many in a row, count as a stall.
    static var stallLimit: Int { 100 }
    /// A surface met this many times within `chatteringWindow` tolerances chatters.
    static var chatteringContacts: Int { 8 }
    static var chatteringWindow: Double { 1000 }

    public init(problem: FlowProblem<System>, options: FlowOptions = FlowOptions()) throws(FlowError) {
        try problem.validate()
        try options.validate()
        self.problem = problem
        self.options = options
        let system = problem.system
        let mode = ModeField(system: system)
        self.mode = mode
        workspace = FlowWorkspace(dimension: system.dimension, surfaceCount: system.surfaceCount)
        locator = EventLocator(surfaceCount: system.surfaceCount)
        isDeparting = Array(repeating: false, count: system.surfaceCount)
        recentContacts = Array(repeating: [], count: system.surfaceCount)

        let dimension = system.dimension
        let field: GSLFieldFunction = { y, dydt in
            // A singular equivalent control at a trial stage (a stage of a step too long
            // for the mode, far off the surfaces) is GSL's to fix by shrinking the step;
            // at an accepted state `evaluateCurrentState` reports it.
            guard mode.evaluate(at: y, field: dydt, switching: nil) else { return .recoverable }
            for i in 0..<dimension where !dydt[i].isFinite { return .recoverable }
            return .success
        }
        // The model's exact Jacobian holds for fixed gates; while sliding the gates depend
        // on x, so differences of the sliding field are used instead.
        let exact = system as? any JacobianProvidingSystem
        let differences = FiniteDifferenceJacobian(dimension: dimension)
        let jacobian: GSLJacobianFunction = { y, matrix in
            if let exact, mode.slidingSurfaces.isEmpty {
                exact.jacobian(at: y, gates: mode.gates, into: matrix)
            } else {
                differences.evaluate(at: y, into: matrix) { x, f in _ = field(x, f) }
            }
        }
        let scaled = system as? any ErrorScaledSystem
        let errorScale: GSLErrorScaleFunction? = scaled.map { scaled in { x, scales in scaled.errorScales(at: x, into: scales) } }
        do {
            integrator = try GSLIntegrator(
                stepper: options.stepper, dimension: dimension,
                relativeTolerance: options.relativeTolerance, absoluteTolerance: options.absoluteTolerance,
                initialStep: options.initialStep ?? 1e-3 * min(1, problem.endTime), field: field, jacobian: jacobian,
                errorScale: errorScale)
        } catch {
            throw .integrator(error)
        }
    }

    /// Runs from t = 0 to `problem.endTime`.
    ///
    /// - Returns: the result, also when the run failed part way: then `termination` says
    ///   where and why, and the state, timeline and statistics are those reached.
    public func run(observer: FlowObserver = FlowObserver()) -> FlowResult {
        self.observer = observer
        let w = workspace
        for (i, value) in problem.initialState.enumerated() { w.state[i] = value }
        time = 0
        let termination: Termination
        do throws(FlowError) {
            try startOnSurfaces()
            try evaluateCurrentState()
            notifyAdvance()
            var h = options.initialStep ?? 1e-3 * min(1, problem.endTime)
            var wasInterrupted = false, isSteady = false
            while time < problem.endTime {
                guard integrator.acceptedStepCount < options.maxSteps else {
                    throw .stepLimitExceeded(count: options.maxSteps, t: time)
                }
                try advanceOneStep(h: &h)
                if observer.shouldStop?() == true {
                    wasInterrupted = true
                    break
                }
                if isAtSteadyState() {
                    isSteady = true
                    break
                }
            }
            termination = wasInterrupted ? .interrupted : (isSteady ? .reachedSteadyState : .reachedEndTime)
        } catch {
            termination = .failed(error)
        }
        statistics.stepCount = integrator.acceptedStepCount
        statistics.failedStepCount = integrator.failedStepCount
        statistics.rhsEvaluationCount = mode.evaluationCount
        statistics.restepCount = integrator.restepCount
        statistics.eventCount = timeline.count
        return FlowResult(
            finalTime: time,
            finalState: Array(UnsafeBufferPointer(start: w.state, count: w.dimension)),
            finalGates: Array(UnsafeBufferPointer(start: mode.gates, count: w.surfaceCount)),
            timeline: timeline, statistics: statistics, termination: termination)
    }

    // MARK: - Steps

    /// Sets the gates from the signs of g(x0); surfaces with g_j(x0) = 0 exactly are
    /// contacts at t = 0, decided by the same rules as any crossing and recorded.
    private func startOnSurfaces() throws(FlowError) {
        let w = workspace
        mode.evaluate(at: w.state, field: w.field, switching: w.switching)
        var contacts: [Int] = []
        for j in 0..<w.surfaceCount {
            mode.gates[j] = w.switching[j] > 0 ? 1 : 0
            if w.switching[j] == 0 { contacts.append(j) }
        }
        if !contacts.isEmpty { try resolveContact(contacts, recordingEverySurface: true) }
    }

    private func advanceOneStep(h: inout Double) throws(FlowError) {
        let w = workspace
        let t0 = time
        w.stepStart.update(from: w.state, count: w.dimension)
        w.distanceStart.update(from: w.distanceEnd, count: w.surfaceCount)
        w.distanceRateStart.update(from: w.distanceRateEnd, count: w.surfaceCount)
        let stepLimit = nextOutput < problem.outputTimes.count ? problem.outputTimes[nextOutput] : problem.endTime
        do {
            try integrator.step(t: &time, until: stepLimit, h: &h, state: w.state)
        } catch {
            time = t0
            w.state.update(from: w.stepStart, count: w.dimension)
            throw failure(from: error, t: t0)
        }
        let t1 = time
        try guardAgainstStalling(stepLength: t1 - t0)
        try evaluateCurrentState()
        if !mode.slidingSurfaces.isEmpty {
            statistics.slidingStepCount += 1
            let drift = mode.projectOntoSlidingSurfaces(w.state, switching: w.switching)
            statistics.maxSlidingDrift = max(statistics.maxSlidingDrift, drift)
            if drift > 0 {
                // The state moved under the integrator: its carried derivative is stale.
                integrator.forgetDerivative()
                try evaluateCurrentState()
            }
        }

        guard let (hi, candidates) = try screenStep(from: t0, to: t1) else {
            clearDepartures()
            notifyAdvance()
            reportOutputTimesReached()
            return
        }
        let (eventTime, crossed) = try locator.locate(
            lo: t0, hi: hi, distancesAtLo: w.distanceStart, distancesAtHi: w.distanceHi,
            candidates: candidates, tolerance: options.eventTimeTolerance,
            firstEstimate: hi == time ? hermiteCrossing(of: candidates, from: t0, to: hi) : nil
        ) { (t: Double, distances: UnsafeMutablePointer<Double>) throws(FlowError) in
            try self.probe(at: t, from: t0)
            self.signedDistances(switching: self.workspace.trialSwitching, rates: nil, into: distances, rateInto: nil)
        }
        try restep(from: t0, to: eventTime, into: w.state)
        time = eventTime
        try evaluateCurrentState()
        let contacts = crossed + surfacesAboutToCross(excluding: crossed)
        try resolveContact(contacts, recordingEverySurface: false)
        try guardAgainstChattering(at: contacts)
        integrator.reset()
        try evaluateCurrentState()
        try guardAgainstAccumulation()
        notifyAdvance()
        reportOutputTimesReached()
    }

    /// Steps end exactly at output times (an event can only end one earlier), so a reached
    /// output time is one equal to the current time.
    private func reportOutputTimesReached() {
        while nextOutput < problem.outputTimes.count, problem.outputTimes[nextOutput] <= time {
            observer.didReachOutputTime?(time, UnsafeBufferPointer(start: workspace.state, count: workspace.dimension))
            nextOutput += 1
        }
    }

    /// ‖F‖∞ ≤ tol·max(1, ‖x‖∞) at the current state, for `FlowOptions.steadyStateTolerance`.
    private func isAtSteadyState() -> Bool {
        guard let tolerance = options.steadyStateTolerance else { return false }
        let w = workspace
        var speed = 0.0, size = 1.0
        for i in 0..<w.dimension {
            speed = max(speed, abs(w.field[i]))
            size = max(size, abs(w.state[i]))
        }
        return speed <= tolerance * size
    }

    /// Evaluates F, g, ġ and the signed distances at the current state into the
    /// workspace's step-end buffers.
    private func evaluateCurrentState() throws(FlowError) {
        let w = workspace
        guard mode.evaluate(at: w.state, field: w.field, switching: w.switching) else {
            throw .singularSlidingSystem(surfaces: mode.slidingSurfaces, t: time)
        }
        mode.system.switchingRates(at: w.state, velocity: w.field, into: w.rates)
        signedDistances(switching: w.switching, rates: w.rates, into: w.distanceEnd, rateInto: w.distanceRateEnd)
    }

    /// What each watched function's sign means in the current mode:
    /// d_j = ±g_j (positive on the side of the gate) off the sliding set, and
    /// d_j = min(s_j, 1 − s_j) on it (negative once the sliding gate left [0, 1]; no rate).
    private func signedDistances(switching g: UnsafePointer<Double>, rates r: UnsafePointer<Double>?,
                                 into d: UnsafeMutablePointer<Double>, rateInto dr: UnsafeMutablePointer<Double>?) {
        for j in 0..<workspace.surfaceCount {
            let s = mode.gates[j]
            if mode.isSliding[j] {
                d[j] = min(s, 1 - s)
                dr?[j] = .nan
            } else {
                let sign = s > 0.5 ? 1.0 : -1.0
                d[j] = sign * g[j]
                if let r { dr?[j] = sign * r[j] }
            }
        }
    }

    /// Finds the functions that may have changed sign in [t0, t1].
    ///
    /// - Returns: nil when none did; otherwise the far end of the bracket to refine (t1,
    ///   or the earliest re-stepped time that confirms a double crossing) with the signed
    ///   distances there in `workspace.distanceHi`, and the functions on the far side.
    private func screenStep(from t0: Double, to t1: Double) throws(FlowError) -> (Double, [Int])? {
        let w = workspace
        let stepLength = t1 - t0
        var signChanged = false
        var witnessTime: Double?
        for j in 0..<w.surfaceCount {
            let d0 = w.distanceStart[j], d1 = w.distanceEnd[j]
            if d1 < 0 {
                if isFalseAlarm(j) { continue }
                signChanged = true
                continue
            }
            guard !mode.isSliding[j], d0 > 0, d1 > 0,
                  let dip = HermiteScreen.interiorDip(
                    start: d0, end: d1, startSlope: stepLength * w.distanceRateStart[j],
                    endSlope: stepLength * w.distanceRateEnd[j])
            else { continue }
            if let witness = try confirmDoubleCrossing(of: j, from: t0, to: t1, nearFraction: dip.fraction),
               witness < (witnessTime ?? .infinity) {
                witnessTime = witness
            }
        }
        if let witnessTime {
            try probe(at: witnessTime, from: t0)
            signedDistances(switching: w.trialSwitching, rates: nil, into: w.distanceHi, rateInto: nil)
            // The probe changed the solved gates; the step end's are restored below.
            try evaluateCurrentState()
            return (witnessTime, (0..<w.surfaceCount).filter { w.distanceHi[$0] <= 0 })
        }
        guard signChanged else { return nil }
        w.distanceHi.update(from: w.distanceEnd, count: w.surfaceCount)
        return (t1, (0..<w.surfaceCount).filter { w.distanceEnd[$0] < 0 && !isFalseAlarm($0) })
    }

    /// The earliest crossing time in (t0, t1) of the candidates' cubic Hermite interpolants
    /// (`HermiteScreen.crossing`), from d and ḋ at both step ends; surfaces slid on have no
    /// rate and are left to the secant.
    private func hermiteCrossing(of candidates: [Int], from t0: Double, to t1: Double) -> Double? {
        let w = workspace, stepLength = t1 - t0
        var earliest: Double?
        for j in candidates where !mode.isSliding[j] {
            guard let fraction = HermiteScreen.crossing(
                start: w.distanceStart[j], end: w.distanceEnd[j], startSlope: stepLength * w.distanceRateStart[j],
                endSlope: stepLength * w.distanceRateEnd[j]) else { continue }
            earliest = min(earliest ?? .infinity, t0 + fraction * stepLength)
        }
        return earliest
    }

    /// Whether a negative distance at the step end is rounding, not an event: a surface
    /// left tangentially that still moves back to its side, or a sliding gate less than
    /// `EventTolerance.gate` outside [0, 1].
    private func isFalseAlarm(_ j: Int) -> Bool {
        let w = workspace
        if mode.isSliding[j] { return w.distanceEnd[j] >= -options.eventTimeTolerance.gate }
        return isDeparting[j] && w.distanceRateEnd[j] > 0
    }

    /// Re-steps towards the Hermite minimum of surface j, then follows the secant of its
    /// rate ḋ_j, looking for a time with d_j < 0.
    /// - Returns: such a time, or nil when the re-stepped values stay positive (a near
    ///   miss that the interpolant exaggerated).
    private func confirmDoubleCrossing(of j: Int, from t0: Double, to t1: Double, nearFraction fraction: Double)
        throws(FlowError) -> Double?
    {
        let w = workspace
        let sign = mode.gates[j] > 0.5 ? 1.0 : -1.0
        var (a, rateA) = (t0, w.distanceRateStart[j])
        var (b, rateB) = (t1, w.distanceRateEnd[j])
        var t = t0 + fraction * (t1 - t0)
        defer { _ = try? evaluateCurrentState() }
        for _ in 0..<4 {
            try probe(at: t, from: t0)
            if sign * w.trialSwitching[j] < 0 { return t }
            let rate = sign * w.trialRates[j]
            if rate < 0 { (a, rateA) = (t, rate) } else { (b, rateB) = (t, rate) }
            guard rateA < 0, rateB > 0 else { return nil }
            t = a + (b - a) * (-rateA) / (rateB - rateA)
        }
        return nil
    }

    /// Surfaces not yet crossed that will cross within one event-time tolerance: they
    /// belong to the same event.
    private func surfacesAboutToCross(excluding crossed: [Int]) -> [Int] {
        let w = workspace
        let tolerance = options.eventTimeTolerance.time(near: time)
        var result: [Int] = []
        for j in 0..<w.surfaceCount where !crossed.contains(j) && !mode.isSliding[j] {
            let d = w.distanceEnd[j], rate = w.distanceRateEnd[j]
            if d > 0, rate < 0, d <= -rate * tolerance { result.append(j) }
        }
        return result
    }

    private func clearDepartures() {
        for j in 0..<workspace.surfaceCount where isDeparting[j] && workspace.distanceEnd[j] > 0 {
            isDeparting[j] = false
        }
    }

    // MARK: - Contacts

    /// What a surface does in a mode: the flow is on one side of it, or slides on it.
    private enum SurfaceState: Equatable {
        case on(Side)
        case sliding
    }

    private func surfaceState(_ j: Int) -> SurfaceState {
        mode.isSliding[j] ? .sliding : .on(Side(gate: mode.gates[j]))
    }

    /// Decides the mode after the surfaces `contacts` were met at the current state, and
    /// records a timeline entry for each surface whose state changed.
    ///
    /// Each contact is classified from its one-sided normal speeds, computed with the rest
    /// of the mode as it stands (a sliding set keeps solving its gates): crossing to one
    /// side, or attracting (it joins the sliding set). Repelling and tangential contacts
    /// are consistent on either side, so they keep the side they are on, and so does a
    /// contact whose own side's field is tangent (σ = 0 there, the other side leaving); only a contact
    /// with no side yet (a start on the surface) takes `options.repellingRule`'s side,
    /// recorded as a choice, or, if tangential, the side of g. A start where one side's
    /// field is tangent and the other leaves (σ− = 0 < σ+, as where every gated term
    /// vanishes on the surface, or σ− < 0 = σ+) is non-unique too and also follows the rule. Contacts are decided
    /// Gauss–Seidel until none changes, and a surface slid on whose solved gate has left
    /// [0, 1] leaves to that side and becomes a contact itself, so the mode found is
    /// consistent as a whole (codimension ≥ 2 included).
    ///
    /// - Throws: `inconsistentSwitching` when the mode does not settle;
    ///   `singularSlidingSystem`; `repellingSurface` under `RepellingSurfaceRule.fail`.
    private func resolveContact(_ initialContacts: [Int], recordingEverySurface: Bool) throws(FlowError) {
        let w = workspace
        var contacts = initialContacts.sorted()
        var previous = Dictionary(uniqueKeysWithValues: contacts.map { ($0, surfaceState($0)) })
        var undecided = Set(recordingEverySurface ? contacts : [])
        var speeds = [Int: (negative: Double, positive: Double)]()
        var choices = Set<Int>()
        let passLimit = 2 * contacts.count + 4
        var settled = false
        for _ in 0..<passLimit {
            var changed = false
            for j in contacts {
                let before = surfaceState(j)
                if mode.isSliding[j] { apply(.on(Side(gate: mode.gates[j])), to: j) }
                let (negative, positive) = try normalSpeeds(of: j)
                speeds[j] = (negative, positive)
                let after: SurfaceState
                let isNonUnique = undecided.contains(j) && negative <= 0 && positive >= 0 && (negative < 0 || positive > 0)
                switch SurfaceClassifier.classify(negativeSideSpeed: negative, positiveSideSpeed: positive) {
                case .crossing where isNonUnique:
                    // Starting on the surface with one side's field tangent and the other
                    // leaving (e.g. where the gated terms vanish): staying and leaving both solve the
                    // inclusion, so the rule decides, as for a repelling surface.
                    guard let side = options.repellingRule.side else { throw .repellingSurface(surface: j, t: time) }
                    choices.insert(j)
                    after = .on(side)
                case .crossing(let side):
                    // The side the flow is on has a tangent field there (σ = 0): staying is a
                    // solution as much as leaving, so the flow stays, as on a repelling
                    // surface. This is a coordinate frozen at zero, whose negative-side
                    // field has no normal component at all.
                    if !undecided.contains(j), case .on(let current) = before, current != side,
                       SurfaceClassifier.isNegligible(current == .negative ? negative : positive,
                                                      comparedTo: current == .negative ? positive : negative) {
                        after = before
                    } else {
                        after = .on(side)
                    }
                case .attractingSliding: after = .sliding
                case .repelling:
                    if !undecided.contains(j), case .on = before {
                        after = before
                    } else {
                        guard let side = options.repellingRule.side else { throw .repellingSurface(surface: j, t: time) }
                        choices.insert(j)
                        after = .on(side)
                    }
                case .tangential:
                    if !undecided.contains(j), case .on = before {
                        after = before
                    } else {
                        after = .on(w.switching[j] > 0 ? .positive : .negative)
                    }
                }
                undecided.remove(j)
                apply(after, to: j)
                if after != before { changed = true }
            }
            // Surfaces slid on whose gates left [0, 1] leave to that side.
            try evaluateCurrentState()
            let margin = options.eventTimeTolerance.gate
            for j in mode.slidingSurfaces where mode.gates[j] < -margin || mode.gates[j] > 1 + margin {
                if previous[j] == nil {
                    previous[j] = .sliding
                    contacts.append(j)
                }
                apply(.on(mode.gates[j] > 1 ? .positive : .negative), to: j)
                changed = true
            }
            if !changed {
                settled = true
                break
            }
            try evaluateCurrentState()
        }
        guard settled else { throw .inconsistentSwitching(surfaces: contacts, t: time) }
        for j in contacts.sorted() {
            let after = surfaceState(j)
            // A contact that keeps its side while the state sits a hair across the surface
            // (a grazing touch) returns on its own: watch it like a surface just left.
            if case .on = after, workspace.distanceEnd[j] <= 0 { isDeparting[j] = true }
            guard recordingEverySurface || after != previous[j] else { continue }
            let speed = speeds[j] ?? (0, 0)
            let kind: TimelineEvent.Kind
            switch (previous[j]!, after) {
            case (_, .sliding): kind = .slideStart
            case (.sliding, .on(let side)):
                kind = .slideEnd(exit: side)
            case (.on, .on(let side)): kind = choices.contains(j) ? .choice(into: side) : .crossing(into: side)
            }
            if case .crossing = kind { isDeparting[j] = false }
            record(TimelineEvent(time: time, surface: j, kind: kind, negativeSideSpeed: speed.negative,
                                     positiveSideSpeed: speed.positive, gate: mode.gates[j]))
        }
    }

    /// σ− = ∇g_j·F(x, s_j = 0) and σ+ = ∇g_j·F(x, s_j = 1) for the rest of the mode as it is.
    private func normalSpeeds(of j: Int) throws(FlowError) -> (Double, Double) {
        let w = workspace
        let gate = mode.gates[j]
        defer { mode.gates[j] = gate }
        var speeds = (0.0, 0.0)
        for side in [Side.negative, .positive] {
            mode.gates[j] = side.gate
            guard mode.evaluate(at: w.state, field: w.trialField, switching: nil) else {
                throw .singularSlidingSystem(surfaces: mode.slidingSurfaces, t: time)
            }
            mode.system.switchingRates(at: w.state, velocity: w.trialField, into: w.trialRates)
            if side == .negative { speeds.0 = w.trialRates[j] } else { speeds.1 = w.trialRates[j] }
        }
        return speeds
    }

    private func apply(_ state: SurfaceState, to j: Int) {
        switch state {
        case .sliding:
            if !mode.isSliding[j] { mode.setSlidingSurfaces(mode.slidingSurfaces + [j]) }
        case .on(let side):
            if mode.isSliding[j] { mode.setSlidingSurfaces(mode.slidingSurfaces.filter { $0 != j }) }
            mode.gates[j] = side.gate
        }
    }

    private func record(_ event: TimelineEvent) {
        timeline.append(event)
        observer.didRecordEvent?(event, UnsafeBufferPointer(start: workspace.state, count: workspace.dimension))
    }

    /// The chattering guard: a surface met `chatteringContacts` times within
    /// `chatteringWindow` event-time tolerances is made to slide, with a `chattering`
    /// entry, if its equivalent control is valid there; otherwise the run stops with
    /// `eventAccumulation`. With a field affine in its gates the one-sided speeds decide
    /// every contact exactly, so this catches what they cannot: a system whose field also
    /// switches on something other than its gates, or speeds lost in rounding.
    private func guardAgainstChattering(at contacts: [Int]) throws(FlowError) {
        let window = Self.chatteringWindow * options.eventTimeTolerance.time(near: time)
        for j in contacts where !mode.isSliding[j] {
            recentContacts[j] = recentContacts[j].filter { time - $0 <= window } + [time]
            guard recentContacts[j].count >= Self.chatteringContacts else { continue }
            recentContacts[j] = []
            let side = Side(gate: mode.gates[j])
            mode.setSlidingSurfaces(mode.slidingSurfaces + [j])
            guard mode.evaluate(at: workspace.state, field: workspace.trialField, switching: nil),
                  (0...1).contains(mode.gates[j]) else {
                apply(.on(side), to: j)
                throw .eventAccumulation(count: Self.chatteringContacts, t: time)
            }
            try evaluateCurrentState()
            record(TimelineEvent(time: time, surface: j, kind: .chattering, negativeSideSpeed: 0, positiveSideSpeed: 0,
                                 gate: mode.gates[j]))
        }
    }

    /// GSL keeps accepting steps of a few ulps where a field breaks down for some methods
    /// (rk4, bsimp): time creeps on while the state cannot move. Many such steps in a row
    /// mean the tolerance cannot be met.
    private func guardAgainstStalling(stepLength: Double) throws(FlowError) {
        if stepLength <= 16 * time.ulp {
            stalledStepCount += 1
            if stalledStepCount >= Self.stallLimit { throw .stepSizeUnderflow(t: time, h: stepLength) }
        } else {
            stalledStepCount = 0
        }
    }

    private func guardAgainstAccumulation() throws(FlowError) {
        if time - lastEventTime <= 10 * options.eventTimeTolerance.time(near: time) {
            eventsInAccumulation += 1
            if eventsInAccumulation >= Self.accumulationLimit {
                throw .eventAccumulation(count: eventsInAccumulation, t: time)
            }
        } else {
            eventsInAccumulation = 0
        }
        lastEventTime = time
    }

    private func notifyAdvance() {
        observer.didAdvance?(time, UnsafeBufferPointer(start: workspace.state, count: workspace.dimension))
    }

    // MARK: - Evaluation

    /// Re-steps from the current step start to `t` into the trial buffers and evaluates
    /// F, g and ġ there (the solved sliding gates become those of the trial state).
    private func probe(at t: Double, from t0: Double) throws(FlowError) {
        let w = workspace
        try restep(from: t0, to: t, into: w.trialState)
        guard mode.evaluate(at: w.trialState, field: w.trialField, switching: w.trialSwitching) else {
            throw .singularSlidingSystem(surfaces: mode.slidingSurfaces, t: t)
        }
        mode.system.switchingRates(at: w.trialState, velocity: w.trialField, into: w.trialRates)
    }

    private func restep(from t0: Double, to t: Double, into result: UnsafeMutablePointer<Double>) throws(FlowError) {
        do {
            try integrator.restep(from: t0, state: workspace.stepStart, size: t - t0, into: result)
        } catch {
            throw failure(from: error, t: t0)
        }
    }

    private func failure(from error: GSLError, t: Double) -> FlowError {
        switch error.status {
        case GSLError.failure: .stepSizeUnderflow(t: t, h: error.h ?? 0)
        case GSLError.domainError: .nonFiniteField(t: t)
        default: .integrator(error)
        }
    }
}
