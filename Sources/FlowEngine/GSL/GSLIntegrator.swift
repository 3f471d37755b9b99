import CGSL

/// What a field evaluation tells GSL.
enum GSLFieldStatus {
    case success
    /// F is not usable here (not finite, or no equivalent control): GSL halves the step
    /// and retries (`GSL_EDOM`), and fails once the step cannot shrink.
    case recoverable
}

/// The vector field as handed to GSL: writes F(y) into the second pointer.
typealias GSLFieldFunction = (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> GSLFieldStatus

/// The Jacobian ∂F_i/∂y_j as handed to GSL, row-major, dimension × dimension.
typealias GSLJacobianFunction = (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void

/// Writes, for the state in the first pointer, the magnitude each component's error is
/// measured against (see `ErrorScaledSystem`).
typealias GSLErrorScaleFunction = (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void

/// The Swift side of a `gsl_odeiv2_system`: GSL reaches it through `params`.
final class GSLSystemContext {
    let field: GSLFieldFunction
    let jacobian: GSLJacobianFunction
    let dimension: Int

    init(dimension: Int, field: @escaping GSLFieldFunction, jacobian: @escaping GSLJacobianFunction) {
        self.dimension = dimension
        self.field = field
        self.jacobian = jacobian
    }
}

/// Owns GSL's step, control and evolve objects (through a `gsl_odeiv2_driver`, which wires
/// the implicit and multistep methods to their control) plus what re-steps from a saved
/// step start during event location: a control-free step object of the same method when it
/// is explicit one-step (for limexw the driver's own step object, which keeps the W of each
/// step start), else an adaptive rk8pd driver at the same tolerances (a single
/// rk8pd step over a Bulirsch–Stoer or multistep step length would be far less accurate
/// than the step it refines).
///
/// This file is the only place where FlowEngine touches C pointers and `Unmanaged`.
final class GSLIntegrator {
    let stepper: GSLStepper
    let dimension: Int
    private let context: GSLSystemContext
    private let system: UnsafeMutablePointer<gsl_odeiv2_system>
    private let driver: UnsafeMutablePointer<gsl_odeiv2_driver>
    private let refinementStep: UnsafeMutablePointer<gsl_odeiv2_step>?
    private let refinementDriver: UnsafeMutablePointer<gsl_odeiv2_driver>?
    private let refinementError: UnsafeMutablePointer<Double>
    private var failedStepsBeforeReset = 0
    private let errorScale: GSLErrorScaleFunction?
    /// The scales the controls read, refreshed from the state before every step.
    private let errorScales: UnsafeMutablePointer<Double>

    /// Accepted steps taken by `step(t:until:h:state:)`.
    private(set) var acceptedStepCount = 0
    /// Re-steps taken by `restep(from:state:size:into:)`.
    private(set) var restepCount = 0

    /// Steps GSL rejected and retried with a smaller h.
    var failedStepCount: Int { failedStepsBeforeReset + Int(driver.pointee.e.pointee.failed_steps) }

    /// - Parameters:
    ///   - relativeTolerance, absoluteTolerance: GSL's `eps_rel` and `eps_abs` for the
    ///     "y" control, D_i = eps_abs + eps_rel·|y_i|.
    ///   - initialStep: the first trial step; GSL shrinks it if the error is too large.
    ///   - errorScale: when given, the controls measure component i against
    ///     max(|y_i|, scale_i) instead: D_i = eps_abs + eps_rel·max(|y_i|, scale_i), with
    ///     the scales taken at each step's start (shim.h, `reluflow_scaled_y_type`).
    init(
        stepper: GSLStepper, dimension: Int, relativeTolerance: Double, absoluteTolerance: Double,
        initialStep: Double, field: @escaping GSLFieldFunction, jacobian: @escaping GSLJacobianFunction,
        errorScale: GSLErrorScaleFunction? = nil
    ) throws(GSLError) {
        precondition(dimension > 0, "GSLIntegrator needs a positive dimension")
        _ = GSLErrorHandler.isOff
        self.stepper = stepper
        self.dimension = dimension
        context = GSLSystemContext(dimension: dimension, field: field, jacobian: jacobian)
        system = .allocate(capacity: 1)
        system.initialize(to: gsl_odeiv2_system(
            function: { _, y, dydt, params in
                let context = Unmanaged<GSLSystemContext>.fromOpaque(params!).takeUnretainedValue()
                switch context.field(y!, dydt!) {
                case .success: return GSLError.success
                case .recoverable: return GSLError.domainError
                }
            },
            jacobian: { _, y, dfdy, dfdt, params in
                let context = Unmanaged<GSLSystemContext>.fromOpaque(params!).takeUnretainedValue()
                context.jacobian(y!, dfdy!)
                // Autonomous systems: ∂F/∂t = 0.
                dfdt!.initialize(repeating: 0, count: context.dimension)
                return GSLError.success
            },
            dimension: dimension,
            params: Unmanaged.passUnretained(context).toOpaque()
        ))
        guard let driver = gsl_odeiv2_driver_alloc_y_new(
            system, stepper.stepType, initialStep, absoluteTolerance, relativeTolerance)
        else {
            system.deallocate()
            throw GSLError(status: GSLError.outOfMemory, function: "gsl_odeiv2_driver_alloc_y_new", t: nil, h: nil)
        }
        self.driver = driver
        if stepper.restepsWithTheSteppingObject {
            refinementStep = driver.pointee.s
            refinementDriver = nil
        } else if stepper.canRestepFromStepStart {
            refinementStep = gsl_odeiv2_step_alloc(stepper.stepType, dimension)
            refinementDriver = nil
        } else {
            refinementStep = nil
            refinementDriver = gsl_odeiv2_driver_alloc_y_new(
                system, GSLStepper.rk8pd.stepType, initialStep, absoluteTolerance, relativeTolerance)
        }
        guard refinementStep != nil || refinementDriver != nil else {
            gsl_odeiv2_driver_free(driver)
            system.deallocate()
            throw GSLError(status: GSLError.outOfMemory, function: "gsl_odeiv2_step_alloc", t: nil, h: nil)
        }
        refinementError = .allocate(capacity: dimension)
        self.errorScale = errorScale
        errorScales = .allocate(capacity: dimension)
        errorScales.initialize(repeating: 0, count: dimension)
        guard errorScale != nil else { return }
        for scaled in [driver, refinementDriver].compactMap({ $0 }) {
            let status = reluflow_driver_use_scaled_y_control(scaled, absoluteTolerance, relativeTolerance, errorScales)
            guard status == GSLError.success else {
                throw GSLError(status: status, function: "reluflow_driver_use_scaled_y_control", t: nil, h: nil)
            }
        }
    }

    deinit {
        if let refinementStep, refinementStep != driver.pointee.s { gsl_odeiv2_step_free(refinementStep) }
        if let refinementDriver { gsl_odeiv2_driver_free(refinementDriver) }
        gsl_odeiv2_driver_free(driver)
        system.deallocate()
        refinementError.deallocate()
        errorScales.deallocate()
    }

    /// Takes one adaptive step with `gsl_odeiv2_evolve_apply`, never past `tEnd`.
    ///
    /// On return `t` and `state` hold the end of the accepted step and `h` GSL's proposal
    /// for the next one.
    ///
    /// - Throws: the GSL status if the step failed (`GSL_FAILURE` when h can no longer
    ///   shrink, the field's status when F stayed non-finite); `state` then holds the
    ///   step start again.
    func step(t: inout Double, until tEnd: Double, h: inout Double, state: UnsafeMutablePointer<Double>) throws(GSLError) {
        let d = driver.pointee
        errorScale?(state, errorScales)
        let status = gsl_odeiv2_evolve_apply(d.e, d.c, d.s, system, &t, tEnd, &h, state)
        guard status == GSLError.success else {
            throw GSLError(status: status, function: "gsl_odeiv2_evolve_apply", t: t, h: h)
        }
        acceptedStepCount += 1
    }

    /// Integrates from a saved step start over `size` (at most the accepted step):
    /// `result` = Φ_size(`start`). Used to evaluate switching functions at trial times
    /// without trusting an interpolant. Deterministic: the same start and size give the
    /// same result. `derivative`, F at the start when the caller has it, spares the one-step
    /// methods their first stage (GSL's `dydt_in`); the result is the same to the last bit.
    func restep(from t0: Double, state start: UnsafePointer<Double>, derivative: UnsafePointer<Double>?, size: Double,
                into result: UnsafeMutablePointer<Double>) throws(GSLError) {
        result.update(from: start, count: dimension)
        restepCount += 1
        guard size != 0 else { return }
        if let refinementStep {
            let status = gsl_odeiv2_step_apply(refinementStep, t0, size, result, refinementError, derivative, nil, system)
            guard status == GSLError.success else {
                throw GSLError(status: status, function: "gsl_odeiv2_step_apply", t: t0, h: size)
            }
        } else if let refinementDriver {
            gsl_odeiv2_driver_reset_hstart(refinementDriver, size)
            var t = t0
            let status = gsl_odeiv2_driver_apply(refinementDriver, &t, t0 + size, result)
            guard status == GSLError.success else {
                throw GSLError(status: status, function: "gsl_odeiv2_driver_apply", t: t, h: size)
            }
        }
    }

    /// Forgets all step history. Needed after every mode switch: evolve reuses the last
    /// `dydt_out` as the next `dydt_in`, and multistep methods keep past values.
    func reset() {
        forgetDerivative()
        gsl_odeiv2_step_reset(driver.pointee.s)
    }

    /// Forgets the derivative evolve carries from one step to the next. Needed whenever the
    /// state is changed between steps with the field unchanged (a projection back onto the
    /// sliding surfaces): evolve reuses the last `dydt_out` as the next `dydt_in` while its
    /// step count is nonzero, so the next step's first stage would use F at the old state.
    /// The method's own history (multistep) is kept: the change is within the tolerance.
    func forgetDerivative() {
        failedStepsBeforeReset += Int(driver.pointee.e.pointee.failed_steps)
        gsl_odeiv2_evolve_reset(driver.pointee.e)
    }
}
