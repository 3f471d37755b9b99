import CGSL

/// The vector field as handed to GSL: writes F(y) into the second pointer and returns
/// `false` when the result is not finite (GSL then halves the step and retries).
typealias GSLFieldFunction = (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Bool

/// The Jacobian ∂F_i/∂y_j as handed to GSL, row-major, dimension × dimension.
typealias GSLJacobianFunction = (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void

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
/// the implicit and multistep methods to their control) plus a second, control-free
/// explicit step object used to re-step from a saved step start during event location.
///
/// This file is the only place where FlowEngine touches C pointers and `Unmanaged`.
final class GSLIntegrator {
    let stepper: GSLStepper
    let dimension: Int
    private let context: GSLSystemContext
    private let system: UnsafeMutablePointer<gsl_odeiv2_system>
    private let driver: UnsafeMutablePointer<gsl_odeiv2_driver>
    private let refinementStep: UnsafeMutablePointer<gsl_odeiv2_step>
    private let refinementError: UnsafeMutablePointer<Double>
    private var failedStepsBeforeReset = 0

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
    init(
        stepper: GSLStepper, dimension: Int, relativeTolerance: Double, absoluteTolerance: Double,
        initialStep: Double, field: @escaping GSLFieldFunction, jacobian: @escaping GSLJacobianFunction
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
                return context.field(y!, dydt!) ? GSLError.success : GSLError.domainError
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
            throw GSLError(status: 8, function: "gsl_odeiv2_driver_alloc_y_new", t: nil, h: nil)
        }
        self.driver = driver
        guard let refinementStep = gsl_odeiv2_step_alloc(stepper.refinementStepper.stepType, dimension) else {
            gsl_odeiv2_driver_free(driver)
            system.deallocate()
            throw GSLError(status: 8, function: "gsl_odeiv2_step_alloc", t: nil, h: nil)
        }
        self.refinementStep = refinementStep
        refinementError = .allocate(capacity: dimension)
    }

    deinit {
        gsl_odeiv2_step_free(refinementStep)
        gsl_odeiv2_driver_free(driver)
        system.deallocate()
        refinementError.deallocate()
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
        let status = gsl_odeiv2_evolve_apply(d.e, d.c, d.s, system, &t, tEnd, &h, state)
        guard status == GSLError.success else {
            throw GSLError(status: status, function: "gsl_odeiv2_evolve_apply", t: t, h: h)
        }
        acceptedStepCount += 1
    }

    /// One control-free step of the refinement method from a saved step start:
    /// `result` = Φ_size(`start`). Used to evaluate switching functions at trial times
    /// without trusting an interpolant.
    func restep(from t0: Double, state start: UnsafePointer<Double>, size: Double, into result: UnsafeMutablePointer<Double>) throws(GSLError) {
        result.update(from: start, count: dimension)
        restepCount += 1
        guard size != 0 else { return }
        let status = gsl_odeiv2_step_apply(refinementStep, t0, size, result, refinementError, nil, nil, system)
        guard status == GSLError.success else {
            throw GSLError(status: status, function: "gsl_odeiv2_step_apply", t: t0, h: size)
        }
    }

    /// Forgets all step history. Needed after every mode switch: evolve reuses the last
    /// `dydt_out` as the next `dydt_in`, and multistep methods keep past values.
    func reset() {
        failedStepsBeforeReset += Int(driver.pointee.e.pointee.failed_steps)
        gsl_odeiv2_evolve_reset(driver.pointee.e)
        gsl_odeiv2_step_reset(driver.pointee.s)
    }
}
