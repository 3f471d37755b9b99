/// How to integrate: the GSL method, its tolerances and the engine's limits.
public struct FlowOptions: Sendable {
    public var stepper: GSLStepper
    /// The implicit method the run changes to where the explicit `stepper` is limited by
    /// stability rather than accuracy (a converging flow's stiff endgame), and back from where it
    /// no longer pays (`StiffSwitchingIntegrator`); nil keeps `stepper` throughout. Unused when
    /// `stepper` is itself implicit, and for systems above `stiffSwitchDimensionLimit`.
    public var stiffStepper: GSLStepper?
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

    /// The largest dimension the run changes to `stiffStepper` at: the implicit methods keep
    /// dense dimension × dimension matrices and factor them (O(p³)).
    public static let stiffSwitchDimensionLimit = 1500

    /// Tolerances below this relative size cannot be met in double precision.
    public static let smallestRelativeTolerance = 10 * Double.ulpOfOne

    public init(
        stepper: GSLStepper = .default, stiffStepper: GSLStepper? = .msbdf,
        relativeTolerance: Double = 1e-10, absoluteTolerance: Double = 1e-12,
        initialStep: Double? = nil, maxSteps: Int = 10_000_000, eventTimeTolerance: EventTolerance = EventTolerance(),
        repellingRule: RepellingSurfaceRule = .negativeSide, steadyStateTolerance: Double? = nil,
        accumulationLimit: Int = 1000, stallLimit: Int = 100, chatteringContactLimit: Int = 8,
        chatteringWindow: Double = 1000
    ) {
        self.stepper = stepper
        self.stiffStepper = stiffStepper
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

    /// A setting `firstInvalidSetting()` can reject, with its name in messages.
    public enum Setting: String, Sendable, CaseIterable {
        case stiffStepper = "stiff stepper"
        case relativeTolerance = "relative tolerance"
        case absoluteTolerance = "absolute tolerance"
        case initialStep = "initial step"
        case maxSteps = "step limit"
        case steadyStateTolerance = "steady-state tolerance"
        case accumulationLimit = "accumulation limit"
        case stallLimit = "stall limit"
        case chatteringContactLimit = "chattering contact limit"
        case chatteringWindow = "chattering window"
    }

    /// The first setting that cannot be used, and why (`"must be positive and finite, got 0"`),
    /// or nil when all are valid. Callers that name settings in their own words (a scenario
    /// file's `rtol`) map `Setting` to them; the checks themselves exist only here.
    public func firstInvalidSetting() -> (setting: Setting, reason: String)? {
        func positive(_ value: Double?) -> Bool { value.map { $0.isFinite && $0 > 0 } ?? true }
        if let stiffStepper, !stiffStepper.isImplicit {
            return (.stiffStepper,
                    "must be an implicit method (rk1imp, rk2imp, rk4imp, bsimp, msbdf), got \(stiffStepper.rawValue)")
        }
        if !positive(relativeTolerance) {
            return (.relativeTolerance, "must be positive and finite, got \(relativeTolerance)")
        }
        if relativeTolerance >= 1 {
            return (.relativeTolerance,
                    "\(relativeTolerance) is not below 1: an error of 100% or more controls nothing")
        }
        if relativeTolerance < Self.smallestRelativeTolerance {
            return (.relativeTolerance, "\(relativeTolerance) is below \(Self.smallestRelativeTolerance), "
                + "which double precision cannot meet")
        }
        if !positive(absoluteTolerance) {
            return (.absoluteTolerance, "must be positive and finite, got \(absoluteTolerance)")
        }
        if !positive(initialStep) { return (.initialStep, "must be positive and finite, got \(initialStep!)") }
        if maxSteps <= 0 { return (.maxSteps, "must be positive, got \(maxSteps)") }
        if !positive(steadyStateTolerance) {
            return (.steadyStateTolerance, "must be positive and finite, got \(steadyStateTolerance!)")
        }
        if accumulationLimit <= 0 { return (.accumulationLimit, "must be positive, got \(accumulationLimit)") }
        if stallLimit <= 0 { return (.stallLimit, "must be positive, got \(stallLimit)") }
        if chatteringContactLimit < 2 {
            return (.chatteringContactLimit, "must be at least 2, got \(chatteringContactLimit)")
        }
        if !positive(chatteringWindow) {
            return (.chatteringWindow, "must be positive and finite, got \(chatteringWindow)")
        }
        return nil
    }

    /// - Throws: `FlowError.invalidProblem` naming the first invalid setting.
    func validate() throws(FlowError) {
        if let (setting, reason) = firstInvalidSetting() { throw .invalidProblem("the \(setting.rawValue) \(reason)") }
    }
}
