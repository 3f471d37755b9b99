import Foundation
import Testing
import FlowEngine
import Models

/// `OrthogonalDataNetwork`: the plain network's flow in scaled data coordinates, exact
/// freezing of inactive pairs, and its input checks.
@Suite struct OrthogonalDataNetworkTests {
    static let options = FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)

    static func rotatedData(samples n: Int, seed: UInt64) throws -> Dataset {
        try DataGenerator(inputs: .orthonormal(dimension: n + 2, identity: false), labels: .normal,
                          sampleCount: n, seed: seed).generate()
    }

    @Test("From a balanced start it is the plain network's flow: same events, c_ji = λ u_ji and a_j = s_j‖w_j‖ as plain parameters")
    func matchesPlainNetwork() throws {
        // n = 6 rotated orthonormal inputs in R^8, so each w_j also has a part outside the span.
        let data = try Self.rotatedData(samples: 6, seed: 21)
        let model = try OrthogonalDataNetwork(data: data, width: 4, normalization: .halfMean)
        let plain = try TwoLayerNetwork(data: data, width: 4, hasBias: false, normalization: .halfMean)
        let scale = 0.3
        let start = try InitializationScheme.balanced(logScale: log(scale)).draw(for: model, seed: 5)
        let plainStart = try InitializationScheme.balanced(logScale: log(scale)).draw(for: plain, seed: 5)
        let endTime = 60.0
        let run = try FlowSimulator(problem: FlowProblem(system: model, initialState: start, endTime: endTime),
                                    options: Self.options).run()
        let plainRun = try FlowSimulator(problem: FlowProblem(system: plain, initialState: plainStart, endTime: endTime),
                                         options: Self.options).run()
        #expect(run.termination == .reachedEndTime && plainRun.termination == .reachedEndTime)
        #expect(run.timeline.count >= 3)
        #expect(run.timeline.map(\.surface) == plainRun.timeline.map(\.surface))
        #expect(run.timeline.map(\.kind) == plainRun.timeline.map(\.kind))
        // Two integrations of one flow in different coordinates, each to rtol 1e-12:
        // measured ≤ 2e-12 in event times, ≤ 3e-14 in c and a.
        for (a, b) in zip(run.timeline, plainRun.timeline) { #expect(abs(a.time - b.time) <= 1e-10) }
        // `plainParameters`: c_ji = ⟨w_j, x_i⟩, then a_j, against the plain network's.
        let d = data.inputDimension, width = model.width, n = data.sampleCount
        let plainC = (0..<width).flatMap { j in
            (0..<n).map { i in zip(plainRun.finalState[(j * d)..<((j + 1) * d)], data.input(i)).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        let plainA = Array(plainRun.finalState[(width * d)...])
        for (a, b) in zip(model.plainParameters(run.finalState), plainC + plainA) { #expect(abs(a - b) <= 1e-12) }
        let plainSquaredNorm = plainRun.finalState.reduce(0) { $0 + $1 * $1 }
        #expect(abs(model.squaredParameterNorm(at: run.finalState) - plainSquaredNorm) <= 1e-12 * plainSquaredNorm)
    }

    /// From λ = e^-500 on rotated inputs (the paper's Fig. 1 regime), the frozen pairs of
    /// orthogonal-data notes §1.5 keep their exact starting values: their field is 0, not
    /// a decaying rounding-level quantity, and no pair ever comes back (Assumption 2).
    @Test("From λ = e^-500, pairs that start inactive stay bit-identical and none activates")
    func inactivePairsStayFrozen() throws {
        let data = try DataGenerator(inputs: .orthonormal(dimension: 12, identity: false), labels: .absoluteNormal,
                                     sampleCount: 12, seed: 3).generate()
        let model = try OrthogonalDataNetwork(data: data, width: 5, normalization: .halfMean)
        let start = try InitializationScheme.balanced(logScale: -500, signs: .positive).draw(for: model, seed: 3)
        // The first escape comes near log(1/λ)·n/‖y_A‖ ≈ 1e3; run well past the last one.
        let run = try FlowSimulator(problem: FlowProblem(system: model, initialState: start, endTime: 8000),
                                    options: FlowOptions(relativeTolerance: 1e-10, absoluteTolerance: 1e-12)).run()
        #expect(run.termination == .reachedEndTime)
        #expect(!run.timeline.contains { $0.kind == .crossing(into: .positive) })
        var frozen = 0
        for j in 0..<model.width {
            for i in 0..<data.sampleCount where model.component(neuron: j, sample: i, at: start) < 0 {
                frozen += 1
                #expect(model.component(neuron: j, sample: i, at: run.finalState) == model.component(neuron: j, sample: i, at: start))
            }
        }
        #expect(frozen >= 20)
        // Some neuron escaped to O(1): ‖θ‖² is of the order of ‖y‖, not e^-1000.
        #expect(model.squaredParameterNorm(at: run.finalState) > 1)
    }

    @Test("Inputs that are not orthonormal and scales below e^-690 are refused")
    func refusesBadInput() throws {
        let skewed = try Dataset(rows: [[1, 0], [0.6, 0.8]], targets: [1, 1])
        #expect(throws: ModelError.self) { try OrthogonalDataNetwork(data: skewed, width: 2, normalization: .halfMean) }
        let model = try OrthogonalDataNetwork(data: try Self.rotatedData(samples: 3, seed: 1), width: 2, normalization: .halfMean)
        #expect(throws: ModelError.self) { try InitializationScheme.balanced(logScale: -700).draw(for: model, seed: 1) }
        #expect(throws: Never.self) { try InitializationScheme.balanced(logScale: -690).draw(for: model, seed: 1) }
    }
}
