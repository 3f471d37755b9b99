/// The Jacobian of the sliding field F_S(x) = F(x, s(x)) for the implicit methods, from the
/// system's own Jacobian A = ∂F/∂x at the solved gates (`JacobianProvidingSystem`).
///
/// The gates s(x) keep ∇g_i·F(x, s(x)) = 0 for every sliding i; differentiating, with
/// switching functions affine in x (∇²g_i = 0),
/// ```
/// ∇g_S (A + J_S ∂s/∂x) = 0   ⇒   ∂s/∂x = −M⁻¹ ∇g_S A,   ∂F_S/∂x = (I − J_S M⁻¹ ∇g_S) A
/// ```
/// with M = ∇g_S·J_S the equivalent-control matrix (`ModeField`): A's columns projected
/// along the jumps onto the tangent space of S. `ModeField` extends F affinely in the
/// sliding gates; where a model's F is not affine in several gates of one sample at once,
/// the two differ by terms proportional to g_S, whose derivatives lie along ∇g_S: the result
/// is exact on the tangent space of S, where the sliding flow moves, and an approximation
/// across it (which only the Newton iteration of the implicit method sees).
///
/// Replaces p² central differences of the sliding field (2p field evaluations, 600 per
/// Jacobian at the P1 teacher–student size) by one evaluation, A, and k rates and the
/// equivalent control's solve per column (by blocks when `ModeField` solved by blocks: then
/// ∇g_S·column is O(drift) afterwards, not 0, which only Newton's convergence sees).
/// Allocates on its first use only.
final class SlidingJacobian {
    private let system: any JacobianProvidingSystem
    private let buffers = ScratchBuffers()
    private lazy var solvedGates = buffers.doubles(system.surfaceCount)
    private lazy var field = buffers.doubles(system.dimension)
    private lazy var column = buffers.doubles(system.dimension)

    init(system: any JacobianProvidingSystem) {
        self.system = system
    }

    /// Writes ∂F_S/∂x at x row-major into `jacobian`; false when the equivalent control has no
    /// solution at x.
    func evaluate<Modes: PiecewiseSmoothSystem>(_ mode: ModeField<Modes>, at x: UnsafePointer<Double>,
                                                into jacobian: UnsafeMutablePointer<Double>) -> Bool {
        let p = system.dimension
        guard !mode.slidingSurfaces.isEmpty else {
            system.jacobian(at: x, gates: mode.gates, into: jacobian)
            return true
        }
        guard mode.evaluate(at: x, field: field, switching: nil, gatesUsed: solvedGates) else { return false }
        mode.completeGatesUsed(solvedGates)
        system.jacobian(at: x, gates: solvedGates, into: jacobian)
        for k in 0..<p {
            for r in 0..<p { column[r] = jacobian[r * p + k] }
            guard mode.projectAlongJumps(column, at: x) else { return false }
            for r in 0..<p { jacobian[r * p + k] = column[r] }
        }
        return true
    }
}
