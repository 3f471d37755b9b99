/// How to integrate: the GSL method, its tolerances and the engine's limits.
public struct FlowOptions: Sendable {
    public var stepper: GSLStepper
    /// GSL's eps_rel: the local error allowed per unit of |y_i|.
    public var relativeTolerance: Double
    /// GSL's eps_abs: the local error allowed near y_i = 0.
    public var absoluteTolerance: Double
    /// The first trial step; nil lets the engine pick 1e-3·min(1, t_end), which GSL shrinks
    /// at once if it is too large.
    public var initialStep: Double?
    /// The most accepted steps before the run stops with `FlowError.stepLimitExceeded`.
    public var maxSteps: Int
    /// Event times are located to `eventTimeTolerance.time(near: t)`.
    public var eventTimeTolerance: EventTolerance
    /// The side taken where a surface repels on both sides.
    public var repellingRule: RepellingSurfaceRule
    /// When set, the run ends with `Termination.reachedSteadyState` at the first accepted
    /// step where ‖F(x)‖∞ ≤ tol·max(1, ‖x‖∞) (the steady-state test of SciML's
    /// `TerminateSteadyState` callback). For flows that converge onto a point where
    /// contacts keep recurring at the rounding level of a vanishing field (several surfaces
    /// settling together at the edge of sliding), where going on would only accumulate events.
    public var steadyStateTolerance: Double?

    /// Tolerances below this relative size cannot be met in double precision.
    public static let smallestRelativeTolerance = 10 * Double.ulpOfOne

    public init(
        stepper: GSLStepper = .default, relativeTolerance: Double = 1e-10, absoluteTolerance: Double = 1e-12,
        initialStep: Double? = nil, maxSteps: Int = 10_000_000, eventTimeTolerance: EventTolerance = EventTolerance(),
        repellingRule: RepellingSurfaceRule = .negativeSide, steadyStateTolerance: Double? = nil
    ) {
        self.stepper = stepper
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.initialStep = initialStep
        self.maxSteps = maxSteps
        self.eventTimeTolerance = eventTimeTolerance
        self.repellingRule = repellingRule
        self.steadyStateTolerance = steadyStateTolerance
    }

    func validate() throws(FlowError) {
        guard relativeTolerance.isFinite, relativeTolerance > 0 else {
            throw .invalidProblem("the relative tolerance must be positive and finite, got \(relativeTolerance)")
        }
        guard relativeTolerance >= Self.smallestRelativeTolerance else {
            throw .invalidProblem("the relative tolerance \(relativeTolerance) is below \(Self.smallestRelativeTolerance), "
                + "which double precision cannot meet")
        }
        guard absoluteTolerance.isFinite, absoluteTolerance > 0 else {
            throw .invalidProblem("the absolute tolerance must be positive and finite, got \(absoluteTolerance)")
        }
        if let initialStep, !(initialStep.isFinite && initialStep > 0) {
            throw .invalidProblem("the initial step must be positive and finite, got \(initialStep)")
        }
        guard maxSteps > 0 else { throw .invalidProblem("the step limit must be positive, got \(maxSteps)") }
        if let steadyStateTolerance, !(steadyStateTolerance.isFinite && steadyStateTolerance > 0) {
            throw .invalidProblem("the steady-state tolerance must be positive and finite, got \(steadyStateTolerance)")
        }
    }
}
