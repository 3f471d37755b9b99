/// How a run ended. Outcomes, not errors: a failed run still hands back all it computed.
public enum Termination: Sendable, Equatable {
    case reachedEndTime
    /// The field fell to `FlowOptions.steadyStateTolerance` before the end time: the flow
    /// has converged, and the state is held from `FlowResult.finalTime` on.
    case reachedSteadyState
    /// The observer asked the run to stop (`FlowObserver.shouldStop`).
    case interrupted
    case failed(FlowError)
}

/// Work counters of one run.
public struct FlowStatistics: Sendable, Equatable {
    /// Accepted adaptive steps.
    public var stepCount = 0
    /// Steps GSL rejected and retried with a smaller h.
    public var failedStepCount = 0
    /// Evaluations of F, by GSL's stages and by the engine (step ends, events, refinement).
    public var rhsEvaluationCount = 0
    /// Control-free re-steps from a step start taken while locating events.
    public var restepCount = 0
    /// Timeline entries.
    public var eventCount = 0
    /// The largest |g_j| seen for a surface slid on at an accepted step end, before the
    /// state was projected back onto the surface: how far the integrator drifted off it.
    public var maxSlidingDrift = 0.0
    /// Accepted steps that ended while sliding (each followed by a projection).
    public var slidingStepCount = 0
    /// Accepted steps taken by `FlowOptions.stiffStepper` (part of `stepCount`).
    public var implicitStepCount = 0
    /// Changes from `FlowOptions.stepper` to `FlowOptions.stiffStepper` (`StiffSwitchingIntegrator`).
    public var stiffChangeCount = 0

    public init() {}
}

/// The state where the run stopped, everything recorded on the way, and why it stopped.
public struct FlowResult: Sendable {
    public let finalTime: Double
    public let finalState: [Double]
    /// The gate pattern s in force at `finalTime`.
    public let finalGates: [Double]
    public let timeline: [TimelineEvent]
    public let statistics: FlowStatistics
    public let termination: Termination
}
