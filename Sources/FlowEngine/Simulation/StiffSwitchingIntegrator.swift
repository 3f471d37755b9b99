/// The explicit method of `FlowOptions.stepper`, changed for the implicit
/// `FlowOptions.stiffStepper` where it is limited by stability, and back where that no
/// longer pays: the rule that makes a converging flow's stiff endgame cheap.
///
/// - To implicit: after a step the `StiffnessMonitor` finds stability-limited (h·ρ ≥ β/2 at
///   two checks 20 steps apart, no event in between). The step length h_s then is recorded.
/// - Back to explicit: when the implicit method's accepted steps, over a block of
///   `blockLength` of them, average less than `gainFactor`·h_s: they are no longer longer
///   than the explicit method's, so its cheaper steps and re-steps win. Blocks are judged
///   only after `warmUpSteps` steps since the change: a multistep method
///   restarts at order 1 with short steps and needs them to climb to its working order.
///
/// A change takes effect at the start of the next step, never between a step and the
/// re-steps that locate an event in it; an event (`reset`) cancels a pending change to
/// implicit and restarts the monitor and the current block, since the new mode has its own
/// Jacobian (the warm-up counts from the change, so that frequent events cannot keep the
/// implicit method in force unjudged). Events in the implicit phase are located by
/// re-stepping from the step start with GSL's adaptive rk8pd driver (`GSLIntegrator`), which
/// in a stiff stretch takes stability-limited steps across the trial interval: the implicit
/// phase pays where events are dense, and the block rule then changes back. Steps cut short
/// by an output time are left out of both decisions. Both methods meet the same tolerances,
/// so results agree to them.
///
/// Assumes and guarantees what `ModeIntegrator` does.
final class StiffSwitchingIntegrator<System: PiecewiseSmoothSystem> {
    static var blockLength: Int { 10 }
    static var warmUpSteps: Int { 30 }
    static var gainFactor: Double { 2 }

    private let explicit: ModeIntegrator
    private let implicit: ModeIntegrator?
    private let monitor: StiffnessMonitor<System>?
    private var isImplicit = false
    private var pendingChange = false
    /// The explicit step length when the change to implicit was made.
    private var stabilityLimitedStep = 0.0
    /// Implicit steps since the change, and the current block's.
    private var stepsSinceRestart = 0
    private var blockSteps = 0
    private var blockTime = 0.0
    /// Accepted steps taken by the implicit method.
    private(set) var implicitStepCount = 0
    /// Changes to the implicit method.
    private(set) var changeCount = 0

    init(mode: ModeField<System>, options: FlowOptions, initialStep: Double) throws(FlowError) {
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

    /// `ModeIntegrator.step` with the method in force, which this step may change for the next.
    func step(t: inout Double, until limit: Double, h: inout Double, state: UnsafeMutablePointer<Double>,
              start: UnsafePointer<Double>) throws(FlowError) {
        if pendingChange { change(h: &h) }
        let t0 = t
        try active.step(t: &t, until: limit, h: &h, state: state, start: start)
        let length = t - t0
        guard let monitor else { return }
        if isImplicit {
            implicitStepCount += 1
            guard t < limit else { return }
            stepsSinceRestart += 1
            guard stepsSinceRestart > Self.warmUpSteps else { return }
            blockSteps += 1
            blockTime += length
            guard blockSteps == Self.blockLength else { return }
            pendingChange = blockTime / Double(blockSteps) < Self.gainFactor * stabilityLimitedStep
            blockSteps = 0
            blockTime = 0
        } else if t < limit, monitor.isStabilityLimited(afterStepOf: length, at: state) {
            // A step cut short by an output time says nothing about stability.
            pendingChange = true
            stabilityLimitedStep = length
        }
    }

    private func change(h: inout Double) {
        pendingChange = false
        isImplicit.toggle()
        active.reset()
        restartCounts()
        stepsSinceRestart = 0
        if isImplicit {
            changeCount += 1
        } else {
            h = stabilityLimitedStep
        }
    }

    /// `ModeIntegrator.restep` with the method the step was taken with.
    func restep(from t0: Double, state start: UnsafePointer<Double>, derivative: UnsafePointer<Double>?, to t: Double,
                into result: UnsafeMutablePointer<Double>) throws(FlowError) {
        try active.restep(from: t0, state: start, derivative: derivative, to: t, into: result)
    }

    /// After a mode switch (an event): the method in force forgets its history; a pending
    /// change to implicit is dropped and the monitor starts again.
    func reset() {
        active.reset()
        if !isImplicit { pendingChange = false }
        restartCounts()
    }

    private func restartCounts() {
        monitor?.restart()
        blockSteps = 0
        blockTime = 0
    }

    func forgetDerivative() { active.forgetDerivative() }
}
