import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `LogScaleBalancedNetwork`: the same flow as the plain network where both can be run,
/// and the exact linear escape from a scale far below the smallest double.
@Suite struct LogScaleBalancedNetworkTests {
    static let options = FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)

    @Test("From a balanced start it follows the plain network: same events, same W and a", arguments: [false, true])
    func matchesPlainNetwork(orthonormal: Bool) throws {
        let inputs: DataGenerator.Inputs = orthonormal ? .orthonormal(dimension: 6, identity: false) : .gaussian(dimension: 3)
        let data = try DataGenerator(inputs: inputs, labels: .normal, sampleCount: 6, seed: 21).generate()
        let logModel = try LogScaleBalancedNetwork(data: data, width: 4, normalization: .halfMean)
        let plainModel = try TwoLayerNetwork(data: data, width: 4, hasBias: false, normalization: .halfMean)
        let logStart = try InitializationScheme.balanced(logScale: log(0.3)).draw(for: logModel, seed: 5)
        let plainStart = try InitializationScheme.balanced(logScale: log(0.3)).draw(for: plainModel, seed: 5)
        // Same draws in the same order: the two starts are the same network.
        for (a, b) in zip(logModel.plainParameters(logStart), plainStart) { #expect(abs(a - b) <= 1e-15) }

        let endTime = 60.0
        let logRun = try FlowSimulator(problem: FlowProblem(system: logModel, initialState: logStart, endTime: endTime),
                                       options: Self.options).run()
        let plainRun = try FlowSimulator(problem: FlowProblem(system: plainModel, initialState: plainStart, endTime: endTime),
                                         options: Self.options).run()
        #expect(logRun.termination == .reachedEndTime && plainRun.termination == .reachedEndTime)
        #expect(logRun.timeline.count >= 3)
        #expect(logRun.timeline.map(\.surface) == plainRun.timeline.map(\.surface))
        #expect(logRun.timeline.map(\.kind) == plainRun.timeline.map(\.kind))
        // Two integrations of the same flow in different coordinates, each to rtol 1e-12:
        // measured agreement ≤ 9.7e-12 in event times and ≤ 5.5e-14 in parameters.
        for (a, b) in zip(logRun.timeline, plainRun.timeline) { #expect(abs(a.time - b.time) <= 1e-10) }
        for (a, b) in zip(logModel.plainParameters(logRun.finalState), plainRun.finalState) { #expect(abs(a - b) <= 1e-12) }
    }

    /// The small-scale regime on general data: from λ = e^-400 on 8 Gaussian samples in 3-D
    /// (width 6, labels N(0,1)) the directions align at O(1) speed while e^{2ℓ} underflows
    /// (eleven crossings and two neuron deaths by t = 10.4, loss unchanged), then the neurons
    /// escape together near t ≈ 610 and the loss drops from 1.696 to ≈ 1.2, with a crossing
    /// at t = 616.25. In plain coordinates ẇ_j = e^{ℓ_j}(ℓ̇_j v_j + v̇_j) and ȧ_j = s_j e^{ℓ_j}ℓ̇_j
    /// with v̇_j ⊥ v_j, so the dissipation is ‖(Ẇ, ȧ)‖² = Σ_j e^{2ℓ_j}(2ℓ̇_j² + ‖v̇_j‖²). The run
    /// ends at t = 618, before its first slide (t = 618.12), where q̇ = ‖F‖² is exact.
    @Test("From λ = e^-400 on Gaussian data: through the escape and every crossing, L(θ(T)) + ∫‖(Ẇ, ȧ)‖² = L(θ0) and ‖v_j‖ = 1")
    func smallScaleRunKeepsTheEnergyIdentity() throws {
        let data = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 8, seed: 1).generate()
        let width = 6, d = 3
        let model = try LogScaleBalancedNetwork(data: data, width: width, normalization: .halfMean)
        let start = try InitializationScheme.balanced(logScale: -400).draw(for: model, seed: 1)
        let system = EnergyAugmentedSystem(model) { theta, field in
            var sum = 0.0
            for j in 0..<width {
                var directionSpeed = 0.0
                for l in 0..<d { directionSpeed += field[width + j * d + l] * field[width + j * d + l] }
                sum += exp(2 * theta[j]) * (2 * field[j] * field[j] + directionSpeed)
            }
            return sum
        }
        let result = try FlowSimulator(problem: FlowProblem(system: system, initialState: start + [0], endTime: 618),
                                       options: Self.options).run()
        #expect(result.termination == .reachedEndTime)
        #expect(result.statistics.slidingStepCount == 0)
        #expect(result.timeline.filter { $0.time > 0 }.count >= 10)
        let theta = Array(result.finalState.dropLast())
        let initialLoss = model.loss(at: start), finalLoss = model.loss(at: theta)
        #expect(finalLoss < 0.75 * initialLoss)
        // rtol 1e-12 per step on θ and q, nearly all the dissipation in the escape: measured
        // 2.2e-15 of L(θ0).
        #expect(abs(finalLoss + result.finalState.last! - initialLoss) <= 2e-14 * initialLoss)
        // v̇_j ⊥ v_j keeps ‖v_j‖ = 1 up to the steps' local errors: measured ≤ 1.2e-14.
        for j in 0..<width {
            let norm = (0..<d).reduce(0) { $0 + theta[width + j * d + $1] * theta[width + j * d + $1] }.squareRoot()
            #expect(abs(norm - 1) <= 1e-13)
        }
    }

    /// `JumpProvidingSystem`: the engine slides with these jumps, so they must be the
    /// differences of evaluations, off the surface too (v_j·x_i ≠ 0, the drift a slide
    /// leaves, where e^{2ℓ} matters) and with other gates fractional.
    @Test("Each pair's jump is F(s = 1) − F(s = 0) with the other gates as they are; one surface's rate is the full rates' entry")
    func jumpsAreFieldDifferences() throws {
        let data = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 11, seed: 4).generate()
        let model = try LogScaleBalancedNetwork(data: data, width: 4, normalization: .halfSum)
        let theta = try InitializationScheme.balanced(logScale: log(0.7)).draw(for: model, seed: 9)
        var generator = SeededGenerator(seed: 8)
        var gates = model.signGates(at: theta)
        for j in stride(from: 0, to: gates.count, by: 5) { gates[j] = Double.random(in: 0...1, using: &generator) }
        let velocity = (0..<model.dimension).map { _ in generator.normal() }
        let (worst, ratesAgree) = jumpErrors(of: model, at: theta, gates: gates, velocity: velocity)
        #expect(ratesAgree)
        // The same products summed in another order, then the same linear split: rounding
        // of the field's size (measured 3.3e-16).
        #expect(worst <= 4e-15)
    }

    /// One neuron, identity inputs, positive labels, every component active: while the
    /// output h is negligible, D = c·y is constant and (α = ⟨w, D̂⟩, a) solves the linear
    /// system α̇ = κ a, ȧ = κ α with κ = ‖D‖ (orthogonal-data notes §1.10: the linearised
    /// escape). With s = +1: α/λ = α̂0 cosh κt + sinh κt, and the rest of w is frozen, so
    /// ℓ(t) = log λ + ½ log((α̂0 cosh κt + sinh κt)² + 1 − α̂0²).
    @Test("From λ = e^-300 the log-norm follows the exact linear escape up to κt = 280")
    func escapesFromBelowTheSmallestDouble() throws {
        let n = 5
        let data = try DataGenerator(inputs: .orthonormal(dimension: n, identity: true), labels: .absoluteNormal,
                                     sampleCount: n, seed: 2).generate()
        let model = try LogScaleBalancedNetwork(data: data, width: 1, normalization: .halfMean)
        let direction = [0.3, 0.5, 0.2, 0.6, 0.4]
        let logScale = -300.0
        let start = model.parameters(logScale: logScale, directions: [direction], signs: [1])
        let targets = data.targets
        let kappa = targets.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(n)
        let unit = start[1...n].map { $0 }
        let alpha0 = zip(unit, targets).reduce(0) { $0 + $1.0 * $1.1 } / (kappa * Double(n))
        let endTime = 280 / kappa
        let result = try FlowSimulator(problem: FlowProblem(system: model, initialState: start, endTime: endTime),
                                       options: Self.options).run()
        #expect(result.termination == .reachedEndTime)
        #expect(result.timeline.isEmpty)
        let growth = alpha0 * cosh(280) + sinh(280)
        let exact = logScale + 0.5 * log(growth * growth + 1 - alpha0 * alpha0)
        // ℓ ≈ −20.2 at the end; h/y ≈ e^{2ℓ} ≈ 3e-18, so the linearisation is exact to
        // rounding; rk8pd at rtol 1e-12 keeps ℓ to 1.2e-13 (measured).
        #expect(abs(result.finalState[0] - exact) <= 2e-12)
        #expect(result.finalState[0] > -21 && result.finalState[0] < -20)
    }
}
