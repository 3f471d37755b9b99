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
/// Guarantees: evaluations change no state of the flow (`gateMargin` sets gate j to 0 and 1
/// and restores it);
/// ∂g_j/∂x_k are the rates ∇g_j·e_k, one surface's rate at a time when the system provides
/// it (`JumpProvidingSystem`), all rates otherwise.
final class ResolutionBand<System: PiecewiseSmoothSystem> {
    private let system: System
    private let jumpProvider: (any JumpProvidingSystem)?
    private let relativeTolerance: Double
    private let absoluteTolerance: Double
    private let buffers = ScratchBuffers()
    private let direction: UnsafeMutablePointer<Double>
    private let rates: UnsafeMutablePointer<Double>
    private let sideField: UnsafeMutablePointer<Double>
    private let jump: UnsafeMutablePointer<Double>
    /// h: the length of the last accepted step.
    var stepLength: Double

    init(system: System, options: FlowOptions, initialStep: Double) {
        self.system = system
        jumpProvider = system as? any JumpProvidingSystem
        relativeTolerance = options.relativeTolerance
        absoluteTolerance = options.absoluteTolerance
        direction = buffers.doubles(system.dimension)
        rates = buffers.doubles(system.surfaceCount)
        sideField = buffers.doubles(system.dimension)
        jump = buffers.doubles(system.dimension)
        stepLength = initialStep
    }

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

    /// μ_j = v_j / |∇g_j·J_j| at x, with the jump taken in the gate pattern `gates`
    /// (s_j = 0 there); +∞ where the jump has no normal component.
    func gateMargin(of j: Int, at x: UnsafePointer<Double>, gates: UnsafeMutablePointer<Double>) -> Double {
        if let provider = jumpProvider {
            provider.jump(of: j, at: x, gates: gates, into: jump)
        } else {
            let gate = gates[j]
            gates[j] = 0
            system.evaluate(at: x, gates: gates, field: sideField, switching: nil)
            gates[j] = 1
            system.evaluate(at: x, gates: gates, field: jump, switching: nil)
            gates[j] = gate
            for r in 0..<system.dimension { jump[r] -= sideField[r] }
        }
        return resolvableSpeed(of: j, at: x) / abs(rate(of: j, at: x, along: jump))
    }

    private func rate(of j: Int, at x: UnsafePointer<Double>, along v: UnsafePointer<Double>) -> Double {
        if let provider = jumpProvider { return provider.switchingRate(of: j, at: x, velocity: v) }
        system.switchingRates(at: x, velocity: v, into: rates)
        return rates[j]
    }
}
