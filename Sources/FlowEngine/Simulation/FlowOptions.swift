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

    /// Tolerances below this relative size cannot be met in double precision.
    public static let smallestRelativeTolerance = 10 * Double.ulpOfOne

    public init(
        stepper: GSLStepper = .default, relativeTolerance: Double = 1e-10, absoluteTolerance: Double = 1e-12,
        initialStep: Double? = nil, maxSteps: Int = 10_000_000, eventTimeTolerance: EventTolerance = EventTolerance(),
        repellingRule: RepellingSurfaceRule = .negativeSide
    ) {
        self.stepper = stepper
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.initialStep = initialStep
        self.maxSteps = maxSteps
        self.eventTimeTolerance = eventTimeTolerance
        self.repellingRule = repellingRule
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
    }
}
