/// Why a flow could not go on. Every case names the time, and surfaces where they apply.
public enum FlowError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The problem or options were rejected before integrating.
    case invalidProblem(String)
    /// GSL could not shrink the step enough to meet the tolerances.
    case stepSizeUnderflow(t: Double, h: Double)
    /// The field stayed non-finite (NaN or ±inf) however small the step.
    case nonFiniteField(t: Double)
    /// Any other GSL failure, with the GSL function, status, time and step size.
    indirect case integrator(GSLError)
    /// The equivalent-control system of the surfaces slid on has no solution: it is
    /// singular (their jumps' normal components are dependent) and inconsistent, so no
    /// sliding velocity keeps all of them at zero. (A singular consistent system has many
    /// gates and one velocity; `SmallLinearSolver` picks the gates.) Also when the system has
    /// a NaN or infinite entry.
    case singularSlidingSystem(surfaces: [Int], t: Double)
    /// A repelling contact under `RepellingSurfaceRule.fail`.
    case repellingSurface(surface: Int, t: Double)
    /// No consistent gate pattern was found for surfaces met together.
    case inconsistentSwitching(surfaces: [Int], t: Double)
    /// Events kept accumulating within the event-time tolerance (Zeno behaviour) on
    /// `surfaces`, and sliding could not absorb them.
    case eventAccumulation(count: Int, surfaces: [Int], t: Double)
    /// The step limit in `FlowOptions.maxSteps` was reached.
    case stepLimitExceeded(count: Int, t: Double)
    /// The event locator did not converge.
    case eventLocationFailed(surfaces: [Int], t: Double)
    /// An accepted state, or the field there, is not finite (NaN or ±inf): `cause` says
    /// which component. Integrating on would only carry NaN to the end time.
    case nonFiniteState(t: Double, cause: String)

    public var description: String { description(surfaceName: { "surface \($0)" }) }

    /// The message, each surface called by `surfaceName(j)` (a model's words for surface j,
    /// e.g. "(neuron 3, sample 17)").
    public func description(surfaceName: (Int) -> String) -> String {
        func names(_ surfaces: [Int]) -> String { surfaces.map(surfaceName).joined(separator: ", ") }
        switch self {
        case .invalidProblem(let message):
            return message
        case .stepSizeUnderflow(let t, let h):
            return "the step size underflowed at t = \(t) (h = \(h)): the tolerances cannot be met there "
                + "(the field is not smooth enough or not finite near this state); try a looser rtol or atol, "
                + "or another stepper"
        case .nonFiniteField(let t):
            return "the vector field is not finite at t = \(t)"
        case .integrator(let error):
            return "GSL failed: \(error)"
        case .singularSlidingSystem(let surfaces, let t):
            return "no sliding velocity keeps \(names(surfaces)) at zero together at t = \(t) "
                + "(their equivalent control is singular and inconsistent, or not finite)"
        case .repellingSurface(let surface, let t):
            return "\(surfaceName(surface)) repels the flow on both sides at t = \(t): the solution is not unique "
                + "(choose a side with the repelling rule)"
        case .inconsistentSwitching(let surfaces, let t):
            return "no consistent gate pattern for \(names(surfaces)) met together at t = \(t)"
        case .eventAccumulation(let count, let surfaces, let t):
            return "\(count) events accumulated within the event-time tolerance near t = \(t) on "
                + "\(names(surfaces)) (chattering that sliding did not absorb: no equivalent control with gates in "
                + "[0, 1] holds them). If the flow has converged by then, set a steady-state tolerance to end the run "
                + "there; otherwise this is Zeno behaviour: shorten the horizon or loosen the event tolerance"
        case .stepLimitExceeded(let count, let t):
            return "the step limit of \(count) steps was reached at t = \(t)"
        case .eventLocationFailed(let surfaces, let t):
            return "event location for \(names(surfaces)) did not converge near t = \(t)"
        case .nonFiniteState(let t, let cause):
            return "the state is no longer finite at t = \(t): \(cause)"
        }
    }
}
