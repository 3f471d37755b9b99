import Experiments
import FlowEngine
import Models

/// Algorithm 1's prediction (`JumpProcessPrediction`) beside what the flow did, for the
/// `jump_process` block of summary.json: per predicted jump, the first time the flow saw
/// that neuron's norm rise above the watched level (`watch: {neuron_norm_level: ν}`), and
/// the final ‖θ‖² beside eq. (15)'s ‖θ_∞‖².
struct JumpProcessReport {
    let prediction: JumpProcessPrediction
    /// Neuron → the first `stage` event taking its norm above the level.
    let measuredJumpTimes: [Int: Double]
    let measuredSquaredNorm: Double

    init(network: OrthogonalDataNetwork, start: [Double], end: [Double], timeline: [TimelineEntry]) {
        prediction = JumpProcessPrediction(network: network, start: start)
        var measured: [Int: Double] = [:]
        for entry in timeline where entry.kind == "stage" && entry.side == Side.positive.levelWord {
            if let neuron = entry.neuron, measured[neuron] == nil { measured[neuron] = entry.time }
        }
        measuredJumpTimes = measured
        measuredSquaredNorm = network.squaredParameterNorm(at: end)
    }

    func json() -> String {
        let jumps = prediction.jumps.map { jump in
            JSONText.object([
                ("t_predicted", JSONText.number(jump.time)),
                ("t_flow", measuredJumpTimes[jump.neuron].map(JSONText.number) ?? "null"),
                ("neuron", "\(jump.neuron)"),
                ("fitted_samples", "[" + jump.fittedSamples.map { "\($0)" }.joined(separator: ", ") + "]"),
                ("loss_after", JSONText.number(jump.lossAfter)),
            ])
        }
        return JSONText.object([
            ("source", JSONText.string("Algorithm 1 of the orthogonal-data paper; t_flow: the neuron's first crossing above the watched norm level")),
            ("initial_loss", JSONText.number(prediction.initialLoss)),
            ("jumps", "[" + jumps.joined(separator: ", ") + "]"),
            ("unfitted_samples", "[" + prediction.unfittedSamples.map { "\($0)" }.joined(separator: ", ") + "]"),
            ("predicted_squared_norm", JSONText.number(prediction.finalSquaredNorm)),
            ("flow_squared_norm", JSONText.number(measuredSquaredNorm)),
            ("minimum_norm_squared", JSONText.number(prediction.minimumNormSquared)),
        ])
    }
}
