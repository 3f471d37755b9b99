import FlowEngine
import Models

/// A single-neuron flow problem with positive labels, for checks against
/// `ExactSingleNeuronFlow`.
public struct SingleNeuronInstance: Sendable {
    public let rows: [[Double]]
    public let targets: [Double]
    public let bias: Bool
    public let normalization: LossNormalization
    public let initial: [Double]
    public let endTime: Double

    public init(rows: [[Double]], targets: [Double], bias: Bool, normalization: LossNormalization,
                initial: [Double], endTime: Double) {
        self.rows = rows
        self.targets = targets
        self.bias = bias
        self.normalization = normalization
        self.initial = initial
        self.endTime = endTime
    }

    /// d from 2 to 12, n from d to 60, x ~ N(0, I), y ~ U(0.2, 2) (or, with
    /// `negativeLabels`, y ~ U(−1.5, 2), so that some surfaces attract and the flow slides),
    /// θ0 ~ N(0, I), bias and normalisation drawn too; t_end scaled so that the flow has
    /// time to settle.
    public static func random(seed: UInt64, negativeLabels: Bool = false) -> SingleNeuronInstance {
        var generator = SeededGenerator(seed: seed)
        let d = Int.random(in: 2...12, using: &generator)
        let n = Int.random(in: d...60, using: &generator)
        let rows = (0..<n).map { _ in (0..<d).map { _ in generator.normal() } }
        let labelRange = negativeLabels ? -1.5...2.0 : 0.2...2.0
        let targets = (0..<n).map { _ in Double.random(in: labelRange, using: &generator) }
        let bias = Bool.random(using: &generator)
        let normalization = LossNormalization.allCases.randomElement(using: &generator)!
        let initial = (0..<(d + (bias ? 1 : 0))).map { _ in generator.normal() }
        let timeScale = normalization == .halfSum ? 1.0 : Double(n)
        return SingleNeuronInstance(rows: rows, targets: targets, bias: bias, normalization: normalization,
                                    initial: initial, endTime: 5 * timeScale)
    }

    public func model() throws -> SingleNeuron {
        SingleNeuron(data: try Dataset(rows: rows, targets: targets), hasBias: bias, normalization: normalization)
    }

    public func exactFlow() -> ExactSingleNeuronFlow {
        ExactSingleNeuronFlow(
            rows: rows, targets: targets, bias: bias,
            gradientFactor: normalization.gradientFactor(sampleCount: targets.count),
            initial: initial, until: endTime)
    }

    /// Runs the engine and measures it against the exact flow.
    public func compareWithExactFlow(options: FlowOptions) throws -> ExactComparison {
        let simulator = try FlowSimulator(
            problem: FlowProblem(system: try model(), initialState: initial, endTime: endTime), options: options)
        let result = simulator.run()
        return ExactComparison(result: result, exact: exactFlow())
    }
}

/// Engine events and final parameters against an exact flow.
public struct ExactComparison {
    public let result: FlowResult
    public let exact: ExactSingleNeuronFlow

    public init(result: FlowResult, exact: ExactSingleNeuronFlow) {
        self.result = result
        self.exact = exact
    }

    /// Same surfaces, same kinds, same order (ties at equal times by sample).
    public var eventsMatch: Bool {
        let engine = result.timeline.map { ($0.surface, Self.exactKind(of: $0)) }
        let reference = exact.events.map { ($0.sample, Optional($0.kind)) }
        return engine.count == reference.count && zip(engine, reference).allSatisfy { $0 == $1 }
    }

    /// The exact flow's name for an engine event, nil for kinds it has none for.
    public static func exactKind(of event: TimelineEvent) -> ExactSingleNeuronFlow.Kind? {
        switch event.kind {
        case .crossing(into: .positive): .activation
        case .crossing(into: .negative): .deactivation
        case .slideStart: .slideStart
        case .slideEnd(let exit): .slideEnd(exitActive: exit == .positive)
        case .choice, .chattering, .watched: nil
        }
    }

    /// max_k |t_k(engine) − t_k(exact)| over matched events (0 with none).
    public var maxEventTimeError: Double { eventTimeErrors.max() ?? 0 }

    /// |t(engine) − t(exact)| of each event, in order.
    public var eventTimeErrors: [Double] { zip(result.timeline, exact.events).map { abs($0.time - $1.time) } }

    /// max_r |θ_r(engine) − θ_r(exact)| at t_end.
    public var finalParameterError: Double {
        zip(result.finalState, exact.finalParameters).map { abs($0 - $1) }.max() ?? 0
    }
}
