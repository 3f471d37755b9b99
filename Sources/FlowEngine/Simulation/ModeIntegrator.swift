/// GSL wired to the field of the current mode: the one place the simulator meets
/// `GSLIntegrator`.
///
/// Assumes: the mode is only changed between steps, and the caller resets (`reset`) after
/// every mode change and forgets the carried derivative (`forgetDerivative`) after every
/// change of the state between steps.
/// Guarantees: GSL sees F of the current mode (a singular equivalent control or a
/// non-finite F at a trial stage is recoverable: GSL halves the step); the implicit
/// methods get the system's exact Jacobian, projected along the jumps while sliding
/// (`SlidingJacobian`), or central differences of the field when the system has none; a
/// system's error scales reach the step control; every GSL failure becomes a `FlowError`
/// that keeps what GSL said.
final class ModeIntegrator {
    private let integrator: GSLIntegrator
    private let jacobians: JacobianCount

    /// Jacobian evaluations GSL asked for (each followed by a factorisation).
    private final class JacobianCount { var value = 0 }

    init<System: PiecewiseSmoothSystem>(mode: ModeField<System>, options: FlowOptions, initialStep: Double)
        throws(FlowError)
    {
        let system = mode.system
        let dimension = system.dimension
        let field: GSLFieldFunction = { y, dydt in
            // A singular equivalent control at a trial stage (a stage of a step too long
            // for the mode, far off the surfaces) is GSL's to fix by shrinking the step;
            // at an accepted state the driver reports it.
            guard mode.evaluate(at: y, field: dydt, switching: nil) else { return .recoverable }
            for i in 0..<dimension where !dydt[i].isFinite { return .recoverable }
            return .success
        }
        // The model's exact Jacobian holds for fixed gates; while sliding the gates depend
        // on x, and `SlidingJacobian` adds that dependence.
        let exact = (system as? any JacobianProvidingSystem).map(SlidingJacobian.init)
        let differences = FiniteDifferenceJacobian(dimension: dimension)
        let jacobians = JacobianCount()
        self.jacobians = jacobians
        let jacobian: GSLJacobianFunction = { y, matrix in
            jacobians.value += 1
            if let exact, exact.evaluate(mode, at: y, into: matrix) { return }
            differences.evaluate(at: y, into: matrix) { x, f in _ = field(x, f) }
        }
        let scaled = system as? any ErrorScaledSystem
        let errorScale: GSLErrorScaleFunction? = scaled.map { scaled in { x, scales in scaled.errorScales(at: x, into: scales) } }
        do {
            integrator = try GSLIntegrator(
                stepper: options.stepper, dimension: dimension,
                relativeTolerance: options.relativeTolerance, absoluteTolerance: options.absoluteTolerance,
                initialStep: initialStep, field: field, jacobian: jacobian, errorScale: errorScale)
        } catch {
            throw .integrator(error)
        }
    }

    var acceptedStepCount: Int { integrator.acceptedStepCount }
    var failedStepCount: Int { integrator.failedStepCount }
    var restepCount: Int { integrator.restepCount }
    /// Jacobians evaluated for the implicit method (0 for an explicit one).
    var jacobianCount: Int { jacobians.value }

    /// One adaptive step from `t` towards `limit`; on failure `state` is restored to
    /// `start` (the step's saved start) and `t` to its value on entry.
    func step(t: inout Double, until limit: Double, h: inout Double, state: UnsafeMutablePointer<Double>,
              start: UnsafePointer<Double>) throws(FlowError) {
        let t0 = t
        do {
            try integrator.step(t: &t, until: limit, h: &h, state: state)
        } catch {
            t = t0
            state.update(from: start, count: integrator.dimension)
            throw Self.failure(from: error, t: t0)
        }
    }

    /// result = Φ_{t − t0}(start), re-stepped from the saved step start.
    func restep(from t0: Double, state start: UnsafePointer<Double>, derivative: UnsafePointer<Double>?, to t: Double,
                into result: UnsafeMutablePointer<Double>) throws(FlowError) {
        do {
            try integrator.restep(from: t0, state: start, derivative: derivative, size: t - t0, into: result)
        } catch {
            throw Self.failure(from: error, t: t0)
        }
    }

    /// After a mode switch: all step history goes.
    func reset() { integrator.reset() }

    /// After the state was moved between steps (a projection): the derivative GSL would
    /// reuse goes.
    func forgetDerivative() { integrator.forgetDerivative() }

    private static func failure(from error: GSLError, t: Double) -> FlowError {
        switch error.status {
        case GSLError.failure: .stepSizeUnderflow(t: t, h: error.h ?? 0)
        case GSLError.domainError: .nonFiniteField(t: t)
        default: .integrator(error)
        }
    }
}
