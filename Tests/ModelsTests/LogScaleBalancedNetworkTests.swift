import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `LogScaleBalancedNetwork`: the same flow as the plain network where both can be run,
/// and the exact linear escape from a scale far below the smallest double.
@Suite struct LogScaleBalancedNetworkTests {
    /// Explicit throughout (no change to the stiff stepper): these checks hold integrations to
    /// 1e-12 and the energy identity to 2e-14, and msbdf keeps less (a gap of 2.9e-13 with it).
    static let options = FlowOptions(stepper: .rk8pd, stiffStepper: nil, relativeTolerance: 1e-12,
                                     absoluteTolerance: 1e-14)

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

    /// Width 6 from λ = e^-400 on 8 Gaussian samples in 3-D with labels N(0,1), half-mean loss;
    /// data and start drawn from `seed`.
    static func smallScaleProblem(seed: UInt64) throws -> (model: LogScaleBalancedNetwork, start: [Double]) {
        let data = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 8, seed: seed).generate()
        let model = try LogScaleBalancedNetwork(data: data, width: 6, normalization: .halfMean)
        return (model, try InitializationScheme.balanced(logScale: -400).draw(for: model, seed: seed))
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
        let (model, start) = try Self.smallScaleProblem(seed: 1)
        let width = model.width, d = 3
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

    /// The state reads the direction as v_j/N_j, N_j = ‖v_j‖, and v̇_j ⊥ v_j: rescaling v_j
    /// changes neither the network nor ℓ̇_j, and scales v̇_j with it. Rounding off the unit
    /// sphere is then harmless; a field that took v_j as unit would grow it for every
    /// shrinking neuron (d(N² − 1)/dt = −2ℓ̇(N² − 1)).
    @Test("Rescaling a direction v_j changes neither the loss nor ℓ̇_j; v̇_j scales with v_j and stays orthogonal to it")
    func directionLengthIsAGauge() throws {
        let data = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 11, seed: 4).generate()
        let width = 4, d = 3
        let model = try LogScaleBalancedNetwork(data: data, width: width, normalization: .halfSum)
        let unit = try InitializationScheme.balanced(logScale: log(0.7)).draw(for: model, seed: 9)
        let lengths = [0.5, 1.7, 1, 2.3]
        var scaled = unit
        for j in 0..<width { for l in 0..<d { scaled[width + j * d + l] *= lengths[j] } }
        let gates = model.signGates(at: unit)
        #expect(model.signGates(at: scaled) == gates)
        var unitField = [Double](repeating: 0, count: model.dimension), scaledField = unitField
        model.evaluate(at: unit, gates: gates, field: &unitField, switching: nil)
        model.evaluate(at: scaled, gates: gates, field: &scaledField, switching: nil)
        // The same sums with v_j/N_j for v_j: rounding of the field's size (measured: the
        // loss identical, field entries within 2.7e-15).
        let size = unitField.map(abs).max()!
        #expect(abs(model.loss(at: scaled) - model.loss(at: unit)) <= 1e-15 * model.loss(at: unit))
        for j in 0..<width {
            #expect(abs(scaledField[j] - unitField[j]) <= 4e-15 * size)
            var radial = 0.0
            for l in 0..<d {
                let r = width + j * d + l
                #expect(abs(scaledField[r] - lengths[j] * unitField[r]) <= 4e-15 * lengths[j] * size)
                radial += scaledField[r] * scaled[r]
            }
            #expect(abs(radial) <= 4e-15 * lengths[j] * lengths[j] * size)
        }
    }

    /// A neuron of the small-scale regime that shrinks while its siblings escape: from
    /// λ = e^-400 on 8 Gaussian samples in 3-D (width 6, seed 3) neuron 4 slides on samples 1
    /// and 2 and falls to ℓ ≈ −441.5 before it turns back, while three clones escape at
    /// t ≈ 700. With v_j taken as unit the sphere repelled it, e^{2·41} times: ‖v_4‖ reached 1e13
    /// and the run stopped at t = 316 on a step-size underflow.
    @Test("From λ = e^-400, a neuron shrinking to e^-441 keeps its direction: rk8pd runs to t = 3000 and ends where msbdf does")
    func shrinkingNeuronKeepsItsDirection() throws {
        let (model, start) = try Self.smallScaleProblem(seed: 3)
        let width = model.width, d = 3
        var smallest = 0.0
        let observer = FlowObserver(didAdvance: { _, state in smallest = min(smallest, state[0..<width].min()!) })
        let problem = FlowProblem(system: model, initialState: start, endTime: 3000)
        let result = try FlowSimulator(problem: problem, options: Self.options).run(observer: observer)
        let implicit = try FlowSimulator(problem: problem, options: FlowOptions(
            stepper: .msbdf, relativeTolerance: Self.options.relativeTolerance,
            absoluteTolerance: Self.options.absoluteTolerance)).run()
        #expect(result.termination == .reachedEndTime && implicit.termination == .reachedEndTime)
        #expect(smallest < -440)
        let loss = model.loss(at: result.finalState)
        // Two steppers at rtol 1e-12, ending on a plateau whose escaped neurons sit at a
        // stationary point, where the loss differs only to second order in the states'
        // ~1e-10 difference: measured identical.
        #expect(abs(loss - model.loss(at: implicit.finalState)) <= 1e-14 * loss)
        // N_j moves only by the steps' local errors and the projections onto sliding
        // surfaces: measured ≤ 1.9e-14.
        for j in 0..<width {
            let norm = (0..<d).reduce(0) { $0 + result.finalState[width + j * d + $1] * result.finalState[width + j * d + $1] }
            #expect(abs(norm.squareRoot() - 1) <= 1e-13)
        }
    }

    /// `JumpProvidingSystem`: the engine slides with these jumps, so they must be the
    /// differences of evaluations, off the surface too (v_j·x_i ≠ 0, the drift a slide
    /// leaves, where e^{2ℓ} matters) and with other gates fractional; and on its surface a
    /// jump lies in its own neuron's coordinates, which the engine's block-by-block
    /// equivalent control relies on.
    @Test("Each pair's jump is F(s = 1) − F(s = 0) with the other gates as they are; on its surface other neurons' surfaces do not see it; one surface's rate is the full rates' entry")
    func jumpsAreFieldDifferences() throws {
        let data = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 11, seed: 4).generate()
        let model = try LogScaleBalancedNetwork(data: data, width: 4, normalization: .halfSum)
        let theta = try InitializationScheme.balanced(logScale: log(0.7)).draw(for: model, seed: 9)
        var generator = SeededGenerator(seed: 8)
        let (worst, ratesAgree, crossBlockRate) = jumpErrorsWithFractionalGates(of: model, at: theta, every: 5,
                                                                            using: &generator)
        #expect(ratesAgree)
        // At the foot z_ki is the rounding of w_k·x_i + b_k, so Δr_i = −(c/α²)u_k z_ki and
            // the cross-block rates it makes are a few ε of the terms (measured ≤ 6.2e-14,
            // the log-scale model's; 1.5e-14 two-layer, 1.3e-15 univariate).
            #expect(crossBlockRate <= 2.5e-13)
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
