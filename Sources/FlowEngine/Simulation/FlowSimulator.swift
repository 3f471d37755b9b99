/// Integrates a `PiecewiseSmoothSystem` with GSL and records every surface transition.
///
/// One accepted step at a time: after each step the switching functions at both ends,
/// with their rates, are screened for a crossing (a sign change against the current mode,
/// or a `HermiteScreen` dip confirmed by re-stepping). The earliest crossing is located by
/// `EventLocator`, the state is re-stepped to it, the new gates follow from the one-sided
/// normal speeds (`SurfaceClassifier`), the integrator is reset and the run goes on from
/// the event. The step beyond the event is discarded.
///
/// A simulator runs once.
public final class FlowSimulator<System: PiecewiseSmoothSystem> {
    public let problem: FlowProblem<System>
    public let options: FlowOptions

    private let system: System
    private let workspace: FlowWorkspace
    private let integrator: GSLIntegrator
    private let locator: EventLocator
    private let evaluations: EvaluationCounter
    private var timeline: [TimelineEvent] = []
    private var observer = FlowObserver()
    private var time = 0.0
    private var lastEventTime = -Double.infinity
    private var eventsInAccumulation = 0

    /// Events closer together than ten event-time tolerances, this many times in a row,
    /// count as chattering.
    static var accumulationLimit: Int { 1000 }

    public init(problem: FlowProblem<System>, options: FlowOptions = FlowOptions()) throws(FlowError) {
        try problem.validate()
        try options.validate()
        self.problem = problem
        self.options = options
        let system = problem.system
        self.system = system
        let workspace = FlowWorkspace(dimension: system.dimension, surfaceCount: system.surfaceCount)
        self.workspace = workspace
        locator = EventLocator(surfaceCount: system.surfaceCount)
        let evaluations = EvaluationCounter()
        self.evaluations = evaluations

        let gates = workspace.gates
        let dimension = system.dimension
        let field: GSLFieldFunction = { y, dydt in
            evaluations.count += 1
            system.evaluate(at: y, gates: gates, field: dydt, switching: nil)
            for i in 0..<dimension where !dydt[i].isFinite { return false }
            return true
        }
        let jacobian: GSLJacobianFunction
        if let exact = system as? any JacobianProvidingSystem {
            jacobian = { y, matrix in exact.jacobian(at: y, gates: gates, into: matrix) }
        } else {
            let differences = FiniteDifferenceJacobian(dimension: dimension)
            jacobian = { y, matrix in
                differences.evaluate(at: y, into: matrix) { x, f in _ = field(x, f) }
            }
        }
        do {
            integrator = try GSLIntegrator(
                stepper: options.stepper, dimension: dimension,
                relativeTolerance: options.relativeTolerance, absoluteTolerance: options.absoluteTolerance,
                initialStep: options.initialStep ?? 1e-3 * min(1, problem.endTime), field: field, jacobian: jacobian)
        } catch {
            throw .integrator(status: error.status, reason: error.reason, t: 0)
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
            evaluate(at: w.state, field: w.field, switching: w.switching, rates: w.rates)
            notifyAdvance()
            var h = options.initialStep ?? 1e-3 * min(1, problem.endTime)
            while time < problem.endTime {
                guard integrator.acceptedStepCount < options.maxSteps else {
                    throw .stepLimitExceeded(count: options.maxSteps, t: time)
                }
                try advanceOneStep(h: &h)
            }
            termination = .reachedEndTime
        } catch {
            termination = .failed(error)
        }
        var statistics = FlowStatistics()
        statistics.stepCount = integrator.acceptedStepCount
        statistics.failedStepCount = integrator.failedStepCount
        statistics.rhsEvaluationCount = evaluations.count
        statistics.restepCount = integrator.restepCount
        statistics.eventCount = timeline.count
        return FlowResult(
            finalTime: time,
            finalState: Array(UnsafeBufferPointer(start: w.state, count: w.dimension)),
            finalGates: Array(UnsafeBufferPointer(start: w.gates, count: w.surfaceCount)),
            timeline: timeline, statistics: statistics, termination: termination)
    }

    // MARK: - Steps

    /// Sets the gates from the signs of g(x0); surfaces with g_j(x0) = 0 exactly are
    /// contacts at t = 0, decided by the same rules as any crossing and recorded.
    private func startOnSurfaces() throws(FlowError) {
        let w = workspace
        evaluate(at: w.state, field: w.field, switching: w.switching, rates: nil)
        var contacts: [Int] = []
        for j in 0..<w.surfaceCount {
            w.gates[j] = w.switching[j] > 0 ? 1 : 0
            if w.switching[j] == 0 { contacts.append(j) }
        }
        if !contacts.isEmpty { try resolveContact(contacts, recordingEverySurface: true) }
    }

    private func advanceOneStep(h: inout Double) throws(FlowError) {
        let w = workspace
        let t0 = time
        w.stepStart.update(from: w.state, count: w.dimension)
        w.signedDistances(switching: w.switching, rates: w.rates, into: w.distanceStart, rateInto: w.distanceRateStart)
        do {
            try integrator.step(t: &time, until: problem.endTime, h: &h, state: w.state)
        } catch {
            time = t0
            w.state.update(from: w.stepStart, count: w.dimension)
            throw Self.flowError(from: error, t: t0)
        }
        let t1 = time
        evaluate(at: w.state, field: w.field, switching: w.switching, rates: w.rates)
        w.signedDistances(switching: w.switching, rates: w.rates, into: w.distanceEnd, rateInto: w.distanceRateEnd)

        guard let (hi, candidates) = try screenStep(from: t0, to: t1) else {
            notifyAdvance()
            return
        }
        let (eventTime, crossed) = try locator.locate(
            lo: t0, hi: hi, distancesAtLo: w.distanceStart, distancesAtHi: w.distanceHi,
            candidates: candidates, tolerance: options.eventTimeTolerance
        ) { (t: Double, distances: UnsafeMutablePointer<Double>) throws(FlowError) in
            try self.probe(at: t, from: t0)
            w.signedDistances(switching: w.trialSwitching, rates: nil, into: distances, rateInto: nil)
        }
        try restep(from: t0, to: eventTime, into: w.state)
        time = eventTime
        evaluate(at: w.state, field: w.field, switching: w.switching, rates: w.rates)
        try resolveContact(crossed + surfacesAboutToCross(excluding: crossed), recordingEverySurface: false)
        integrator.reset()
        evaluate(at: w.state, field: w.field, switching: w.switching, rates: w.rates)
        try guardAgainstAccumulation()
        notifyAdvance()
    }

    /// Finds the surfaces that may have crossed in [t0, t1].
    ///
    /// - Returns: nil when none did; otherwise the far end of the bracket to refine (t1,
    ///   or the earliest re-stepped time that confirms a double crossing) with the signed
    ///   distances there in `workspace.distanceHi`, and the surfaces on the far side.
    private func screenStep(from t0: Double, to t1: Double) throws(FlowError) -> (Double, [Int])? {
        let w = workspace
        let stepLength = t1 - t0
        var signChanged = false
        var witnessTime: Double?
        for j in 0..<w.surfaceCount {
            let d0 = w.distanceStart[j], d1 = w.distanceEnd[j]
            if d1 < 0 {
                signChanged = true
                continue
            }
            guard d0 > 0, d1 > 0,
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
            w.signedDistances(switching: w.trialSwitching, rates: nil, into: w.distanceHi, rateInto: nil)
            let candidates = (0..<w.surfaceCount).filter { w.distanceHi[$0] <= 0 }
            return (witnessTime, candidates)
        }
        guard signChanged else { return nil }
        w.distanceHi.update(from: w.distanceEnd, count: w.surfaceCount)
        return (t1, (0..<w.surfaceCount).filter { w.distanceEnd[$0] < 0 })
    }

    /// Re-steps towards the Hermite minimum of surface j, then follows the secant of its
    /// rate ḋ_j, looking for a time with d_j < 0.
    /// - Returns: such a time, or nil when the re-stepped values stay positive (a near
    ///   miss that the interpolant exaggerated).
    private func confirmDoubleCrossing(of j: Int, from t0: Double, to t1: Double, nearFraction fraction: Double)
        throws(FlowError) -> Double?
    {
        let w = workspace
        let sign = w.gates[j] > 0.5 ? 1.0 : -1.0
        var (a, rateA) = (t0, w.distanceRateStart[j])
        var (b, rateB) = (t1, w.distanceRateEnd[j])
        var t = t0 + fraction * (t1 - t0)
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
        for j in 0..<w.surfaceCount where !crossed.contains(j) {
            let sign = w.gates[j] > 0.5 ? 1.0 : -1.0
            let d = sign * w.switching[j], rate = sign * w.rates[j]
            if d > 0, rate < 0, d <= -rate * tolerance { result.append(j) }
        }
        return result
    }

    // MARK: - Contacts

    /// Chooses the gates of surfaces met at the current state from their one-sided normal
    /// speeds, Gauss–Seidel over the set until no gate changes (several surfaces met
    /// together must agree: each speed depends on the others' gates), and records a
    /// timeline entry for each surface whose side changed.
    ///
    /// A repelling surface (σ− < 0 < σ+) takes the negative side: the ReLU'(0) = 0
    /// convention the papers use. A fully tangential one keeps the side the state is on.
    ///
    /// - Throws: `attractingSurface` for a sliding contact; `inconsistentSwitching` when
    ///   the gates do not settle.
    private func resolveContact(_ surfaces: [Int], recordingEverySurface: Bool) throws(FlowError) {
        let w = workspace
        let previousSides = surfaces.map { Side(gate: w.gates[$0]) }
        var speeds = [(negative: Double, positive: Double)](repeating: (0, 0), count: surfaces.count)
        let passLimit = surfaces.count == 1 ? 1 : 2 * surfaces.count + 2
        var settled = false
        for _ in 0..<passLimit {
            var changed = false
            for (k, j) in surfaces.enumerated() {
                let current = w.gates[j]
                w.gates[j] = 0
                evaluate(at: w.state, field: w.trialField, switching: nil, rates: w.trialRates)
                let negative = w.trialRates[j]
                w.gates[j] = 1
                evaluate(at: w.state, field: w.trialField, switching: nil, rates: w.trialRates)
                let positive = w.trialRates[j]
                speeds[k] = (negative, positive)
                let side: Side
                switch SurfaceClassifier.classify(negativeSideSpeed: negative, positiveSideSpeed: positive) {
                case .crossing(let into): side = into
                case .attractingSliding:
                    w.gates[j] = current
                    throw .attractingSurface(surfaces: [j], t: time)
                case .repelling: side = .negative
                case .tangential: side = w.switching[j] > 0 ? .positive : .negative
                }
                w.gates[j] = side.gate
                if side.gate != current { changed = true }
            }
            if !changed || surfaces.count == 1 {
                settled = true
                break
            }
        }
        guard settled else { throw .inconsistentSwitching(surfaces: surfaces, t: time) }
        for (k, j) in surfaces.enumerated() {
            let side = Side(gate: w.gates[j])
            guard recordingEverySurface || side != previousSides[k] else { continue }
            record(TimelineEvent(
                time: time, surface: j, kind: .crossing(into: side),
                negativeSideSpeed: speeds[k].negative, positiveSideSpeed: speeds[k].positive))
        }
    }

    private func record(_ event: TimelineEvent) {
        timeline.append(event)
        observer.didRecordEvent?(event, UnsafeBufferPointer(start: workspace.state, count: workspace.dimension))
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

    /// F(x, s) for the current gates, g(x) when asked, and ġ = ∇g·F when asked.
    private func evaluate(at x: UnsafePointer<Double>, field: UnsafeMutablePointer<Double>,
                          switching: UnsafeMutablePointer<Double>?, rates: UnsafeMutablePointer<Double>?) {
        evaluations.count += 1
        system.evaluate(at: x, gates: workspace.gates, field: field, switching: switching)
        if let rates { system.switchingRates(at: x, velocity: field, into: rates) }
    }

    /// Re-steps from the current step start to `t` into the trial buffers and evaluates
    /// F, g and ġ there.
    private func probe(at t: Double, from t0: Double) throws(FlowError) {
        let w = workspace
        try restep(from: t0, to: t, into: w.trialState)
        evaluate(at: w.trialState, field: w.trialField, switching: w.trialSwitching, rates: w.trialRates)
    }

    private func restep(from t0: Double, to t: Double, into result: UnsafeMutablePointer<Double>) throws(FlowError) {
        do {
            try integrator.restep(from: t0, state: workspace.stepStart, size: t - t0, into: result)
        } catch {
            throw Self.flowError(from: error, t: t0)
        }
    }

    private static func flowError(from error: GSLError, t: Double) -> FlowError {
        switch error.status {
        case GSLError.failure: .stepSizeUnderflow(t: t, h: error.h ?? 0)
        case GSLError.domainError: .nonFiniteField(t: t)
        default: .integrator(status: error.status, reason: error.reason, t: t)
        }
    }
}

/// Counts evaluations of F, shared by GSL's calls and the engine's own.
final class EvaluationCounter {
    var count = 0
}
