import FlowEngine

extension RunSummaryRecord {
    /// The summary of a run that ended as `result` says, with the settings it used.
    /// - Parameters:
    ///   - lossNormalization: `half_sum`, `half_mean`, `mean`, or `population` for a
    ///     closed-form loss.
    ///   - halfSumTimeFactor: s with ∇L = s·∇L_½Σ; nil for a population loss.
    ///   - timeline: the entries timeline.jsonl gets, counted as `TimelineCounts`.
    ///   - surfaceName: how a failure message calls surface j (`SurfaceLabel.name`).
    public init(scenario: String, model: String, lossNormalization: String, stepper: String, repellingRule: String,
                relativeTolerance: Double, absoluteTolerance: Double, endTime: Double, halfSumTimeFactor: Double?,
                result: FlowResult, finalLoss: Double, finalParameters: ParameterValues, finalActive: [SurfacePair],
                finalSliding: [SurfacePair], plateaus: [PlateauRecord], jumpProcess: JumpProcessRecord?,
                timeline: [TimelineRecord], wallSeconds: Double, surfaceName: (Int) -> String = { "surface \($0)" }) {
        let statistics = result.statistics
        self.init(
            status: Self.status(of: result.termination), error: Self.errorMessage(of: result, surfaceName: surfaceName),
            scenario: scenario, model: model, lossNormalization: lossNormalization, stepper: stepper,
            repellingRule: repellingRule,
            relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance, endTime: endTime,
            timeMapping: TimeMapping(halfSumTimeFactor: halfSumTimeFactor), finalTime: result.finalTime,
            finalLoss: finalLoss, finalParameters: finalParameters, finalActive: finalActive,
            finalSliding: finalSliding, plateaus: plateaus, jumpProcess: jumpProcess,
            counts: TimelineCounts(timeline), stepCount: statistics.stepCount,
            failedStepCount: statistics.failedStepCount, rhsEvaluationCount: statistics.rhsEvaluationCount,
            restepCount: statistics.restepCount, slidingStepCount: statistics.slidingStepCount,
            implicitStepCount: statistics.implicitStepCount,
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
    public static func errorMessage(of result: FlowResult,
                                    surfaceName: (Int) -> String = { "surface \($0)" }) -> String? {
        switch result.termination {
        case .reachedEndTime, .reachedSteadyState: nil
        case .interrupted: "interrupted by a signal at t = \(result.finalTime)"
        case .failed(let error): error.description(surfaceName: surfaceName)
        }
    }
}
