import Testing
import Experiments
import FlowEngine
import Models
import _TestSupport

/// GD against the flow at one step size, and GD's own timeline.
struct FlowVersusDescentTests {
    /// No neuron-level entries.
    struct NoImpliedEntries: ImpliedTimelineEntries {
        var initialEntries: [TimelineRecord] { [] }
        mutating func entries(after event: TimelineEvent, loss: Double) -> [TimelineRecord] { [] }
    }

    @Test("The comparison grid holds every stride-th multiple of each η up to the end time, once")
    func gridTimes() {
        #expect(FlowVersusDescent<SingleNeuron>.stride(learningRate: 0.01, endTime: 50) == 10)
        #expect(FlowVersusDescent<SingleNeuron>.stride(learningRate: 0.5, endTime: 50) == 1)
        let times = FlowVersusDescent<SingleNeuron>.gridTimes(learningRates: [0.5, 0.25], endTime: 2)
        #expect(times == [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2])
    }

    @Test("On a single neuron GD's flips match the flow's events, its timeline marks iterations, deviations are O(η)")
    func comparisonOnASingleNeuron() throws {
        let instance = SingleNeuronInstance.random(seed: 3)
        let model = try instance.model()
        let options = FlowOptions()
        let endTime = 2.0, eta = 0.01
        var flowStates = [Double: [Double]]()
        let flow = try FlowSimulator(
            problem: FlowProblem(system: model, initialState: instance.initial, endTime: endTime,
                                 outputTimes: FlowVersusDescent<SingleNeuron>.gridTimes(learningRates: [eta], endTime: endTime)),
            options: options
        ).run(observer: FlowObserver(didReachOutputTime: { t, state in flowStates[t] = Array(state) }))
        var kept: [Double] = []
        let comparison = try FlowVersusDescent(model: model, initial: instance.initial, options: options,
                                               reluDerivativeAtZero: 0, plateauDetector: PlateauDetector())
            .compare(learningRate: eta, flow: flow, flowEndTime: endTime, flowStates: flowStates,
                     implied: NoImpliedEntries()) { t, _ in kept.append(t) }
        #expect(comparison.iterations == 200)
        #expect(kept.first == 0 && kept.count == comparison.record.gdLoss.count)
        #expect(comparison.record.modifiedFlowError == nil)
        #expect(comparison.record.maxParameterDeviation > 0 && comparison.record.maxParameterDeviation < 0.1)
        // GD follows its modified equation more closely than the flow.
        #expect(comparison.record.maxModifiedFlowDeviation < comparison.record.maxParameterDeviation)
        let flips = comparison.timeline.entries.filter { $0.iteration != nil }
        #expect(flips.count == comparison.timeline.flipCount)
        #expect(flips.allSatisfy { abs($0.time - eta * Double($0.iteration!)) <= 1e-15 * $0.time && $0.normalSpeedActive == nil })
    }
}
