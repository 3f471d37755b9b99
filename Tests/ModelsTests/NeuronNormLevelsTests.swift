import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `NeuronNormLevels`: one watched level function per neuron, log‖(w_k, b_k)‖ − log ν.
struct NeuronNormLevelsTests {
    @Test("Level surfaces follow the network's own: values are log-norms minus log ν, rates their derivative")
    func levelSurfacesAreLogNorms() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 4)
        let network = try instance.model()
        let watched = try NeuronNormLevels(network, level: 0.25)
        #expect(watched.surfaceCount == network.surfaceCount + instance.width)
        #expect(watched.surfaceLabel(network.surfaceCount + 2) == SurfaceLabel(neuron: 2, sample: SurfaceLabel.normLevel))
        let theta = instance.initial
        var field = [Double](repeating: 0, count: watched.dimension)
        var g = [Double](repeating: 0, count: watched.surfaceCount)
        var rates = [Double](repeating: 0, count: watched.surfaceCount)
        let gates = [Double](repeating: 1, count: watched.surfaceCount)
        watched.evaluate(at: theta, gates: gates, field: &field, switching: &g)
        watched.switchingRates(at: theta, velocity: field, into: &rates)
        let d = 3, m = instance.width
        for k in 0..<m {
            func logNorm(_ p: [Double]) -> Double {
                0.5 * log((0..<d).reduce(p[m * d + k] * p[m * d + k]) { $0 + p[k * d + $1] * p[k * d + $1] })
            }
            #expect(abs(g[network.surfaceCount + k] - (logNorm(theta) - log(0.25))) <= 1e-14)
            // d/dt log‖·‖ along F against a central difference of it, step 1e-6 (error ~1e-12).
            let h = 1e-6
            let plus = zip(theta, field).map { $0 + h * $1 }, minus = zip(theta, field).map { $0 - h * $1 }
            #expect(abs(rates[network.surfaceCount + k] - (logNorm(plus) - logNorm(minus)) / (2 * h)) <= 1e-8)
        }
        // The extra gates do not reach the field.
        var other = [Double](repeating: 0, count: watched.dimension)
        var fewerGates = gates
        for k in 0..<m { fewerGates[network.surfaceCount + k] = 0 }
        watched.evaluate(at: theta, gates: fewerGates, field: &other, switching: nil)
        #expect(other == field)
    }

    /// Watching norms must not cost the network its analytic sliding jumps; a level
    /// surface gates nothing, so its jump is 0 and its rate the log-norm's.
    @Test("A watched network keeps its jumps: every surface's jump is the field difference, level surfaces included")
    func watchedNetworkKeepsItsJumps() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 4)
        let watched = try NeuronNormLevels(try instance.model(), level: 0.25)
        var generator = SeededGenerator(seed: 3)
        let velocity = (0..<watched.dimension).map { _ in generator.normal() }
        let (worst, ratesAgree) = jumpErrors(of: watched, at: instance.initial,
                                             gates: watched.signGates(at: instance.initial), velocity: velocity)
        #expect(ratesAgree)
        // The same products summed in another order: rounding of the field's size.
        #expect(worst <= 1e-14)
    }

    @Test("A neuron whose norm crosses the level records a crossing on its level surface, at the norm's root")
    func levelCrossingIsLocated() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 0, scale: 0.05)
        let network = try instance.model()
        let watched = try NeuronNormLevels(network, level: 0.3)
        let result = try FlowSimulator(
            problem: FlowProblem(system: watched, initialState: instance.initial, endTime: 30),
            options: FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)).run()
        #expect(result.termination == .reachedEndTime)
        let jumps = result.timeline.filter { $0.surface >= network.surfaceCount }
        #expect(!jumps.isEmpty)
        for jump in jumps {
            // Re-run to the jump time and read the norm there: it equals the level to the
            // event tolerance times the norm's rate.
            let k = jump.surface - network.surfaceCount
            let rerun = try FlowSimulator(
                problem: FlowProblem(system: network, initialState: instance.initial, endTime: jump.time),
                options: FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)).run()
            #expect(abs(network.logNorm(of: k, at: rerun.finalState) - log(0.3)) <= 1e-9)
        }
    }
}
