/// The `jump_process` block of summary.json (`two_layer_orthogonal` runs): Algorithm 1's
/// prediction (`JumpProcessPrediction`) beside what the flow did.
public struct JumpProcessRecord: Codable, Sendable, Equatable {
    public struct Jump: Codable, Sendable, Equatable {
        public let predictedTime: Double
        /// The neuron's first `stage` event above the watched level; null if none.
        @WrittenAsNull public var flowTime: Double?
        public let neuron: Int
        public let fittedSamples: [Int]
        public let lossAfter: Double

        enum CodingKeys: String, CodingKey {
            case predictedTime = "t_predicted", flowTime = "t_flow", neuron, fittedSamples = "fitted_samples"
            case lossAfter = "loss_after"
        }
    }

    public var source = "Algorithm 1 of the orthogonal-data paper; t_flow: the neuron's first crossing above the watched norm level"
    public let initialLoss: Double
    public let jumps: [Jump]
    public let unfittedSamples: [Int]
    public let predictedSquaredNorm: Double
    public let flowSquaredNorm: Double
    public let minimumNormSquared: Double

    enum CodingKeys: String, CodingKey {
        case source, initialLoss = "initial_loss", jumps, unfittedSamples = "unfitted_samples"
        case predictedSquaredNorm = "predicted_squared_norm", flowSquaredNorm = "flow_squared_norm"
        case minimumNormSquared = "minimum_norm_squared"
    }
}

extension JumpProcessRecord {
    /// The prediction beside the flow: per predicted jump, the first time the flow's
    /// timeline saw that neuron's norm rise above the watched level (`stage`, side `above`),
    /// and the flow's final ‖θ‖² beside eq. (15)'s ‖θ_∞‖².
    public init(prediction: JumpProcessPrediction, timeline: [TimelineRecord], flowSquaredNorm: Double) {
        var measured: [Int: Double] = [:]
        for entry in timeline where entry.kind == "stage" && entry.side == "above" {
            if let neuron = entry.neuron, measured[neuron] == nil { measured[neuron] = entry.time }
        }
        initialLoss = prediction.initialLoss
        jumps = prediction.jumps.map { jump in
            Jump(predictedTime: jump.time, flowTime: measured[jump.neuron], neuron: jump.neuron,
                 fittedSamples: jump.fittedSamples, lossAfter: jump.lossAfter)
        }
        unfittedSamples = prediction.unfittedSamples
        predictedSquaredNorm = prediction.finalSquaredNorm
        self.flowSquaredNorm = flowSquaredNorm
        minimumNormSquared = prediction.minimumNormSquared
    }
}
