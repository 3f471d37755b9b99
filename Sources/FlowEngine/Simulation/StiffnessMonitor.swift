import Foundation

/// Decides when an explicit method is limited by stability rather than accuracy.
///
/// Every `checkInterval` accepted steps it estimates the spectral radius ρ of the current
/// mode's Jacobian by power iteration on differences of the field,
/// ```
/// u = (F(x + εv) − F(x))/ε ≈ J v,   ρ ≈ ‖u‖,   v ← u/‖u‖   (‖v‖ = 1, `iterations` times)
/// ```
/// (the sliding field while sliding), and compares the step just taken with the method's
/// real stability boundary β (`GSLStepper.realStabilityBoundary`): h·ρ ≥ β/2 at
/// `confirmations` checks in a row is stability-limited. A step chosen for accuracy has
/// h·ρ ≪ β on a stiff problem, a stability-limited one hovers near β. For a symmetric
/// Jacobian (the Hessian of a fixed mode) power iteration approaches ρ from below, so a slow
/// estimate only delays the change; while sliding the projected Jacobian is not normal and
/// ‖Jv‖ may overstate ρ, and eigenvalues of either sign count (a saddle's positive ones do
/// not limit stability): a false change costs one block of implicit steps before the change
/// back. This is the test of
/// Hairer & Wanner, *Solving ODEs II*, §IV.2 ("automatic stiffness detection", DOP853's
/// h·ρ > 6.1 from its stages), with ρ from the field instead of the stages, which GSL does
/// not expose.
///
/// Costs 1 + `iterations` field evaluations per check, about 3% of the explicit steps' own.
final class StiffnessMonitor<System: PiecewiseSmoothSystem> {
    static var checkInterval: Int { 20 }
    static var iterations: Int { 8 }
    /// Stiff checks in a row needed.
    static var confirmations: Int { 2 }

    private let mode: ModeField<System>
    private let boundary: Double
    private let buffers = ScratchBuffers()
    private let direction: UnsafeMutablePointer<Double>
    private let shifted: UnsafeMutablePointer<Double>
    private let base: UnsafeMutablePointer<Double>
    private let image: UnsafeMutablePointer<Double>
    private var stepsSinceCheck = 0
    private var stiffChecks = 0

    init(mode: ModeField<System>, stabilityBoundary: Double) {
        self.mode = mode
        boundary = stabilityBoundary
        let p = mode.dimension
        direction = buffers.doubles(p)
        shifted = buffers.doubles(p)
        base = buffers.doubles(p)
        image = buffers.doubles(p)
    }

    /// Starts counting afresh: after an event (a new mode) or a change of method.
    func restart() {
        stepsSinceCheck = 0
        stiffChecks = 0
    }

    /// After an accepted step of length h ending at x: whether the method is now found
    /// stability-limited.
    func isStabilityLimited(afterStepOf h: Double, at x: UnsafePointer<Double>) -> Bool {
        stepsSinceCheck += 1
        guard stepsSinceCheck >= Self.checkInterval else { return false }
        stepsSinceCheck = 0
        let rho = spectralRadiusEstimate(at: x)
        stiffChecks = h * rho >= 0.5 * boundary ? stiffChecks + 1 : 0
        return stiffChecks >= Self.confirmations
    }

    /// ρ(∂F/∂x) at x from below, or 0 where the field cannot be evaluated. The start vector
    /// is fixed (alternating signs of varying size), so runs are deterministic.
    private func spectralRadiusEstimate(at x: UnsafePointer<Double>) -> Double {
        let p = mode.dimension
        guard mode.evaluate(at: x, field: base, switching: nil) else { return 0 }
        var size = 1.0, norm = 0.0
        for i in 0..<p {
            size = max(size, abs(x[i]))
            direction[i] = (i % 2 == 0 ? 1 : -1) * Double(1 + i % 3)
            norm += direction[i] * direction[i]
        }
        norm = norm.squareRoot()
        for i in 0..<p { direction[i] /= norm }
        let epsilon = Double.ulpOfOne.squareRoot() * size
        var rho = 0.0
        for _ in 0..<Self.iterations {
            for i in 0..<p { shifted[i] = x[i] + epsilon * direction[i] }
            guard mode.evaluate(at: shifted, field: image, switching: nil) else { return 0 }
            var length = 0.0
            for i in 0..<p {
                image[i] = (image[i] - base[i]) / epsilon
                length += image[i] * image[i]
            }
            rho = length.squareRoot()
            guard rho.isFinite, rho > 0 else { return 0 }
            for i in 0..<p { direction[i] = image[i] / rho }
        }
        return rho
    }
}
