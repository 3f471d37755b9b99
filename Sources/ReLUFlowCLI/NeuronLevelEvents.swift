import FlowEngine
import Models

/// The neuron-level timeline entries that follow from surface events, the same for a flow
/// and a GD run: `neuron_death`/`neuron_revival` (`NeuronActivity`) and, for univariate
/// models, `knot_exit`/`knot_entry` (`KnotRange`).
struct NeuronLevelEvents {
    private var activity: NeuronActivity
    private var knotRange: KnotRange?
    /// The entries at t = 0: neurons dead and knots outside the data range from the start.
    let initialEntries: [TimelineEntry]

    init(model: some GatedNetwork, initialGates: [Double], initial: [Double]) {
        activity = NeuronActivity(network: model, initialGates: initialGates)
        knotRange = (model as? UnivariateNetwork).map {
            KnotRange(network: $0, initialGates: initialGates, initialParameters: initial)
        }
        let loss = model.loss(at: initial)
        initialEntries = activity.deadNeurons.map { TimelineEntry(.init(neuron: $0, isAlive: false), time: 0, loss: loss) }
            + (knotRange?.initialExits ?? []).map { TimelineEntry($0, time: 0, loss: loss) }
    }

    /// The functions a scenario watches: a level function per neuron for
    /// `watch: {neuron_norm_level: ν}` on a network with neuron norms, else none.
    static func watchedFunctions(of scenario: Scenario, model: some GatedNetwork) throws -> (any WatchedFunctions)? {
        guard let level = scenario.neuronNormLevel, let normed = model as? any NeuronNorms else { return nil }
        func levels<Network: NeuronNorms>(_ network: Network) throws -> any WatchedFunctions {
            do { return try NeuronNormLevels(network, level: level) } catch {
                throw ScenarioError(file: scenario.file.path, "watch.neuron_norm_level", error.description)
            }
        }
        return try levels(normed)
    }

    /// The label of an event's surface; a watched function, function k of
    /// `NeuronNormLevels`, is labelled by its neuron k alone.
    static func label(of event: TimelineEvent, in model: some GatedNetwork) -> SurfaceLabel {
        event.isWatched
            ? SurfaceLabel(neuron: event.surface, sample: SurfaceLabel.everySample)
            : model.surfaceLabel(event.surface)
    }

    /// The entries `event` causes, with the loss at the event.
    mutating func entries(after event: TimelineEvent, loss: Double) -> [TimelineEntry] {
        var entries: [TimelineEntry] = []
        if let change = activity.apply(event) { entries.append(TimelineEntry(change, time: event.time, loss: loss)) }
        if let change = knotRange?.apply(event) { entries.append(TimelineEntry(change, time: event.time, loss: loss)) }
        return entries
    }
}
