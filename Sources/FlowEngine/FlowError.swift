/// Why a flow could not go on. Every case names the time, and surfaces where they apply.
public enum FlowError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The problem or options were rejected before integrating.
    case invalidProblem(String)
    /// GSL could not shrink the step enough to meet the tolerances.
    case stepSizeUnderflow(t: Double, h: Double)
    /// The field stayed non-finite (NaN or ±inf) however small the step.
    case nonFiniteField(t: Double)
    /// Any other GSL failure.
    case integrator(status: Int32, reason: String, t: Double)
    /// Both one-sided fields point into these surfaces: the Filippov solution slides
    /// along them, which this engine does not integrate yet.
    case attractingSurface(surfaces: [Int], t: Double)
    /// No consistent gate pattern was found for surfaces met together.
    case inconsistentSwitching(surfaces: [Int], t: Double)
    /// Events kept accumulating within the event-time tolerance (Zeno behaviour).
    case eventAccumulation(count: Int, t: Double)
    /// The step limit in `FlowOptions.maxSteps` was reached.
    case stepLimitExceeded(count: Int, t: Double)
    /// The event locator did not converge.
    case eventLocationFailed(surfaces: [Int], t: Double)

    public var description: String {
        switch self {
        case .invalidProblem(let message):
            return message
        case .stepSizeUnderflow(let t, let h):
            return "the step size underflowed at t = \(t) (h = \(h)): the tolerances cannot be met"
        case .nonFiniteField(let t):
            return "the vector field is not finite at t = \(t)"
        case .integrator(let status, let reason, let t):
            return "GSL failed with status \(status) (\(reason)) at t = \(t)"
        case .attractingSurface(let surfaces, let t):
            return "surfaces \(surfaces) attract the flow from both sides at t = \(t): "
                + "the solution slides along them (Filippov sliding is not supported yet)"
        case .inconsistentSwitching(let surfaces, let t):
            return "no consistent gate pattern for surfaces \(surfaces) met together at t = \(t)"
        case .eventAccumulation(let count, let t):
            return "\(count) events accumulated within the event-time tolerance near t = \(t) (chattering)"
        case .stepLimitExceeded(let count, let t):
            return "the step limit of \(count) steps was reached at t = \(t)"
        case .eventLocationFailed(let surfaces, let t):
            return "event location for surfaces \(surfaces) did not converge near t = \(t)"
        }
    }
}
