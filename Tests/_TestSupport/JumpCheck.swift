import FlowEngine
import Models

/// For every surface j of `system` at `state` with `gates`: the largest entry of
/// |jump(of: j) − (F(s_j = 1) − F(s_j = 0))| relative to the field's size; whether the
/// single-surface rate equals the entry of the full rates for `velocity` exactly; and the
/// largest rate ∇g_i·J_j of a surface i in another block (`jumpBlock`) at the state moved
/// onto surface j (along ∇g_j, the switching functions being affine), where it must vanish,
/// relative to |∇g_i|·‖J_j‖.
public func jumpErrors(of system: some JumpProvidingSystem, at state: [Double], gates: [Double], velocity: [Double])
    -> (worstRelativeError: Double, ratesAgree: Bool, worstCrossBlockRate: Double)
{
    let p = system.dimension, m = system.surfaceCount
    var rates = [Double](repeating: 0, count: m)
    system.switchingRates(at: state, velocity: velocity, into: &rates)
    var worst = 0.0, ratesAgree = true, worstCrossBlockRate = 0.0
    for surface in 0..<m {
        var withGate = gates, without = gates
        withGate[surface] = 1
        without[surface] = 0
        var high = [Double](repeating: 0, count: p), low = high, jump = high
        system.evaluate(at: state, gates: withGate, field: &high, switching: nil)
        system.evaluate(at: state, gates: without, field: &low, switching: nil)
        state.withUnsafeBufferPointer { x in
            without.withUnsafeBufferPointer { g in
                jump.withUnsafeMutableBufferPointer { system.jump(of: surface, at: x.baseAddress!, gates: g.baseAddress!, into: $0.baseAddress!) }
            }
            let rate = velocity.withUnsafeBufferPointer { system.switchingRate(of: surface, at: x.baseAddress!, velocity: $0.baseAddress!) }
            if rate != rates[surface] { ratesAgree = false }
        }
        let scale = high.map(abs).max()! + 1
        for r in 0..<p { worst = max(worst, abs(jump[r] - (high[r] - low[r])) / scale) }

        let foot = state.withUnsafeBufferPointer { footOnSurface(surface, of: system, from: $0.baseAddress!) }
        foot.withUnsafeBufferPointer { x in
            without.withUnsafeBufferPointer { g in
                jump.withUnsafeMutableBufferPointer { system.jump(of: surface, at: x.baseAddress!, gates: g.baseAddress!, into: $0.baseAddress!) }
            }
            let jumpSize = jump.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for other in 0..<m where system.jumpBlock(of: other) != system.jumpBlock(of: surface) && jumpSize > 0 {
                let rate = jump.withUnsafeBufferPointer { system.switchingRate(of: other, at: x.baseAddress!, velocity: $0.baseAddress!) }
                let gradientSize = gradient(of: other, of: system, at: x.baseAddress!).reduce(0) { $0 + $1 * $1 }.squareRoot()
                worstCrossBlockRate = max(worstCrossBlockRate, abs(rate) / (gradientSize * jumpSize))
            }
        }
    }
    return (worst, ratesAgree, worstCrossBlockRate)
}

/// ∇g_j at x, read from the rates along the unit vectors (g_j affine).
private func gradient(of j: Int, of system: some JumpProvidingSystem, at x: UnsafePointer<Double>) -> [Double] {
    var unit = [Double](repeating: 0, count: system.dimension)
    return (0..<system.dimension).map { r in
        unit[r] = 1
        defer { unit[r] = 0 }
        return unit.withUnsafeBufferPointer { system.switchingRate(of: j, at: x, velocity: $0.baseAddress!) }
    }
}

/// x − g_j(x) ∇g_j/‖∇g_j‖²: on surface j up to rounding when g_j is affine.
private func footOnSurface(_ j: Int, of system: some JumpProvidingSystem, from x: UnsafePointer<Double>) -> [Double] {
    let p = system.dimension, gradient = gradient(of: j, of: system, at: x)
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
) -> (worstRelativeError: Double, ratesAgree: Bool, worstCrossBlockRate: Double) {
    var gates = network.signGates(at: state)
    for j in Swift.stride(from: 0, to: gates.count, by: stride) { gates[j] = Double.random(in: 0...1, using: &generator) }
    let velocity = (0..<network.dimension).map { _ in generator.normal() }
    return jumpErrors(of: network, at: state, gates: gates, velocity: velocity)
}
