/// `compare.json`: the flow against full-batch GD at each step size (`reluflow compare`).
public struct CompareRecord: Codable, Sendable, Equatable {
    /// A flow event matched with a GD flip (`FlowGDComparison.Match`).
    public struct MatchedEvent: Codable, Sendable, Equatable {
        public let surface: Int
        /// `active` or `inactive`: the side entered.
        public let into: String
        public let flowTime: Double
        public let gdIteration: Int
        /// η·k − t_flow.
        public let timeDifference: Double

        enum CodingKeys: String, CodingKey {
            case surface, into, flowTime = "flow_t", gdIteration = "gd_iteration", timeDifference = "time_difference"
        }

        public init(surface: Int, into: String, flowTime: Double, gdIteration: Int, timeDifference: Double) {
            self.surface = surface
            self.into = into
            self.flowTime = flowTime
            self.gdIteration = gdIteration
            self.timeDifference = timeDifference
        }
    }

    /// One step size.
    public struct Run: Codable, Sendable, Equatable {
        public let learningRate: Double
        public let iterations: Int
        public let matchedEventCount: Int
        public let maxEventTimeDifference: Double
        public let events: [MatchedEvent]
        public let flowOnlyEventCount: Int
        public let gdOnlyFlipCount: Int
        /// max over the common time grid t = η·k of |θ_GD(k) − θ_flow(t)| and of the loss gap.
        public let maxParameterDeviation: Double
        public let maxLossDeviation: Double
        /// The same against GD's modified-equation flow, up to where that flow got.
        public let maxModifiedFlowDeviation: Double
        public let finalParameterDifference: Double
        public let finalLossDifference: Double
        public let gdPlateaus: [PlateauRecord]
        /// GD's loss on the comparison grid, as [η·k, L].
        public let gdLoss: [[Double]]
        /// Why the modified-equation flow stopped before the flow's final time, if it did.
        public let modifiedFlowError: String?

        enum CodingKeys: String, CodingKey {
            case learningRate = "learning_rate", iterations, matchedEventCount = "matched_events"
            case maxEventTimeDifference = "max_event_time_difference", events, flowOnlyEventCount = "flow_only_events"
            case gdOnlyFlipCount = "gd_only_flips", maxParameterDeviation = "max_parameter_deviation"
            case maxLossDeviation = "max_loss_deviation", maxModifiedFlowDeviation = "max_modified_flow_deviation"
            case finalParameterDifference = "final_parameter_difference", finalLossDifference = "final_loss_difference"
            case gdPlateaus = "gd_plateaus", gdLoss = "gd_loss", modifiedFlowError = "modified_flow_error"
        }

        public init(learningRate: Double, iterations: Int, matchedEventCount: Int, maxEventTimeDifference: Double,
                    events: [MatchedEvent], flowOnlyEventCount: Int, gdOnlyFlipCount: Int,
                    maxParameterDeviation: Double, maxLossDeviation: Double, maxModifiedFlowDeviation: Double,
                    finalParameterDifference: Double, finalLossDifference: Double, gdPlateaus: [PlateauRecord],
                    gdLoss: [[Double]], modifiedFlowError: String?) {
            self.learningRate = learningRate
            self.iterations = iterations
            self.matchedEventCount = matchedEventCount
            self.maxEventTimeDifference = maxEventTimeDifference
            self.events = events
            self.flowOnlyEventCount = flowOnlyEventCount
            self.gdOnlyFlipCount = gdOnlyFlipCount
            self.maxParameterDeviation = maxParameterDeviation
            self.maxLossDeviation = maxLossDeviation
            self.maxModifiedFlowDeviation = maxModifiedFlowDeviation
            self.finalParameterDifference = finalParameterDifference
            self.finalLossDifference = finalLossDifference
            self.gdPlateaus = gdPlateaus
            self.gdLoss = gdLoss
            self.modifiedFlowError = modifiedFlowError
        }
    }

    public let flowTime: Double
    /// The flow's `TimelineCounts.transitions`.
    public let flowTransitions: Int
    /// How the flow ended (`RunSummaryRecord.status`): `completed`, `steady_state`,
    /// `interrupted` or `failed`.
    public let flowStatus: String
    /// Why the flow stopped early, if it did.
    public let flowError: String?
    public let runs: [Run]
    /// The observed orders in η of the gaps (`FlowGDComparison.observedOrder`); null with
    /// fewer than two usable step sizes.
    @WrittenAsNull public var eventTimeOrder: Double?
    @WrittenAsNull public var trajectoryOrder: Double?
    @WrittenAsNull public var modifiedFlowOrder: Double?
    @WrittenAsNull public var finalPointOrder: Double?

    enum CodingKeys: String, CodingKey {
        case flowTime = "flow_time", flowTransitions = "flow_transitions", flowStatus = "flow_status"
        case flowError = "flow_error", runs
        case eventTimeOrder = "observed_order_event_time", trajectoryOrder = "observed_order_trajectory"
        case modifiedFlowOrder = "observed_order_modified_flow", finalPointOrder = "observed_order_final_point"
    }

    /// The runs with the observed orders of their gaps.
    public init(flowTime: Double, flowTransitions: Int, flowStatus: String = "completed", flowError: String? = nil,
                runs: [Run]) {
        self.flowTime = flowTime
        self.flowTransitions = flowTransitions
        self.flowStatus = flowStatus
        self.flowError = flowError
        self.runs = runs
        func order(_ gap: (Run) -> Double) -> Double? {
            FlowGDComparison.observedOrder(learningRates: runs.map(\.learningRate), gaps: runs.map(gap))
        }
        eventTimeOrder = order(\.maxEventTimeDifference)
        trajectoryOrder = order(\.maxParameterDeviation)
        modifiedFlowOrder = order(\.maxModifiedFlowDeviation)
        finalPointOrder = order(\.finalParameterDifference)
    }

    /// The flow's failure and the runs that stopped early, one message each.
    public var failures: [String] {
        let flow = flowStatus == "failed" ? ["the flow failed at t = \(flowTime): \(flowError ?? "?")"] : []
        return flow + runs.compactMap { run in
            run.modifiedFlowError.map { "the modified-equation flow for eta = \(run.learningRate) stopped early: \($0)" }
        }
    }
}
