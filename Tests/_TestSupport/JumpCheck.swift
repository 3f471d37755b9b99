import FlowEngine

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
