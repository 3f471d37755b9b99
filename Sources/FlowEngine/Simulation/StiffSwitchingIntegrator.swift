/// The explicit method of `FlowOptions.stepper`, changed for the implicit
/// `FlowOptions.stiffStepper` where it is limited by stability, and back where that no
/// longer pays: the rule that makes a converging flow's stiff endgame cheap.
///
/// - To implicit: after a step the `StiffnessMonitor` finds stability-limited (h·ρ ≥ β/2 at
///   `StiffnessMonitor.confirmations` checks 20 steps apart, no event in between), once the
///   explicit method has done the work a failed implicit stretch asks for (below). The
///   explicit method's work rate then is recorded: field evaluations per unit of time
///   since its last restart (an event or the change back), at least the monitor's two
///   checks' worth.
/// - Back to explicit: when the implicit method's work rate exceeds that, judged every
///   `blockLength` accepted steps over all of them since the end of its warm-up
///   (`warmUpSteps` steps after the change: a multistep method restarts at order 1 with
///   short steps and needs them to climb to its working order; what the warm-up cost is
///   spent either way, so whether to go on depends on the rate after it). Its work is the
///   field evaluations, event location included, plus p for every Jacobian and every
///   rejected step (each is followed by a p × p LU factorisation, p³/3 multiply-adds, about
///   p field evaluations of a system whose field costs ~p² of them). Events do not restart
///   the count: where they are dense, each one restarts a multistep method at order 1 with
///   a new Jacobian and factorisation, and that is the implicit method's real cost there;
///   an isolated event's cost is spread over the whole stretch.
/// - After a change back, the next change to implicit waits until the explicit method has
///   done as much work as the failed stretch wasted (its work, warm-up included, beyond the
///   explicit method's recorded rate over the same time), times a backoff that doubles with
///   every failure (up to `maximumBackoff`): where the implicit method does not pay, its
///   tries waste at most about 1/backoff of the run (a ski-rental bound); a try that nearly
///   paid is repeated soon, and where the flow later becomes stiff for good (a converging
///   endgame) the change still comes, after at most `maximumBackoff` times a try's waste.
///
/// A change takes effect at the start of the next step, never between a step and the
/// re-steps that locate an event in it; an event (`reset`) cancels a pending change to
/// implicit and restarts the monitor. Events in the implicit phase are located by
/// re-stepping from the step start with GSL's adaptive rk8pd driver (`GSLIntegrator`), which
/// in a stiff stretch takes stability-limited steps across the trial interval. Steps cut
/// short by an output time are left out of both decisions. Both methods meet the same
/// tolerances, so results agree to them. Every decision is made from counts, never from
/// clocks: a run is the same every time.
///
/// Assumes and guarantees what `ModeIntegrator` does.
final class StiffSwitchingIntegrator<System: PiecewiseSmoothSystem> {
    static var blockLength: Int { 10 }
    static var warmUpSteps: Int { 30 }
    static var maximumBackoff: Double { 64 }

    private let mode: ModeField<System>
    private let explicit: ModeIntegrator
    private let implicit: ModeIntegrator?
    private let monitor: StiffnessMonitor<System>?
    private var isImplicit = false
    private var pendingChange = false
    /// The explicit step length when the change to implicit was made.
    private var stabilityLimitedStep = 0.0
    /// Field evaluations per unit of time of the explicit method when the change was made.
    private var explicitWorkRate = 0.0
    /// Where the explicit method's work is counted from (its last restart).
    private var explicitStart = WorkMark()
    /// Implicit steps since the change, and the current block's.
    private var stepsSinceChange = 0
    private var blockSteps = 0
    /// Where the implicit method's stretch began, and where its work rate is counted from
    /// (the end of its warm-up).
    private var changedTo = WorkMark()
    private var judgedFrom = WorkMark()
    /// Where the last change back to explicit was made, the explicit work (evaluations)
    /// needed since then before the next change to implicit, and the multiple of a failed
    /// implicit stretch's waste (warm-up included) the next failure will set it to.
    private var changedBack = WorkMark()
    private var retryWork = 0.0
    private var backoff = 1.0
    /// Accepted steps taken by the implicit method.
    private(set) var implicitStepCount = 0
    /// Changes to the implicit method.
    private(set) var changeCount = 0

    /// The work done up to a time: field evaluations, and the implicit method's Jacobians
    /// and rejected steps.
    private struct WorkMark {
        var time = 0.0
        var evaluations = 0
        var factorizations = 0
    }

    init(mode: ModeField<System>, options: FlowOptions, initialStep: Double) throws(FlowError) {
        self.mode = mode
        explicit = try ModeIntegrator(mode: mode, options: options, initialStep: initialStep)
        if let stiffStepper = options.stiffStepper, let boundary = options.stepper.realStabilityBoundary,
           mode.dimension <= FlowOptions.stiffSwitchDimensionLimit {
            var implicitOptions = options
            implicitOptions.stepper = stiffStepper
            implicit = try ModeIntegrator(mode: mode, options: implicitOptions, initialStep: initialStep)
            monitor = StiffnessMonitor(mode: mode, stabilityBoundary: boundary)
        } else {
            implicit = nil
            monitor = nil
        }
    }

    private var active: ModeIntegrator { isImplicit ? implicit! : explicit }

    var acceptedStepCount: Int { explicit.acceptedStepCount + (implicit?.acceptedStepCount ?? 0) }
    var failedStepCount: Int { explicit.failedStepCount + (implicit?.failedStepCount ?? 0) }
    var restepCount: Int { explicit.restepCount + (implicit?.restepCount ?? 0) }

    /// The work done up to `time`.
    private func mark(at time: Double) -> WorkMark {
        WorkMark(time: time, evaluations: mode.evaluationCount,
                 factorizations: (implicit?.jacobianCount ?? 0) + (implicit?.failedStepCount ?? 0))
    }

    /// Field evaluations since `start`, a factorisation counted as p.
    private func work(since start: WorkMark, at time: Double) -> Double {
        let now = mark(at: time)
        return Double(now.evaluations - start.evaluations)
            + Double(mode.dimension) * Double(now.factorizations - start.factorizations)
    }

    /// `work` per unit of time since `start`.
    private func workRate(since start: WorkMark, at time: Double) -> Double {
        work(since: start, at: time) / (time - start.time)
    }

    /// `ModeIntegrator.step` with the method in force, which this step may change for the next.
    func step(t: inout Double, until limit: Double, h: inout Double, state: UnsafeMutablePointer<Double>,
              start: UnsafePointer<Double>) throws(FlowError) {
        if pendingChange { change(at: t, h: &h) }
        let t0 = t
        try active.step(t: &t, until: limit, h: &h, state: state, start: start)
        let length = t - t0
        guard let monitor else { return }
        if isImplicit {
            implicitStepCount += 1
            guard t < limit else { return }
            stepsSinceChange += 1
            if stepsSinceChange == Self.warmUpSteps { judgedFrom = mark(at: t) }
            guard stepsSinceChange > Self.warmUpSteps else { return }
            blockSteps += 1
            guard blockSteps == Self.blockLength else { return }
            if workRate(since: judgedFrom, at: t) > explicitWorkRate {
                pendingChange = true
                // What the stretch cost beyond the explicit method's rate over the same time.
                let waste = work(since: changedTo, at: t) - explicitWorkRate * (t - changedTo.time)
                retryWork = backoff * max(waste, 0)
                backoff = min(2 * backoff, Self.maximumBackoff)
            }
            blockSteps = 0
        } else if t < limit, work(since: changedBack, at: t) >= retryWork,
                  monitor.isStabilityLimited(afterStepOf: length, at: state) {
            // A step cut short by an output time says nothing about stability; the monitor
            // starts checking once the backoff's work is done.
            pendingChange = true
            stabilityLimitedStep = length
            explicitWorkRate = workRate(since: explicitStart, at: t)
        }
    }

    private func change(at t: Double, h: inout Double) {
        pendingChange = false
        isImplicit.toggle()
        active.reset()
        monitor?.restart()
        stepsSinceChange = 0
        blockSteps = 0
        if isImplicit {
            changeCount += 1
            changedTo = mark(at: t)
        } else {
            h = stabilityLimitedStep
            explicitStart = mark(at: t)
            changedBack = explicitStart
        }
    }

    /// `ModeIntegrator.restep` with the method the step was taken with.
    func restep(from t0: Double, state start: UnsafePointer<Double>, derivative: UnsafePointer<Double>?, to t: Double,
                into result: UnsafeMutablePointer<Double>) throws(FlowError) {
        try active.restep(from: t0, state: start, derivative: derivative, to: t, into: result)
    }

    /// After a mode switch (an event) at `t`: the method in force forgets its history; a
    /// pending change to implicit is dropped, and the monitor and the explicit method's work
    /// count start again.
    func reset(at t: Double) {
        active.reset()
        monitor?.restart()
        if !isImplicit {
            pendingChange = false
            explicitStart = mark(at: t)
        }
    }

    func forgetDerivative() { active.forgetDerivative() }
}
