import CGSL
import CStepTypes

/// The GSL odeiv2 stepping methods, selectable by their GSL names, and ReLUFlow's own
/// limexw (`CStepTypes`), which GSL's evolve, control and driver run like theirs.
///
/// Capabilities are data, as in GSL's own `gsl_odeiv2_step_type` table: whether the method is
/// a one-step method that can re-step from a step start for event refinement
/// (`canRestepFromStepStart`: the explicit Runge–Kutta methods and limexw). The implicit
/// methods (rk1imp, rk2imp, rk4imp, bsimp, msbdf) call the Jacobian, which the engine gives
/// exactly when the system provides it and by central differences otherwise; the multistep
/// ones (msadams, msbdf) keep a history that the engine resets after every event. limexw
/// needs no Jacobian: it finds the few stiff directions it damps from the field alone.
public enum GSLStepper: String, CaseIterable, Sendable {
    /// Explicit embedded Runge–Kutta (2, 3).
    case rk2
    /// Explicit 4th-order Runge–Kutta, error by step doubling.
    case rk4
    /// Explicit embedded Runge–Kutta–Fehlberg (4, 5).
    case rkf45
    /// Explicit embedded Runge–Kutta Cash–Karp (4, 5).
    case rkck
    /// Explicit embedded Runge–Kutta Prince–Dormand (8, 9); the default.
    case rk8pd
    /// Implicit Gaussian first order (backward Euler).
    case rk1imp
    /// Implicit Gaussian second order.
    case rk2imp
    /// Implicit Gaussian 4th order.
    case rk4imp
    /// Implicit Bulirsch–Stoer of Bader and Deuflhard.
    case bsimp
    /// Variable-coefficient linear multistep Adams (orders 1–12).
    case msadams
    /// Variable-coefficient linear multistep backward differentiation formula (orders 1–5).
    case msbdf
    /// Extrapolated linearly implicit Euler with a low-rank W (ReLUFlow's own, `CStepTypes`):
    /// explicit but for the Jacobian's few dominant directions, which it damps implicitly.
    case limexw

    /// The stepper used when a scenario names none.
    public static let `default` = GSLStepper.rk8pd

    /// One-step methods whose single step meets the step's accuracy: a step of any size from
    /// a saved start is self-contained (a single step of bsimp's or of the Gaussian methods
    /// would not be).
    public var canRestepFromStepStart: Bool {
        switch self {
        case .rk2, .rk4, .rkf45, .rkck, .rk8pd, .limexw: true
        default: false
        }
    }

    /// One-step methods whose step object keeps what it derived at a step start (limexw's
    /// W): re-steps use the stepping object itself, so that a re-step from a step's start
    /// uses that step's W, bit for bit.
    var restepsWithTheSteppingObject: Bool { self == .limexw }

    /// The implicit methods, which use the Jacobian and stay stable for stiff problems.
    public var isImplicit: Bool {
        switch self {
        case .rk1imp, .rk2imp, .rk4imp, .bsimp, .msbdf: true
        default: false
        }
    }

    /// Where the explicit method's stability region ends on the negative real axis: the
    /// largest |hλ| it stays stable at for a real eigenvalue λ < 0 of the Jacobian (nil for the
    /// other methods). A step with h·ρ(J) near it is limited by stability, not accuracy
    /// (`StiffnessMonitor`). rk4: 2.785 (the classical method's interval); rk8pd (Prince &
    /// Dormand's RK8(7)13M): 6.0, borrowed from the eighth-order DOP853 of Hairer & Wanner, whose
    /// stiffness test is h·ρ > 6.1 (the monitor asks only half of it); rk2, rkf45, rkck: 2.0,
    /// 3.0, 3.0, the interval's rounded-down size for their error-controlling formulas.
    public var realStabilityBoundary: Double? {
        switch self {
        case .rk2: 2.0
        case .rk4: 2.785
        case .rkf45, .rkck: 3.0
        case .rk8pd: 6.0
        default: nil
        }
    }

    var stepType: UnsafePointer<gsl_odeiv2_step_type> {
        if self == .limexw { return reluflow_limexw_step_type() }
        guard let type = reluflow_step_type_named(rawValue) else {
            preconditionFailure("GSL has no stepper named \(rawValue)")
        }
        return type
    }
}
