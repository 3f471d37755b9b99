import FlowEngine
import Models

/// For every surface j of `system` at `state` moved onto surface j (along ∇g_j, the
/// switching functions being affine) with `gates`: the largest entry of
/// |jump(of: j) − (F(s_j = 1) − F(s_j = 0))| relative to the field's size; whether the
/// single-surface rate equals the entry of the full rates for `velocity` exactly; and
/// whether the jump blocks hold: ∇g_i·J_j is exactly 0 for every i in another block.
public func jumpErrors(of system: some JumpProvidingSystem, at state: [Double], gates: [Double], velocity: [Double])
    -> (worstRelativeError: Double, ratesAgree: Bool, blocksHold: Bool)
{
    let p = system.dimension, m = system.surfaceCount
    var rates = [Double](repeating: 0, count: m)
    system.switchingRates(at: state, velocity: velocity, into: &rates)
    var worst = 0.0, ratesAgree = true, blocksHold = true
    for surface in 0..<m {
        let onSurface = state.withUnsafeBufferPointer { x in
            let rate = velocity.withUnsafeBufferPointer { system.switchingRate(of: surface, at: x.baseAddress!, velocity: $0.baseAddress!) }
            if rate != rates[surface] { ratesAgree = false }
            return footOnSurface(surface, of: system, from: x.baseAddress!)
        }
        var withGate = gates, without = gates
        withGate[surface] = 1
        without[surface] = 0
        var high = [Double](repeating: 0, count: p), low = high, jump = high
        system.evaluate(at: onSurface, gates: withGate, field: &high, switching: nil)
        system.evaluate(at: onSurface, gates: without, field: &low, switching: nil)
        onSurface.withUnsafeBufferPointer { x in
            without.withUnsafeBufferPointer { g in
                jump.withUnsafeMutableBufferPointer { system.jump(of: surface, at: x.baseAddress!, gates: g.baseAddress!, into: $0.baseAddress!) }
            }
            jump.withUnsafeBufferPointer { v in
                for other in 0..<m where system.jumpBlock(of: other) != system.jumpBlock(of: surface) {
                    if system.switchingRate(of: other, at: x.baseAddress!, velocity: v.baseAddress!) != 0 { blocksHold = false }
                }
            }
        }
        let scale = high.map(abs).max()! + 1
        for r in 0..<p { worst = max(worst, abs(jump[r] - (high[r] - low[r])) / scale) }
    }
    return (worst, ratesAgree, blocksHold)
}

/// x − g_j(x) ∇g_j/‖∇g_j‖²: on surface j up to rounding when g_j is affine (its gradient read
/// from the rates along the unit vectors).
private func footOnSurface(_ j: Int, of system: some JumpProvidingSystem, from x: UnsafePointer<Double>) -> [Double] {
    let p = system.dimension
    var unit = [Double](repeating: 0, count: p), gradient = unit
    for r in 0..<p {
        unit[r] = 1
        gradient[r] = unit.withUnsafeBufferPointer { system.switchingRate(of: j, at: x, velocity: $0.baseAddress!) }
        unit[r] = 0
    }
    var field = [Double](repeating: 0, count: p), values = [Double](repeating: 0, count: system.surfaceCount)
    let gates = [Double](repeating: 0, count: system.surfaceCount)
    system.evaluate(at: x, gates: gates, field: &field, switching: &values)
    let squaredNorm = gradient.reduce(0) { $0 + $1 * $1 }
    return (0..<p).map { x[$0] - values[j] * gradient[$0] / squaredNorm }
}

/// `jumpErrors` at `state` with its sign gates, every `stride`-th gate drawn from [0, 1]
/// (sliding neighbours) and a standard normal velocity, all from `generator`.
public func jumpErrorsWithFractionalGates<Network: GatedNetwork & JumpProvidingSystem>(
    of network: Network, at state: [Double], every stride: Int, using generator: inout SeededGenerator
) -> (worstRelativeError: Double, ratesAgree: Bool, blocksHold: Bool) {
    var gates = network.signGates(at: state)
    for j in Swift.stride(from: 0, to: gates.count, by: stride) { gates[j] = Double.random(in: 0...1, using: &generator) }
    let velocity = (0..<network.dimension).map { _ in generator.normal() }
    return jumpErrors(of: network, at: state, gates: gates, velocity: velocity)
}
