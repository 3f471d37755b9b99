import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// dL/dt = −‖∇L‖² = −‖F‖² along every model's flow, through its crossings: integrated as
/// L(θ(T)) + ∫‖F‖² = L(θ0) with `EnergyAugmentedSystem` (these cases do not slide, and each
/// checks it; the convergence corpus, `ConvergenceCorpusTests`, checks it through sliding). The
/// orthogonal-data and log-scale models are not here: their fields are the plain flow in
/// other coordinates, not gradients there; each is checked against the plain network, and
/// the log-scale one also with the plain parameters' speed as q̇ (LogScaleBalancedNetworkTests).
struct EnergyIdentityTests {
    enum Case: String, CaseIterable, CustomTestStringConvertible {
        case twoLayer, twoLayerScaledAndPartlyTrained, univariateKnots, univariateFull, deepSingleNeuron
        var testDescription: String { rawValue }
    }

    /// A model and its start, built from one seed.
    static func problem(_ model: Case) throws -> (network: any GatedNetwork, start: [Double], endTime: Double) {
        switch model {
        case .twoLayer:
            let instance = TwoLayerInstance.teacherStudent(seed: 31)
            return (try instance.model(), instance.initial, 20)
        case .twoLayerScaledAndPartlyTrained:
            let instance = TwoLayerInstance.teacherStudent(seed: 32)
            return (try instance.model(scaling: .sqrtWidth, trained: [.weights, .outputs]), instance.initial, 20)
        case .univariateKnots, .univariateFull:
            let data = try DataGenerator(inputs: .interval(lower: -1, upper: 1, equispaced: model == .univariateFull),
                                         labels: .function(.sine(frequency: 1)), sampleCount: 15, seed: 1).generate()
            let network = try UnivariateNetwork(data: data, width: 6, form: model == .univariateKnots ? .knots : .full,
                                                scaling: model == .univariateKnots ? .none : .sqrtWidth,
                                                normalization: .halfSum)
            return (network, try InitializationScheme.he.draw(for: network, seed: model == .univariateKnots ? 1 : 4), 1)
        case .deepSingleNeuron:
            let data = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 12,
                                         seed: 2).generate()
            let network = try DeepSingleNeuron(data: data, scalarWeightCount: 2, normalization: .halfMean)
            return (network, try InitializationScheme.gaussian(scale: 0.5).draw(for: network, seed: 6), 20)
        }
    }

    static func dissipation(_ network: some GatedNetwork, start: [Double], endTime: Double) throws -> (FlowResult, Double) {
        let result = try FlowSimulator(
            problem: FlowProblem(system: EnergyAugmentedSystem(network), initialState: start + [0], endTime: endTime),
            options: FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)).run()
        let finalLoss = network.loss(at: Array(result.finalState.dropLast()))
        return (result, finalLoss + result.finalState.last! - network.loss(at: start))
    }

    @Test("L(θ(T)) + ∫‖F‖² dt = L(θ0) through every crossing", arguments: Case.allCases)
    func lossFallsAtTheSquaredFieldRate(_ model: Case) throws {
        let (network, start, endTime) = try Self.problem(model)
        let (result, gap) = try Self.dissipation(network, start: start, endTime: endTime)
        #expect(result.termination == .reachedEndTime)
        #expect(result.statistics.slidingStepCount == 0)
        #expect(!result.timeline.isEmpty)
        // rtol 1e-12 per step on θ and on q: measured ≤ 1.7e-14 of L(θ0) over all cases.
        #expect(abs(gap) <= 1e-12 * network.loss(at: start))
    }
}
