import FlowEngine

extension RunSummaryRecord {
    /// The settings a run used, as summary.json lists them.
    public struct Settings: Sendable {
        public var scenario: String
        public var model: String
        /// `half_sum`, `half_mean`, `mean`, or `population` for a closed-form loss.
        public var lossNormalization: String
        public var stepper: String
        public var repellingRule: String
        public var relativeTolerance: Double
        public var absoluteTolerance: Double
        public var endTime: Double
        /// s with ∇L = s·∇L_½Σ; nil for a population loss.
        public var halfSumTimeFactor: Double?

        public init(scenario: String, model: String, lossNormalization: String, stepper: String, repellingRule: String,
                    relativeTolerance: Double, absoluteTolerance: Double, endTime: Double, halfSumTimeFactor: Double?) {
            self.scenario = scenario
            self.model = model
            self.lossNormalization = lossNormalization
            self.stepper = stepper
            self.repellingRule = repellingRule
            self.relativeTolerance = relativeTolerance
            self.absoluteTolerance = absoluteTolerance
            self.endTime = endTime
            self.halfSumTimeFactor = halfSumTimeFactor
        }
    }

    /// The summary of a run with `settings` that ended as `result` says.
    public init(settings: Settings, result: FlowResult, finalLoss: Double, finalParameters: ParameterValues,
                finalActive: [SurfacePair], finalSliding: [SurfacePair], plateaus: [PlateauRecord],
                jumpProcess: JumpProcessRecord?, wallSeconds: Double) {
        let statistics = result.statistics
        self.init(
            status: Self.status(of: result.termination), error: Self.errorMessage(of: result),
            scenario: settings.scenario, model: settings.model, lossNormalization: settings.lossNormalization,
            stepper: settings.stepper, repellingRule: settings.repellingRule,
            relativeTolerance: settings.relativeTolerance, absoluteTolerance: settings.absoluteTolerance,
            endTime: settings.endTime, timeMapping: TimeMapping(halfSumTimeFactor: settings.halfSumTimeFactor),
            finalTime: result.finalTime, finalLoss: finalLoss, finalParameters: finalParameters,
            finalActive: finalActive, finalSliding: finalSliding, plateaus: plateaus, jumpProcess: jumpProcess,
            eventCount: statistics.eventCount, stepCount: statistics.stepCount,
            failedStepCount: statistics.failedStepCount, rhsEvaluationCount: statistics.rhsEvaluationCount,
            restepCount: statistics.restepCount, slidingStepCount: statistics.slidingStepCount,
            maxSlidingDrift: statistics.maxSlidingDrift, wallSeconds: wallSeconds)
    }

    /// The words summary.json uses for how a run ended.
    public static func status(of termination: Termination) -> String {
        switch termination {
        case .reachedEndTime: "completed"
        case .reachedSteadyState: "steady_state"
        case .interrupted: "interrupted"
        case .failed: "failed"
        }
    }

    /// Why a run stopped early, or nil if it reached its end time or a steady state.
    public static func errorMessage(of result: FlowResult) -> String? {
        switch result.termination {
        case .reachedEndTime, .reachedSteadyState: nil
        case .interrupted: "interrupted by a signal at t = \(result.finalTime)"
        case .failed(let error): error.description
        }
    }
}
