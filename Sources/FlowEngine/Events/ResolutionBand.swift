/// What the integrator resolves of each switching function, and the hysteresis widths
/// that follow from it.
///
/// The step control keeps the local error of each component within w_k = atol + rtol·|x_k|,
/// so g_j is known to its resolution band, and its rate over a step of length h to its
/// resolvable speed:
/// ```
/// ε_j = Σ_k |∂g_j/∂x_k| · (atol + rtol·|x_k|),     v_j = ε_j / h.
/// ```
/// A sliding gate s_j = −σ−/(σ+ − σ−) is then known to the resolvable margin
/// μ_j = v_j / |∇g_j·J_j|, with J_j = F(x, s_j = 1) − F(x, s_j = 0) (σ+ − σ− = ∇g_j·J_j).
/// Below these a contact's sign is the integrator's noise, not the flow's (see
/// `ContactResolver` and `FlowSimulator` for the hysteresis built on them).
///
/// Assumes: `stepLength` is the length of the last accepted step.
/// Guarantees: evaluations change no state of the flow (`gateMargin` takes the group's jump
/// from `ModeField.jump`, which restores the pattern and counts its field evaluations);
/// ∂g_j/∂x_k are the rates ∇g_j·e_k, one surface's rate at a time when the system provides
/// it (`ModeField.switchingRate`), all rates otherwise.
final class ResolutionBand<System: PiecewiseSmoothSystem> {
    private let mode: ModeField<System>
    private let relativeTolerance: Double
    private let absoluteTolerance: Double
    private let buffers = ScratchBuffers()
    private let direction: UnsafeMutablePointer<Double>
    private let jump: UnsafeMutablePointer<Double>
    /// h: the length of the last accepted step.
    var stepLength: Double

    init(mode: ModeField<System>, options: FlowOptions, initialStep: Double) {
        self.mode = mode
        relativeTolerance = options.relativeTolerance
        absoluteTolerance = options.absoluteTolerance
        direction = buffers.doubles(mode.dimension)
        jump = buffers.doubles(mode.dimension)
        stepLength = initialStep
    }

    private var system: System { mode.system }

    /// ε_j at x.
    func band(of j: Int, at x: UnsafePointer<Double>) -> Double {
        var total = 0.0
        for k in 0..<system.dimension {
            direction[k] = 1
            total += abs(rate(of: j, at: x, along: direction)) * (absoluteTolerance + relativeTolerance * abs(x[k]))
            direction[k] = 0
        }
        return total
    }

    /// v_j = ε_j / h at x.
    func resolvableSpeed(of j: Int, at x: UnsafePointer<Double>) -> Double {
        band(of: j, at: x) / stepLength
    }

    /// μ_j = v_j / |∇g_j·J_j| at x for a leader j slid on, J_j its group's jump in the mode's
    /// pattern (`ModeField.jump`, the jump its equivalent control uses); +∞ where the jump has
    /// no normal component.
    func gateMargin(of j: Int, at x: UnsafePointer<Double>) -> Double {
        mode.jump(of: j, at: x, base: nil, into: jump)
        return resolvableSpeed(of: j, at: x) / abs(rate(of: j, at: x, along: jump))
    }

    private func rate(of j: Int, at x: UnsafePointer<Double>, along v: UnsafePointer<Double>) -> Double {
        mode.switchingRate(of: j, at: x, along: v)
    }
}
