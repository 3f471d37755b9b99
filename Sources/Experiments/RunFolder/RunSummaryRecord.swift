/// `summary.json` of a flow run: how it ended, the settings used, where it ended, what it
/// found (plateaus, Algorithm 1 beside the flow) and the work it took.
public struct RunSummaryRecord: Codable, Sendable, Equatable {
    /// (neuron, sample) of a pair active at the end, with its gate if slid on.
    public struct SurfacePair: Codable, Sendable, Equatable {
        public let neuron: Int
        public let sample: Int
        public let gate: Double?

        public init(neuron: Int, sample: Int, gate: Double? = nil) {
            self.neuron = neuron
            self.sample = sample
            self.gate = gate
        }
    }

    /// How flow time maps to GD iterations and to the ½Σ loss's flow.
    public struct TimeMapping: Codable, Sendable, Equatable {
        public var gdIteration = "k = t / eta for full-batch GD with step eta on this loss"
        /// s with ∇L = s·∇L_½Σ (plateau notes §1.5); null for a population loss.
        @WrittenAsNull public var halfSumTimeFactor: Double?
        public var meaning = "this flow at time t is the half_sum loss's flow at time half_sum_time_factor * t"

        enum CodingKeys: String, CodingKey {
            case gdIteration = "gd_iteration", halfSumTimeFactor = "half_sum_time_factor", meaning
        }

        public init(halfSumTimeFactor: Double?) { self.halfSumTimeFactor = halfSumTimeFactor }
    }

    /// `completed`, `steady_state`, `interrupted` or `failed`.
    public var status: String
    /// Why the run stopped early; null if it did not.
    @WrittenAsNull public var error: String?
    public var scenario: String
    public var model: String
    public var lossNormalization: String
    public var stepper: String
    public var repellingRule: String
    public var relativeTolerance: Double
    public var absoluteTolerance: Double
    public var endTime: Double
    public var timeMapping: TimeMapping
    public var finalTime: Double
    public var finalLoss: Double
    public var finalParameters: ParameterValues
    public var finalActive: [SurfacePair]
    public var finalSliding: [SurfacePair]
    public var plateaus: [PlateauRecord]
    /// `two_layer_orthogonal` only.
    public var jumpProcess: JumpProcessRecord?
    /// `TimelineCounts` of the run's timeline.
    public var transitions: Int
    public var startEntries: Int
    public var timelineEntries: Int
    public var stepCount: Int
    public var failedStepCount: Int
    public var rhsEvaluationCount: Int
    public var restepCount: Int
    public var slidingStepCount: Int
    /// Steps taken by the stiff stepper (`FlowStatistics.implicitStepCount`).
    public var implicitStepCount: Int
    public var maxSlidingDrift: Double
    public var wallSeconds: Double

    enum CodingKeys: String, CodingKey {
        case status, error, scenario, model, lossNormalization = "loss_normalization", stepper
        case repellingRule = "repelling_rule", relativeTolerance = "rtol", absoluteTolerance = "atol", endTime = "t_end"
        case timeMapping = "time_mapping", finalTime = "final_time", finalLoss = "final_loss"
        case finalParameters = "final_params", finalActive = "final_active", finalSliding = "final_sliding", plateaus
        case jumpProcess = "jump_process", transitions, startEntries = "start_entries", timelineEntries = "timeline_entries"
        case stepCount = "steps", failedStepCount = "failed_steps"
        case rhsEvaluationCount = "rhs_evaluations", restepCount = "event_resteps", slidingStepCount = "sliding_steps"
        case implicitStepCount = "implicit_steps"
        case maxSlidingDrift = "max_sliding_drift", wallSeconds = "wall_seconds"
    }

    public init(status: String, error: String?, scenario: String, model: String, lossNormalization: String,
                stepper: String, repellingRule: String, relativeTolerance: Double, absoluteTolerance: Double,
                endTime: Double, timeMapping: TimeMapping, finalTime: Double, finalLoss: Double,
                finalParameters: ParameterValues, finalActive: [SurfacePair], finalSliding: [SurfacePair],
                plateaus: [PlateauRecord], jumpProcess: JumpProcessRecord?, counts: TimelineCounts, stepCount: Int,
                failedStepCount: Int, rhsEvaluationCount: Int, restepCount: Int, slidingStepCount: Int,
                implicitStepCount: Int, maxSlidingDrift: Double, wallSeconds: Double) {
        self.status = status
        self.error = error
        self.scenario = scenario
        self.model = model
        self.lossNormalization = lossNormalization
        self.stepper = stepper
        self.repellingRule = repellingRule
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.endTime = endTime
        self.timeMapping = timeMapping
        self.finalTime = finalTime
        self.finalLoss = finalLoss
        self.finalParameters = finalParameters
        self.finalActive = finalActive
        self.finalSliding = finalSliding
        self.plateaus = plateaus
        self.jumpProcess = jumpProcess
        transitions = counts.transitions
        startEntries = counts.startEntries
        timelineEntries = counts.timelineEntries
        self.stepCount = stepCount
        self.failedStepCount = failedStepCount
        self.rhsEvaluationCount = rhsEvaluationCount
        self.restepCount = restepCount
        self.slidingStepCount = slidingStepCount
        self.implicitStepCount = implicitStepCount
        self.maxSlidingDrift = maxSlidingDrift
        self.wallSeconds = wallSeconds
    }
}
