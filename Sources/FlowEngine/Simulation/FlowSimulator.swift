/// Integrates a `PiecewiseSmoothSystem` with GSL as a Filippov system and records every
/// surface transition and every crossing of a watched function: the driver loop.
///
/// Assumes: a valid problem and options (checked in `init`).
/// Guarantees: one accepted step at a time, the step is screened (`StepScreen`); the
/// earliest event is located by re-stepping (`EventLocator`), the state is re-stepped to
/// it, the surfaces met are resolved into a new mode (`ContactResolver`), watched
/// functions met change sides, the run guards are consulted (`RunGuards`), the integrator
/// is reset and the run goes on from the event; the rest of the step is discarded. While
/// sliding, the field is the equivalent control of `ModeField`, and the state is projected
/// back onto the surfaces after every step. Outcomes (end time, steady state, interruption,
/// failure) come back in the `FlowResult`, with everything computed up to then.
///
/// A simulator runs once: a second `run` is a programmer error (`precondition`).
public final class FlowSimulator<System: PiecewiseSmoothSystem> {
    public let problem: FlowProblem<System>
    public let options: FlowOptions

    private let mode: ModeField<System>
    private let workspace: FlowWorkspace
    private let evaluator: StateEvaluator<System>
    private let screen: StepScreen<System>
    private let resolver: ContactResolver<System>
    private let band: ResolutionBand<System>
    private let locator: EventLocator
    private let integrator: StiffSwitchingIntegrator<System>
    private var guards: RunGuards
    private var timeline: [TimelineEvent] = []
    private var observer = FlowObserver()
    private var time = 0.0
    private var statistics = FlowStatistics()
    /// The step start and time of the state in `workspace.trialState`, when a probe put it there.
    private var lastProbe: (start: Double, time: Double)?
    /// The index of the next output time not yet reached.
    private var nextOutput = 0
    private var hasRun = false

    public init(problem: FlowProblem<System>, options: FlowOptions = FlowOptions()) throws(FlowError) {
        try problem.validate()
        try options.validate()
        self.problem = problem
        self.options = options
        let system = problem.system
        mode = ModeField(system: system, groups: try SurfaceGroups.of(system))
        workspace = FlowWorkspace(dimension: system.dimension, surfaceCount: system.surfaceCount,
                                  watchedCount: problem.watchedCount)
        evaluator = StateEvaluator(mode: mode, watched: problem.watched, workspace: workspace)
        screen = StepScreen(evaluator: evaluator, gateTolerance: options.eventTimeTolerance.gate)
        band = ResolutionBand(mode: mode, options: options,
                              initialStep: Self.initialStep(options: options, endTime: problem.endTime))
        resolver = ContactResolver(evaluator: evaluator, band: band, repellingRule: options.repellingRule,
                                   gateTolerance: options.eventTimeTolerance.gate)
        locator = EventLocator()
        guards = RunGuards(options: options)
        integrator = try StiffSwitchingIntegrator(mode: mode, options: options,
                                        initialStep: Self.initialStep(options: options, endTime: problem.endTime))
    }

    /// `FlowOptions.initialStep`, else 1e-3·min(1, t_end), which GSL shrinks at once if too large.
    private static func initialStep(options: FlowOptions, endTime: Double) -> Double {
        options.initialStep ?? 1e-3 * min(1, endTime)
    }

    /// Runs from t = 0 to `problem.endTime`. Once only.
    ///
    /// - Returns: the result, also when the run failed part way: then `termination` says
    ///   where and why, and the state, timeline and statistics are those reached.
    public func run(observer: FlowObserver = FlowObserver()) -> FlowResult {
        precondition(!hasRun, "a FlowSimulator runs once; make a new one for another run")
        hasRun = true
        self.observer = observer
        let w = workspace
        for (i, value) in problem.initialState.enumerated() { w.state[i] = value }
        time = 0
        let termination: Termination
        do throws(FlowError) {
            try startOnSurfaces()
            evaluator.narrowScreenedFunctions { self.screenedExtras }
            try evaluator.evaluateCurrentState(at: time)
            notifyAdvance()
            var h = Self.initialStep(options: options, endTime: problem.endTime)
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
        statistics.implicitStepCount = integrator.implicitStepCount
        statistics.stiffChangeCount = integrator.changeCount
        statistics.eventCount = timeline.count
        return FlowResult(
            finalTime: time,
            finalState: Array(UnsafeBufferPointer(start: w.state, count: w.dimension)),
            finalGates: finalGates,
            timeline: timeline, statistics: statistics, termination: termination)
    }

    // MARK: - Steps

    /// Sets the gates from the signs of g(x0) and the watched sides from the signs of
    /// h(x0) (a function exactly 0 counts as negative); surfaces with g_j(x0) = 0 exactly
    /// are contacts at t = 0, decided by the same rules as any crossing and recorded.
    private func startOnSurfaces() throws(FlowError) {
        let w = workspace
        _ = evaluator.evaluate(at: w.state, field: w.field, gates: w.gates, values: w.values, rates: w.rates)
        var contacts: [Int] = []
        for j in 0..<w.surfaceCount {
            mode.setGate(j, to: w.values[j] > 0 ? 1 : 0)
            if w.values[j] == 0 { contacts.append(j) }
        }
        for i in evaluator.watchedSides.indices {
            evaluator.watchedSides[i] = w.values[w.surfaceCount + i] > 0 ? .positive : .negative
        }
        guard !contacts.isEmpty else { return }
        try evaluator.evaluateCurrentState(at: time)
        let resolution = try resolver.resolve(contacts, at: time, isStart: true)
        apply(resolution)
    }

    private func advanceOneStep(h: inout Double) throws(FlowError) {
        let w = workspace
        let t0 = time
        w.stepStart.update(from: w.state, count: w.dimension)
        w.fieldStart.update(from: w.field, count: w.dimension)
        evaluator.writeStepStartDistances()
        let stepLimit = nextOutput < problem.outputTimes.count ? problem.outputTimes[nextOutput] : problem.endTime
        try integrator.step(t: &time, until: stepLimit, h: &h, state: w.state, start: w.stepStart)
        let t1 = time
        band.stepLength = t1 - t0
        try guards.checkStep(length: t1 - t0, endingAt: t1)
        try evaluator.evaluateCurrentState(at: time)
        if !mode.slidingSurfaces.isEmpty {
            statistics.slidingStepCount += 1
            let drift = mode.projectOntoSlidingSurfaces(w.state, switching: w.values)
            statistics.maxSlidingDrift = max(statistics.maxSlidingDrift, drift)
            if drift > 0 {
                // The state moved under the integrator: its carried derivative is stale.
                integrator.forgetDerivative()
                try evaluator.evaluateCurrentState(at: time)
            }
        }
        widenSlideExits()
        let probe = { (t: Double) throws(FlowError) in try self.probe(at: t, from: t0) }
        guard let (hi, candidates, distancesAtHi) = try screen.screen(from: t0, to: t1, probe: probe) else {
            screen.clearDepartures()
            clearExitBands()
            notifyAdvance()
            reportOutputTimesReached()
            return
        }
        let stepEnd = time
        let bracket = try screen.bracketStart(of: candidates, distancesAtHi: distancesAtHi, from: t0, to: time,
                                              before: hi, probe: probe)
        let located = bracket.candidates
        // Candidates already across at t0 have no root in the step: they meet at its end.
        let (eventTime, crossed) = located.isEmpty ? (hi, candidates) : try locator.locate(
            bracket, tolerance: options.eventTimeTolerance,
            firstEstimate: hi == time ? screen.hermiteCrossing(of: located, from: t0, to: hi) : nil
        ) { (t: Double, distances: inout [Double], rates: inout [Double]) throws(FlowError) in
            try probe(t)
            self.evaluator.distances(of: located, in: self.evaluator.trial, into: &distances, rateInto: &rates)
            self.evaluator.writeGateRates(of: located, difference: Self.gateRateDifference * (stepEnd - t0), into: &rates)
        }
        // The next candidate's crossing in this step, by its interpolant: the next step is
        // made to end just past it rather than overshoot it with the rest of the step.
        let nextCrossing = hi == stepEnd
            ? screen.hermiteCrossing(of: candidates.filter { !crossed.contains($0) }, from: t0, to: stepEnd) : nil
        // At the step's own end the state is the accepted one (projected onto the sliding
        // surfaces) and evaluated already; where the last probe re-stepped to the event time,
        // it is that probe's, with its evaluation.
        if let last = lastProbe, last == (t0, eventTime), eventTime != stepEnd {
            w.state.update(from: w.trialState, count: w.dimension)
            time = eventTime
            lastProbe = nil
            try evaluator.adoptTrialEvaluation(at: time)
        } else if eventTime != stepEnd {
            try integrator.restep(from: t0, state: w.stepStart, derivative: w.fieldStart, to: eventTime, into: w.state)
            time = eventTime
            try evaluator.evaluateCurrentState(at: time)
        }
        let contacts = crossed + screen.functionsAboutToCross(
            excluding: crossed, within: options.eventTimeTolerance.time(near: time))
        let surfaces = contacts.filter { !evaluator.isWatched($0) }
        if !surfaces.isEmpty { apply(try resolver.resolve(surfaces, at: time, isStart: false)) }
        crossWatchedFunctions(contacts.filter(evaluator.isWatched).sorted())
        try slideOnChatteringSurfaces(guards.chatteringSurfaces(among: surfaces.sorted().filter { !mode.isSliding[$0] },
                                                                at: time))
        integrator.reset(at: time)
        // The current buffers hold the mode as it now is (the resolver leaves them evaluated
        // in the mode it resolved; without surfaces the mode did not change), and off the
        // sliding set an evaluation in the same mode gives the same bits: only the signed
        // distances of the new sides (watched ones too) are new. With a sliding set it is
        // evaluated again (its solve order may have changed with the mode).
        evaluator.narrowScreenedFunctions { self.screenedExtras }
        if mode.slidingSurfaces.isEmpty {
            try evaluator.finishCurrentState(at: time)
        } else {
            try evaluator.evaluateCurrentState(at: time)
        }
        try guards.checkEvent(at: time, surfaces: surfaces)
        if let nextCrossing, nextCrossing - time > 100 * options.eventTimeTolerance.time(near: time) {
            h = min(h, Self.nextCrossingMargin * (nextCrossing - time))
        }
        notifyAdvance()
        reportOutputTimesReached()
    }

    /// Besides a narrowing system's candidates, the functions whose marks need their signed
    /// distances kept: the surfaces in exit bands, the departing functions.
    private var screenedExtras: [Int] { Array(workspace.hysteresis.surfaces) + screen.departingFunctions }

    /// The gates of the last evaluation: the pattern, with the solved gates of the sliding
    /// set (the only ones the current gates buffer holds).
    private var finalGates: [Double] {
        var gates = Array(UnsafeBufferPointer(start: mode.gates, count: workspace.surfaceCount))
        for j in mode.slidingSurfaces {
            for member in mode.groups.members(of: j) { gates[member] = workspace.gates[member] }
        }
        return gates
    }

    /// The difference step of the sliding gates' rates while locating, relative to the step
    /// (`StateEvaluator.writeGateRates`).
    static var gateRateDifference: Double { 1e-3 }

    /// How far past the next candidate's interpolated crossing the step after an event aims
    /// (only where that crossing is more than 100 event-time tolerances away: closer ones
    /// belong to the event itself or to its neighbourhood).
    static var nextCrossingMargin: Double { 1.1 }

    /// Applies a contact resolution: the new mode, the departing marks, the events. A
    /// surface that left sliding gets its resolution band ε_j as hysteresis width (rule C:
    /// right after the exit, g_j up to ε_j on the wrong side and moving back has not crossed,
    /// `StepScreen.bracketStart`); every other surface whose state changed starts without one.
    /// A contact kept on its side by rule D gets ε_j beyond where it sits: ε_j + max(0, −d_j),
    /// the band around the contact (a contact reported at a step end may sit across already).
    private func apply(_ resolution: ContactResolver<System>.Resolution) {
        mode.apply(resolution)
        for (j, isDeparting) in resolution.departures { screen.setDeparting(j, isDeparting) }
        for event in resolution.events {
            if case .slideEnd = event.kind {
                workspace.hysteresis[event.surface] = band.band(of: event.surface, at: workspace.state)
            } else {
                workspace.hysteresis[event.surface] = 0
            }
            record(event)
        }
        for j in resolution.unresolved {
            workspace.hysteresis[j] = band.band(of: j, at: workspace.state) + max(0, -evaluator.currentDistance(of: j).distance)
        }
    }

    /// Rule A: a sliding gate seen outside [0, 1] by more than the gate tolerance for the
    /// first time in its sliding episode gets its resolvable margin μ_j, kept until the
    /// episode ends: a step end that sees the gate outside by less than that is no exit
    /// (`StepScreen`); beyond it the exit is located at the gate's own root as before. A
    /// coincident group's members all get the leader's margin (they share its gate).
    private func widenSlideExits() {
        let w = workspace, gateTolerance = options.eventTimeTolerance.gate
        for j in mode.slidingSurfaces where w.hysteresis[j] == 0 && evaluator.currentDistance(of: j).distance < -gateTolerance {
            let margin = band.gateMargin(of: j, at: w.state)
            guard margin.isFinite else { continue }
            for member in mode.groups.members(of: j) { workspace.hysteresis[member] = margin }
        }
    }

    /// Rule C ends once a surface left from sliding is clear of its band (g_j beyond ε_j on
    /// its side, at a step end).
    /// Only the surfaces with a width are looked at, not all m (in any order: each band is
    /// cleared on its own surface's values).
    private func clearExitBands() {
        let w = workspace
        for j in w.hysteresis.surfaces
        where w.hysteresis[j] > 0 && !mode.isSliding[j] && evaluator.currentDistance(of: j).distance > w.hysteresis[j] {
            workspace.hysteresis[j] = 0
        }
    }

    /// Watched functions met at the current state change to the side their rate ḣ points
    /// to (they keep it where ḣ = 0), recorded when their direction admits it. A function
    /// that keeps its side on or across zero departs, as a grazed surface does.
    private func crossWatchedFunctions(_ functions: [Int]) {
        let w = workspace
        for j in functions {
            let i = j - w.surfaceCount
            let rate = w.rates[j], before = evaluator.watchedSides[i]
            let after: Side = rate > 0 ? .positive : (rate < 0 ? .negative : before)
            guard after != before else {
                if evaluator.currentDistance(of: j).distance <= 0 { screen.setDeparting(j, true) }
                continue
            }
            evaluator.watchedSides[i] = after
            screen.setDeparting(j, false)
            guard problem.watched?.direction(of: i).admits(after) ?? false else { continue }
            record(TimelineEvent(time: time, surface: i, kind: .watched(into: after), negativeSideSpeed: rate,
                                 positiveSideSpeed: rate, gate: after.gate))
        }
    }

    /// Slides on surfaces the guards found chattering (coincident ones as one), with a
    /// `chattering` entry each, if
    /// their equivalent control is valid there; otherwise the run stops with
    /// `eventAccumulation`. With a field affine in its gates the one-sided speeds decide
    /// every contact exactly, so this catches what they cannot: a system whose field also
    /// switches on something other than its gates, or speeds lost in rounding.
    private func slideOnChatteringSurfaces(_ surfaces: [Int]) throws(FlowError) {
        let w = workspace
        for j in mode.groups.leaders(of: surfaces) where !mode.isSliding[j] {
            let side = Side(gate: mode.gates[j])
            mode.setSlidingSurfaces(mode.slidingSurfaces + [j])
            guard mode.evaluate(at: w.state, field: w.trialField, switching: nil, gatesUsed: w.trialGates),
                  (0...1).contains(w.trialGates[j]) else {
                mode.setSlidingSurfaces(mode.slidingSurfaces.filter { $0 != j })
                mode.setSide(side, of: j)
                throw .eventAccumulation(count: options.chatteringContactLimit, surfaces: [j], t: time)
            }
            for member in mode.groups.members(of: j) { workspace.hysteresis[member] = 0 }
            try evaluator.evaluateCurrentState(at: time)
            for member in mode.groups.members(of: j) {
                record(TimelineEvent(time: time, surface: member, kind: .chattering, negativeSideSpeed: 0,
                                     positiveSideSpeed: 0, gate: w.gates[member]))
            }
        }
    }

    /// Re-steps from the current step start to `t` into the trial buffers and evaluates
    /// F, g, h and their rates there.
    private func probe(at t: Double, from t0: Double) throws(FlowError) {
        lastProbe = nil
        try integrator.restep(from: t0, state: workspace.stepStart, derivative: workspace.fieldStart, to: t,
                              into: workspace.trialState)
        lastProbe = (t0, t)
        try evaluator.evaluateTrialState(at: t)
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

    private func record(_ event: TimelineEvent) {
        timeline.append(event)
        observer.didRecordEvent?(event, UnsafeBufferPointer(start: workspace.state, count: workspace.dimension))
    }

    private func notifyAdvance() {
        observer.didAdvance?(time, UnsafeBufferPointer(start: workspace.state, count: workspace.dimension))
    }
}
