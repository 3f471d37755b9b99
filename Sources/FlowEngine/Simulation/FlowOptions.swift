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
    /// Events closer together than ten event-time tolerances, this many times in a row,
    /// stop the run with `FlowError.eventAccumulation` (Zeno behaviour).
    public var accumulationLimit: Int
    /// Accepted steps no longer than 16 ulps of t, this many in a row, stop the run with
    /// `FlowError.stepSizeUnderflow`: the tolerance cannot be met.
    public var stallLimit: Int
    /// A surface met this many times within `chatteringWindow` event-time tolerances
    /// chatters: the engine slides on it, or stops if it cannot.
    public var chatteringContactLimit: Int
    /// The chattering window, in event-time tolerances.
    public var chatteringWindow: Double

    /// Tolerances below this relative size cannot be met in double precision.
    public static let smallestRelativeTolerance = 10 * Double.ulpOfOne

    public init(
        stepper: GSLStepper = .default, relativeTolerance: Double = 1e-10, absoluteTolerance: Double = 1e-12,
        initialStep: Double? = nil, maxSteps: Int = 10_000_000, eventTimeTolerance: EventTolerance = EventTolerance(),
        repellingRule: RepellingSurfaceRule = .negativeSide, steadyStateTolerance: Double? = nil,
        accumulationLimit: Int = 1000, stallLimit: Int = 100, chatteringContactLimit: Int = 8,
        chatteringWindow: Double = 1000
    ) {
        self.stepper = stepper
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.initialStep = initialStep
        self.maxSteps = maxSteps
        self.eventTimeTolerance = eventTimeTolerance
        self.repellingRule = repellingRule
        self.steadyStateTolerance = steadyStateTolerance
        self.accumulationLimit = accumulationLimit
        self.stallLimit = stallLimit
        self.chatteringContactLimit = chatteringContactLimit
        self.chatteringWindow = chatteringWindow
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
        guard accumulationLimit > 0 else { throw .invalidProblem("the accumulation limit must be positive, got \(accumulationLimit)") }
        guard stallLimit > 0 else { throw .invalidProblem("the stall limit must be positive, got \(stallLimit)") }
        guard chatteringContactLimit > 1 else {
            throw .invalidProblem("the chattering contact limit must be at least 2, got \(chatteringContactLimit)")
        }
        guard chatteringWindow.isFinite, chatteringWindow > 0 else {
            throw .invalidProblem("the chattering window must be positive and finite, got \(chatteringWindow)")
        }
    }
}
