import Foundation
import Testing
import FlowEngine

/// Contacts below the integrator's resolution are decided with hysteresis (README, "How
/// events are found"): a pair touching its surface at a normal speed below v = ε/h is held
/// on it, and a sliding gate leaves only when it is outside [0, 1] by more than its
/// resolvable margin.
struct SubResolutionContactTests {
    /// One surface g = y with σ− = 1 and σ+ = p = A·P, where (P, Q) turns on the unit
    /// circle and A = 1e-10: ẏ = 1 − s + s·A·P, Ṗ = Q, Q̇ = −P (so P is resolved to rtol).
    /// In exact arithmetic the flow slides on y = 0 while p < 0 (gate 1/(1 − p)) and leaves
    /// to y > 0 while p > 0, by at most 2e-10: far below atol = 1e-8, so which side it is on is the integrator's noise, while
    /// the gate's excursions past 1 (1e-10) are well above the gate tolerance (1e-12).
    struct NoisyEdge: PiecewiseSmoothSystem {
        static let amplitude = 1e-10
        var dimension: Int { 3 }
        var surfaceCount: Int { 1 }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            field[0] = 1 - gates[0] + gates[0] * Self.amplitude * state[1]
            field[1] = state[2]
            field[2] = -state[1]
            switching?[0] = state[0]
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            rates[0] = velocity[0]
        }
    }

    /// Runs `system` from `initialState` to t = 20 at rtol 1e-10 and atol 1e-8, where the
    /// noisy terms (amplitude 1e-10) are far below what the step control resolves.
    static func run<S: PiecewiseSmoothSystem>(_ system: S, from initialState: [Double] = [-0.1, 0, -1]) throws
        -> FlowResult
    {
        try FlowSimulator(problem: FlowProblem(system: system, initialState: initialState, endTime: 20),
                          options: FlowOptions(relativeTolerance: 1e-10, absoluteTolerance: 1e-8)).run()
    }

    /// From y = −0.1 the flow reaches the surface at t = 0.1 and is held there to t = 20
    /// (about three turns of p): one slide start, no exits at p's sign changes, y on the
    /// surface and the gate 1/(1 − p) within the amplitude of [0, 1]. Without the
    /// hysteresis every positive half-turn of p was a slide exit and a re-entry.
    @Test("A contact whose one side's normal speed is below the resolvable speed slides, not flipping on noise")
    func subResolutionContactIsHeldOnTheSurface() throws {
        let result = try Self.run(NoisyEdge())
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 1)
        #expect(result.timeline[0].kind == .slideStart)
        // y = −0.1 + t is integrated exactly to rounding: only the event tolerance remains.
        #expect(abs(result.timeline[0].time - 0.1) <= 1e-12)
        #expect(abs(result.finalState[0]) <= 1e-12)
        let excess = max(-result.finalGates[0], result.finalGates[0] - 1)
        #expect(excess <= NoisyEdge.amplitude * (1 + 1e-6))
    }

    /// `NoisyEdge` counting its own field evaluations.
    struct CountedNoisyEdge: PiecewiseSmoothSystem {
        final class Counter { var evaluations = 0 }
        let counter = Counter()
        var dimension: Int { 3 }
        var surfaceCount: Int { 1 }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            counter.evaluations += 1
            NoisyEdge().evaluate(at: state, gates: gates, field: field, switching: switching)
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            NoisyEdge().switchingRates(at: state, velocity: velocity, into: rates)
        }
    }

    /// The resolvable margins of rule A take the jump from two evaluations of the field (no
    /// `JumpProvidingSystem` here); they count like every other evaluation.
    @Test("Every field evaluation, the resolvable margins' included, is counted in rhsEvaluationCount")
    func everyFieldEvaluationIsCounted() throws {
        let system = CountedNoisyEdge()
        let result = try Self.run(system)
        #expect(result.termination == .reachedEndTime)
        #expect(result.statistics.rhsEvaluationCount == system.counter.evaluations)
    }

    /// `NoisyEdge` counted twice: g₀ = g₁ = y declared coincident, each member switching half
    /// of the term: ẏ = 1 − s̄ + s̄·A·P with s̄ = (s₀ + s₁)/2. The group's jump (the sum of
    /// its members') is NoisyEdge's, so is its gate 1/(1 − p).
    struct NoisyEdgePair: CoincidentSurfaceSystem {
        var dimension: Int { 3 }
        var surfaceCount: Int { 2 }
        var coincidentSurfaceGroups: [[Int]] { [[0, 1]] }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            var gate = (gates[0] + gates[1]) / 2
            NoisyEdge().evaluate(at: state, gates: &gate, field: field, switching: switching)
            switching?[1] = state[0]
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            rates[0] = velocity[0]
            rates[1] = velocity[0]
        }
    }

    /// Rule A on a coincident group: every member sees the group's margin, taken with the
    /// group's jump. Both members start sliding at t = 0.1 and stay to t = 20, as the single
    /// surface does; without the member's margin its gate read as an exit at every positive
    /// half-turn of p.
    @Test("A coincident group sliding on a sub-resolution edge is held as one surface, every member within its margin")
    func coincidentGroupIsHeldOnTheSurface() throws {
        let result = try Self.run(NoisyEdgePair())
        #expect(result.termination == .reachedEndTime)
        #expect(result.timeline.map(\.surface) == [0, 1])
        #expect(result.timeline.allSatisfy { $0.kind == .slideStart && abs($0.time - 0.1) <= 1e-12 })
        #expect(abs(result.finalState[0]) <= 1e-12)
        #expect(result.finalGates[0] == result.finalGates[1])
        let excess = max(-result.finalGates[0], result.finalGates[0] - 1)
        #expect(excess <= NoisyEdge.amplitude * (1 + 1e-6))
    }

    /// One surface g = y with the same field on both sides, ẏ = A·P, (P, Q) turning on the
    /// unit circle from (0, 1) and A = 1e-10: y = −A + A(1 − cos t) crosses 0 twice a turn at
    /// normal speeds |σ±| ≤ A, far below the resolvable speed (ε ≥ atol = 1e-8).
    struct NoisyTangent: PiecewiseSmoothSystem {
        static let amplitude = 1e-10
        var dimension: Int { 3 }
        var surfaceCount: Int { 1 }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            field[0] = Self.amplitude * state[1]
            field[1] = state[2]
            field[2] = -state[1]
            switching?[0] = state[0]
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            rates[0] = velocity[0]
        }
    }

    /// Rule D: from y = −A the flow meets y = 0 at t = π/2 with both normal speeds A, keeps
    /// its side within its band (|y| ≤ A ≪ ε), and records nothing over three turns. Without
    /// the rule every one of the six sign changes of y was a `crossing`.
    @Test("A contact whose normal speeds are both below the resolvable speed keeps its side, not flipping on noise")
    func contactWithBothSpeedsUnresolvedKeepsItsSide() throws {
        let result = try Self.run(NoisyTangent(), from: [-NoisyTangent.amplitude, 0, 1])
        #expect(result.termination == .reachedEndTime)
        #expect(result.timeline.isEmpty)
        #expect(result.finalGates == [0])
    }
}
