import Experiments
import FlowEngine
import Models

/// The neuron-level timeline entries that follow from surface events, the same for a flow
/// and a GD run: `neuron_death`/`neuron_revival` (`NeuronActivity`) and, for univariate
/// models, `knot_exit`/`knot_entry` (`KnotRange`).
struct NeuronLevelEvents {
    private var activity: NeuronActivity
    private var knotRange: KnotRange?
    /// The neuron of each surface, from the model's labels.
    private let neuron: (Int) -> Int
    /// The entries at t = 0: neurons dead and knots outside the data range from the start.
    let initialEntries: [TimelineRecord]

    init(model: some GatedNetwork, initialGates: [Double], initial: [Double]) {
        activity = NeuronActivity(network: model, initialGates: initialGates)
        neuron = { model.surfaceLabel($0).neuron }
        knotRange = model.knotRange(initialGates: initialGates, initialParameters: initial)
        let loss = model.loss(at: initial)
        initialEntries = activity.deadNeurons.map { TimelineRecord(.init(neuron: $0, isAlive: false), time: 0, loss: loss) }
            + (knotRange?.initialExits ?? []).map { TimelineRecord($0, time: 0, loss: loss) }
    }

    /// The label of an event's surface; a watched function, function k of
    /// `NeuronNormLevels`, is labelled by its neuron k alone.
    static func label(of event: TimelineEvent, in model: some GatedNetwork) -> SurfaceLabel {
        event.isWatched
            ? SurfaceLabel(neuron: event.surface, sample: SurfaceLabel.everySample)
            : model.surfaceLabel(event.surface)
    }

    /// The entries `event` causes, with the loss at the event.
    mutating func entries(after event: TimelineEvent, loss: Double) -> [TimelineRecord] {
        var entries: [TimelineRecord] = []
        if !event.isWatched, let change = activity.apply(event, neuron: neuron(event.surface)) {
            entries.append(TimelineRecord(change, time: event.time, loss: loss))
        }
        if let change = knotRange?.apply(event) { entries.append(TimelineRecord(change, time: event.time, loss: loss)) }
        return entries
    }
}
