import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `NeuronNormLevels`: one watched function per neuron, log‖(w_k, b_k)‖ − log ν.
struct NeuronNormLevelsTests {
    @Test("Level functions are log-norms minus log ν, and their rates the log-norms' derivatives along the field")
    func levelFunctionsAreLogNorms() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 4)
        let network = try instance.model()
        let levels = try NeuronNormLevels(network, level: 0.25)
        #expect(levels.count == instance.width)
        let theta = instance.initial
        var field = [Double](repeating: 0, count: network.dimension)
        let gates = [Double](repeating: 1, count: network.surfaceCount)
        network.evaluate(at: theta, gates: gates, field: &field, switching: nil)
        var h = [Double](repeating: 0, count: levels.count)
        var rates = [Double](repeating: 0, count: levels.count)
        levels.values(at: theta, into: &h)
        levels.rates(at: theta, velocity: field, into: &rates)
        let d = 3, m = instance.width
        for k in 0..<m {
            func logNorm(_ p: [Double]) -> Double {
                0.5 * log((0..<d).reduce(p[m * d + k] * p[m * d + k]) { $0 + p[k * d + $1] * p[k * d + $1] })
            }
            #expect(abs(h[k] - (logNorm(theta) - log(0.25))) <= 1e-14)
            // d/dt log‖·‖ along F against a central difference of it, step 1e-6 (error ~1e-12).
            let step = 1e-6
            let plus = zip(theta, field).map { $0 + step * $1 }, minus = zip(theta, field).map { $0 - step * $1 }
            #expect(abs(rates[k] - (logNorm(plus) - logNorm(minus)) / (2 * step)) <= 1e-8)
        }
    }

    @Test("A neuron whose norm crosses the level records a watched crossing, at the norm's root, and the network's own events are those of the unwatched run")
    func levelCrossingIsLocated() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 0, scale: 0.05)
        let network = try instance.model()
        let levels = try NeuronNormLevels(network, level: 0.3)
        let options = FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
        let result = try FlowSimulator(
            problem: FlowProblem(system: network, initialState: instance.initial, endTime: 30, watching: levels),
            options: options).run()
        #expect(result.termination == .reachedEndTime)
        let jumps = result.timeline.filter(\.isWatched)
        #expect(!jumps.isEmpty)
        #expect(result.finalGates.count == network.surfaceCount)
        for jump in jumps {
            // Re-run to the jump time and read the norm there: it equals the level to the
            // event tolerance times the norm's rate.
            let k = jump.surface
            let rerun = try FlowSimulator(
                problem: FlowProblem(system: network, initialState: instance.initial, endTime: jump.time),
                options: options).run()
            #expect(abs(network.logNorm(of: k, at: rerun.finalState) - log(0.3)) <= 1e-9)
            #expect(jump.kind == .watched(into: jump.negativeSideSpeed > 0 ? .positive : .negative))
        }
        // The surface events are unchanged by watching, except that a level crossing ends a
        // step, so times agree to the event tolerance, not bit for bit.
        let plain = try FlowSimulator(
            problem: FlowProblem(system: network, initialState: instance.initial, endTime: 30), options: options).run()
        let surfaceEvents = result.timeline.filter { !$0.isWatched }
        #expect(surfaceEvents.map(\.surface) == plain.timeline.map(\.surface))
        #expect(surfaceEvents.map(\.kind) == plain.timeline.map(\.kind))
        for (watched, unwatched) in zip(surfaceEvents, plain.timeline) {
            #expect(abs(watched.time - unwatched.time) <= 1e-9 * max(1, unwatched.time))
        }
    }
}
