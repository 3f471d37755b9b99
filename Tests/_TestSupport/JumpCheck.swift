import FlowEngine
import Models

/// For every surface j of `system` at `state` with `gates`: the largest entry of
/// |jump(of: j) − (F(s_j = 1) − F(s_j = 0))| relative to the field's size, and whether the
/// single-surface rate equals the entry of the full rates for `velocity` exactly.
public func jumpErrors(of system: some JumpProvidingSystem, at state: [Double], gates: [Double], velocity: [Double])
    -> (worstRelativeError: Double, ratesAgree: Bool)
{
    var rates = [Double](repeating: 0, count: system.surfaceCount)
    system.switchingRates(at: state, velocity: velocity, into: &rates)
    var worst = 0.0, ratesAgree = true
    for surface in 0..<system.surfaceCount {
        var withGate = gates, without = gates
        withGate[surface] = 1
        without[surface] = 0
        var high = [Double](repeating: 0, count: system.dimension), low = high, jump = high
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
        for r in 0..<system.dimension { worst = max(worst, abs(jump[r] - (high[r] - low[r])) / scale) }
    }
    return (worst, ratesAgree)
}

/// `jumpErrors` at `state` with its sign gates, every `stride`-th gate drawn from [0, 1]
/// (sliding neighbours) and a standard normal velocity, all from `generator`.
public func jumpErrorsWithFractionalGates<Network: GatedNetwork & JumpProvidingSystem>(
    of network: Network, at state: [Double], every stride: Int, using generator: inout SeededGenerator
) -> (worstRelativeError: Double, ratesAgree: Bool) {
    var gates = network.signGates(at: state)
    for j in Swift.stride(from: 0, to: gates.count, by: stride) { gates[j] = Double.random(in: 0...1, using: &generator) }
    let velocity = (0..<network.dimension).map { _ in generator.normal() }
    return jumpErrors(of: network, at: state, gates: gates, velocity: velocity)
}
