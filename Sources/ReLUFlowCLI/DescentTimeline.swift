import Experiments
import FlowEngine
import Models

/// A GD run's timeline in the flow timeline's words, for `DIR/gd-eta-<η>/timeline.jsonl`:
/// one `activation`/`deactivation` per flip at t = η·k with its `iteration` and
/// `chattering` mark, the neuron-level entries the flips imply (deaths, revivals, knot
/// exits), and the plateaus of GD's loss curve.
struct DescentTimeline {
    let learningRate: Double
    let entries: [TimelineEntry]
    let plateaus: [PlateauDetector.Plateau]

    /// - Parameters:
    ///   - lossAtFlips: L(θ_k) at every iteration k that has a flip.
    ///   - lossCurve: (η·k, L(θ_k)) on the comparison grid, for the plateaus.
    init(model: some GatedNetwork, learningRate eta: Double, initial: [Double], initialGates: [Double],
         flips: [GradientDescentFlip], lossAtFlips: [Int: Double], lossCurve: [(time: Double, loss: Double)],
         plateauDetector: PlateauDetector) {
        learningRate = eta
        var neuronEvents = NeuronLevelEvents(model: model, initialGates: initialGates, initial: initial)
        var entries = neuronEvents.initialEntries
        for flip in flips {
            let event = TimelineEvent(time: eta * Double(flip.iteration), surface: flip.surface,
                                      kind: .crossing(into: flip.into), negativeSideSpeed: 0, positiveSideSpeed: 0,
                                      gate: flip.into.gate)
            let loss = lossAtFlips[flip.iteration] ?? .nan
            var entry = TimelineEntry(event, label: model.surfaceLabel(flip.surface), loss: loss)
            entry.normalSpeeds = nil
            entry.isChattering = flip.isChattering
            for var caused in [entry] + neuronEvents.entries(after: event, loss: loss) {
                caused.iteration = flip.iteration
                entries.append(caused)
            }
        }
        plateaus = plateauDetector.plateaus(in: lossCurve)
        self.entries = TimelineEntry.merging(entries, plateaus: plateaus, floors: plateaus.map { _ in nil })
    }

    /// `summary.json` of the GD run folder: what `reluflow report` reads (status, final
    /// time and loss, plateaus), the step size and iteration count, σ'(0), final parameters.
    func summaryJSON(scenario: Scenario, model: some GatedNetwork, iterations: Int, reluDerivativeAtZero: Double,
                     finalParameters: [Double]) -> String {
        JSONText.object([
            ("status", JSONText.string("completed")),
            ("method", JSONText.string("gradient_descent")),
            ("scenario", JSONText.string(scenario.file.path)),
            ("model", JSONText.string(scenario.model.name)),
            ("learning_rate", JSONText.number(learningRate)),
            ("iterations", "\(iterations)"),
            ("final_time", JSONText.number(learningRate * Double(iterations))),
            ("relu_derivative_at_zero", JSONText.number(reluDerivativeAtZero)),
            ("final_loss", JSONText.number(model.loss(at: finalParameters))),
            ("final_params", JSONText.object(RunSummary.parameterFields(finalParameters, layout: model.parameterLayout))),
            ("plateaus", RunSummary.plateausJSON(plateaus)),
            ("flips", "\(entries.filter { $0.isChattering != nil }.count)"),
        ], indent: "")
    }
}
