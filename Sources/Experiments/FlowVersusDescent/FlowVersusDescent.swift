import FlowEngine
import Models

/// Full-batch GD at one step size η against a flow run of the same model from the same
/// start: the events matched (`FlowGDComparison`), the largest parameter and loss gaps on
/// the common grid t = η·k (the flow is stopped exactly at those times), the same against
/// GD's modified-equation flow (`ModifiedEquationFlow`), and the final differences. Gaps
/// are measured in the network's own weights (`comparableParameters`).
public struct FlowVersusDescent<Model: GatedNetwork> {
    /// About this many GD iterates per step size are compared with the flow's state.
    public static var gridPoints: Int { 500 }

    public let model: Model
    public let initial: [Double]
    /// The flow's options, for the modified-equation flow.
    public let options: FlowOptions
    /// σ'(0) for GD.
    public let reluDerivativeAtZero: Double
    /// Finds the plateaus of GD's loss curve.
    public let plateauDetector: PlateauDetector

    public init(model: Model, initial: [Double], options: FlowOptions, reluDerivativeAtZero: Double,
                plateauDetector: PlateauDetector) {
        self.model = model
        self.initial = initial
        self.options = options
        self.reluDerivativeAtZero = reluDerivativeAtZero
        self.plateauDetector = plateauDetector
    }

    /// Every `stride`-th iterate at step η up to `endTime` is on the comparison grid.
    public static func stride(learningRate eta: Double, endTime: Double) -> Int {
        max(1, Int((endTime / eta).rounded()) / gridPoints)
    }

    /// The times t = η·k of every step size's grid up to `endTime`, in order: where the
    /// flow must stop exactly on its way (`FlowProblem.outputTimes`).
    public static func gridTimes(learningRates: [Double], endTime: Double) -> [Double] {
        Set(learningRates.flatMap { eta in
            stride(learningRate: eta, endTime: endTime).multiples(upTo: Int((endTime / eta).rounded()))
                .map { eta * Double($0) }
        }).filter { $0 <= endTime }.sorted()
    }

    /// GD at one step size, compared.
    public struct Comparison {
        public let record: CompareRecord.Run
        public let timeline: DescentTimeline
        /// The iterations taken: fewer than η asks for when `shouldStop` said so.
        public let iterations: Int
        public let finalParameters: [Double]
        public let wasInterrupted: Bool
    }

    /// Runs GD at step η up to the flow's final time and compares it with the flow.
    /// - Parameters:
    ///   - flowEndTime: the scenario's end time, which sets the grid (`stride`).
    ///   - flowStates: θ_flow(t) at the grid times t = η·k (`gridTimes`).
    ///   - implied: the neuron-level entries GD's flips imply, set to GD's initial gates.
    ///   - shouldStop: polled by GD before every iteration and by the modified-equation flow
    ///     after every step: true ends both there (an interrupt), and GD is compared as far
    ///     as it got.
    ///   - didKeepIterate: called with (η·k, θ_k) at k = 0, on the grid and at the last
    ///     iteration: GD's trajectory.
    /// - Throws: `FlowError` if the modified-equation flow cannot be set up.
    public func compare(learningRate eta: Double, flow: FlowResult, flowEndTime: Double, flowStates: [Double: [Double]],
                        implied: some ImpliedTimelineEntries, shouldStop: @escaping () -> Bool = { false },
                        didKeepIterate: @escaping (Double, [Double]) -> Void) throws -> Comparison {
        let stride = Self.stride(learningRate: eta, endTime: flowEndTime)
        let iterations = Int((flow.finalTime / eta).rounded())
        let modified = try modifiedFlowStates(learningRate: eta, grid: stride.multiples(upTo: iterations)
            .map { eta * Double($0) }.filter { $0 <= flow.finalTime }, endTime: flow.finalTime, shouldStop: shouldStop)
        var parameterDeviation = 0.0, lossDeviation = 0.0, modifiedDeviation = 0.0
        var lossCurve: [(time: Double, loss: Double)] = [(0, model.loss(at: initial))]
        didKeepIterate(0, initial)
        var previousGates = model.signGates(at: initial, atZero: reluDerivativeAtZero)
        var lossAtFlips: [Int: Double] = [:]
        let descent = GradientDescent(network: model, learningRate: eta, reluDerivativeAtZero: reluDerivativeAtZero)
            .run(from: initial, iterations: iterations, lossEvery: max(iterations, 1), didStep: { k, theta, gates in
                if gates != previousGates {
                    lossAtFlips[k] = model.loss(at: theta)
                    previousGates = gates
                }
                guard k % stride == 0 else { return }
                let t = eta * Double(k)
                lossCurve.append((t, model.loss(at: theta)))
                didKeepIterate(t, theta)
                guard let flowState = flowStates[t] else { return }
                parameterDeviation = max(parameterDeviation, deviation(theta, flowState))
                if let modifiedState = modified.states[t] {
                    modifiedDeviation = max(modifiedDeviation, deviation(theta, modifiedState))
                }
                lossDeviation = max(lossDeviation, abs(model.loss(at: theta) - model.loss(at: flowState)))
            }, shouldStop: shouldStop)
        let taken = descent.iterations
        if taken % stride != 0 { didKeepIterate(eta * Double(taken), descent.finalParameters) }
        let timeline = DescentTimeline(model: model, learningRate: eta, flips: descent.flips, lossAtFlips: lossAtFlips,
                                       lossCurve: lossCurve, plateauDetector: plateauDetector, implied: implied)
        let comparison = FlowGDComparison(flowEvents: flow.timeline, gdFlips: descent.flips, learningRate: eta)
        let record = CompareRecord.Run(
            learningRate: eta, iterations: taken, matchedEventCount: comparison.matches.count,
            maxEventTimeDifference: comparison.maxTimeDifference,
            events: comparison.matches.map { match in
                CompareRecord.MatchedEvent(surface: match.surface, into: match.into.activationWord,
                                           flowTime: match.flowTime, gdIteration: match.gdIteration,
                                           timeDifference: match.timeDifference)
            },
            flowOnlyEventCount: comparison.flowOnly.count, gdOnlyFlipCount: comparison.gdOnly.count,
            maxParameterDeviation: parameterDeviation, maxLossDeviation: lossDeviation,
            maxModifiedFlowDeviation: modifiedDeviation,
            finalParameterDifference: deviation(descent.finalParameters, flow.finalState),
            finalLossDifference: abs(model.loss(at: descent.finalParameters) - model.loss(at: flow.finalState)),
            gdPlateaus: timeline.plateaus.map { PlateauRecord($0) }, gdLoss: lossCurve.map { [$0.time, $0.loss] },
            modifiedFlowError: modified.failure)
        return Comparison(record: record, timeline: timeline, iterations: taken,
                          finalParameters: descent.finalParameters, wasInterrupted: taken < iterations)
    }

    /// max_i |θ_i − θ'_i| in the network's own weights.
    private func deviation(_ theta: [Double], _ other: [Double]) -> Double {
        zip(model.comparableParameters(theta), model.comparableParameters(other)).map { abs($0 - $1) }.max() ?? 0
    }

    /// GD's modified-equation flow at step η, stopped exactly at the grid times: its
    /// states there, and why it stopped early if it did.
    private func modifiedFlowStates(
        learningRate eta: Double, grid: [Double], endTime: Double, shouldStop: @escaping () -> Bool
    ) throws -> (states: [Double: [Double]], failure: String?) {
        var states = [Double: [Double]]()
        let result = try FlowSimulator(
            problem: FlowProblem(system: ModifiedEquationFlow(model, learningRate: eta), initialState: initial,
                                 endTime: endTime, outputTimes: grid),
            options: options
        ).run(observer: FlowObserver(didReachOutputTime: { t, state in states[t] = Array(state) },
                                     shouldStop: shouldStop))
        guard case .failed(let error) = result.termination else { return (states, nil) }
        return (states, error.description(surfaceName: { model.surfaceLabel($0).name }))
    }
}

extension Int {
    /// self, 2·self, … up to `limit`.
    func multiples(upTo limit: Int) -> StrideTo<Int> { Swift.stride(from: self, to: limit + 1, by: self) }
}
