import Testing
import FlowEngine
import Models

/// `NeuronActivity` turns surface events into neuron deaths and revivals.
struct NeuronActivityTests {
    static func event(_ surface: Int, _ kind: TimelineEvent.Kind) -> TimelineEvent {
        TimelineEvent(time: 1, surface: surface, kind: kind, negativeSideSpeed: 0, positiveSideSpeed: 0, gate: 0)
    }

    @Test("A neuron dies when its last live pair goes inactive and revives when one returns; sliding keeps it alive")
    func deathAndRevivalFollowTheLastLivePair() throws {
        // Two neurons on two samples: surfaces (0,0), (0,1), (1,0), (1,1).
        let data = try Dataset(rows: [[1, 0], [0, 1]], targets: [1, 1])
        let network = try TwoLayerNetwork(data: data, width: 2, hasBias: false, normalization: .halfSum)
        var activity = NeuronActivity(network: network, initialGates: [1, 0, 0, 0])
        #expect(activity.deadNeurons == [1])
        func apply(_ surface: Int, _ kind: TimelineEvent.Kind) -> NeuronActivity.Change? {
            activity.apply(Self.event(surface, kind), neuron: network.surfaceLabel(surface).neuron)
        }
        #expect(apply(0, .slideStart) == nil)  // already alive
        #expect(apply(1, .crossing(into: .negative)) == nil)  // no change of side
        #expect(apply(0, .slideEnd(exit: .negative)) == .init(neuron: 0, isAlive: false))
        #expect(apply(3, .crossing(into: .positive)) == .init(neuron: 1, isAlive: true))
        #expect(apply(2, .choice(into: .positive)) == nil)
        #expect(apply(3, .crossing(into: .negative)) == nil)
        #expect(apply(2, .crossing(into: .negative)) == .init(neuron: 1, isAlive: false))
    }
}

/// The population neuron's first layer has no switching surface: it is never reported dead.
@Test("A neuron without surfaces is neither dead nor alive")
func neuronWithoutSurfacesIsNotDead() throws {
    let model = try PopulationSingleNeuron(teacherWeights: [1, 0], teacherScalarWeights: [1, 1])
    let activity = NeuronActivity(network: model, initialGates: [1])
    #expect(activity.deadNeurons.isEmpty)
}
