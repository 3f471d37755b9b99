import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `TwoLayerNetwork.jacobian`: the exact ∂F/∂θ for fixed gates that the implicit GSL methods
/// use, against differences of the field, and a sliding run with msbdf against rk8pd.
@Suite struct TwoLayerJacobianTests {
    /// For fixed gates F is a polynomial of degree 3 in θ, so the central difference
    /// D(h) = J + (h²/6)·F''' has no higher terms and Richardson's (4D(h/2) − D(h))/3 is J
    /// up to rounding, ~ε·|F|/h·(a few) ≈ 1e-13·|F| at h = 1e-2 (measured ≤ 8.3e-14):
    /// independent of the Gauss–Newton and residual split the model computes.
    @Test("The Jacobian is the exact derivative of the field for fixed (also fractional) gates",
          arguments: [(OutputScaling.none, true), (.sqrtWidth, true), (.width, false)])
    func jacobianIsTheFieldDerivative(scaling: OutputScaling, bias: Bool) throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 4, bias: bias)
        for trained in [Set(TwoLayerNetwork.Group.allCases).filter { bias || $0 != .biases }, [.outputs], [.weights]] {
            for normalization in [LossNormalization.halfMean, .halfSum] {
                let model = try instance.model(scaling: scaling, trained: Set(trained), normalization: normalization)
                var generator = SeededGenerator(seed: 12)
                var gates = model.signGates(at: instance.initial)
                for j in stride(from: 0, to: gates.count, by: 5) { gates[j] = Double.random(in: 0...1, using: &generator) }
                let worst = richardsonJacobianError(of: model, at: instance.initial, gates: gates)
                #expect(worst <= 1e-12, "trained \(trained.map(\.rawValue).sorted()), \(normalization)")
            }
        }
    }

    /// Seed 2 slides (TwoLayerNetworkTests); msbdf's Newton iterations use the exact
    /// Jacobian projected along the sliding jumps (`SlidingJacobian`). Both are accurate to
    /// rtol 1e-10 per step; their global errors differ by the methods' error growth over 24
    /// events: measured 3.1e-9 in event times and 7.5e-10 in the end state. Without the
    /// Jacobian (the same system hiding it) the engine differences the field, 2p = 40
    /// evaluations per Jacobian.
    @Test("A sliding run with msbdf and the exact Jacobian has rk8pd's events and end state, in fewer evaluations than with differences")
    func implicitSlidingRunMatchesExplicit() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 2)
        let model = try instance.model()
        func run<System: PiecewiseSmoothSystem>(_ system: System, _ stepper: GSLStepper) throws -> FlowResult {
            try FlowSimulator(
                problem: FlowProblem(system: system, initialState: instance.initial, endTime: 30),
                options: FlowOptions(stepper: stepper, relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
            ).run()
        }
        let explicit = try run(model, .rk8pd), implicit = try run(model, .msbdf)
        let differenced = try run(JacobianHidden(model), .msbdf)
        // Same steps, so the Jacobians agree to Newton's needs, minus 2p evaluations per Jacobian.
        #expect(differenced.statistics.stepCount == implicit.statistics.stepCount)
        #expect(differenced.statistics.rhsEvaluationCount > implicit.statistics.rhsEvaluationCount + 2 * model.dimension)
        #expect(implicit.termination == .reachedEndTime)
        #expect(implicit.statistics.slidingStepCount > 0)
        #expect(implicit.timeline.map(\.kind) == explicit.timeline.map(\.kind))
        #expect(implicit.timeline.map(\.surface) == explicit.timeline.map(\.surface))
        for (a, b) in zip(implicit.timeline, explicit.timeline) { #expect(abs(a.time - b.time) <= 1e-8 * max(1, b.time)) }
        for (a, b) in zip(implicit.finalState, explicit.finalState) { #expect(abs(a - b) <= 5e-9 * max(1, abs(b))) }
    }
}

/// The block-by-block equivalent control (`JumpProvidingSystem.jumpBlock`, one block per
/// neuron) against the whole k × k system the engine solves when a system names no blocks.
@Suite struct JumpBlockTests {
    /// Off-block entries of ∇g_S·J are of the drift's size, and the block solve refined once
    /// is the whole system's solution to ~1e-16 relative (`ModeField`): the two runs agree to
    /// the rounding of the state, which the step control then carries along (measured 8e-16
    /// in event times, 3e-16 in the state over 24 events and 93 sliding steps).
    @Test("Sliding with the equivalent control solved neuron by neuron gives the run of the whole system")
    func blockByBlockControlIsTheWholeSystems() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 2)
        let model = try instance.model()
        func run<System: PiecewiseSmoothSystem>(_ system: System) throws -> FlowResult {
            try FlowSimulator(
                problem: FlowProblem(system: system, initialState: instance.initial, endTime: 30),
                options: FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
            ).run()
        }
        let blocks = try run(model), whole = try run(JacobianHidden(model, inOneBlock: true))
        #expect(blocks.statistics.slidingStepCount > 0)
        #expect(blocks.timeline.map(\.kind) == whole.timeline.map(\.kind))
        #expect(blocks.timeline.map(\.surface) == whole.timeline.map(\.surface))
        for (a, b) in zip(blocks.timeline, whole.timeline) { #expect(abs(a.time - b.time) <= 1e-14 * max(1, b.time)) }
        for (a, b) in zip(blocks.finalState, whole.finalState) { #expect(abs(a - b) <= 1e-14 * max(1, abs(b))) }
    }
}

/// A two-layer network without its Jacobian: the engine falls back to differences of the
/// field. Jumps and single rates are forwarded, so only the Jacobian differs, and, when
/// asked, every surface is put in one jump block.
private struct JacobianHidden: ForwardingJumpSystem {
    let wrapped: TwoLayerNetwork
    let inOneBlock: Bool
    init(_ model: TwoLayerNetwork, inOneBlock: Bool = false) {
        wrapped = model
        self.inOneBlock = inOneBlock
    }
    func jumpBlock(of surface: Int) -> Int { inOneBlock ? 0 : wrapped.jumpBlock(of: surface) }
}
