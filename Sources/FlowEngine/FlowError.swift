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
    /// The equivalent-control system of the surfaces slid on is singular (their normals
    /// are dependent, e.g. two identical surfaces), so the sliding gates are not unique.
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

    public var description: String {
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
            return "the sliding gates on surfaces \(surfaces) are not unique at t = \(t) "
                + "(their normals are linearly dependent)"
        case .repellingSurface(let surface, let t):
            return "surface \(surface) repels the flow on both sides at t = \(t): the solution is not unique "
                + "(choose a side with the repelling rule)"
        case .inconsistentSwitching(let surfaces, let t):
            return "no consistent gate pattern for surfaces \(surfaces) met together at t = \(t)"
        case .eventAccumulation(let count, let surfaces, let t):
            return "\(count) events accumulated within the event-time tolerance near t = \(t) on surfaces "
                + "\(surfaces) (chattering that sliding did not absorb: no equivalent control with gates in "
                + "[0, 1] holds them). If the flow has converged by then, set a steady-state tolerance to end the run "
                + "there; otherwise this is Zeno behaviour: shorten the horizon or loosen the event tolerance"
        case .stepLimitExceeded(let count, let t):
            return "the step limit of \(count) steps was reached at t = \(t)"
        case .eventLocationFailed(let surfaces, let t):
            return "event location for surfaces \(surfaces) did not converge near t = \(t)"
        }
    }
}
