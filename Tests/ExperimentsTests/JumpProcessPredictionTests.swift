import Foundation
import Testing
import FlowEngine
import Models
import Experiments

/// Algorithm 1 of the orthogonal-data paper against a hand computation, and the flow's
/// jumps converging to it like 1/log(1/λ) (Theorem 2; notes §6 Test A).
struct JumpProcessPredictionTests {
    /// n = 3, y = (3, 4, 1), two positive neurons: 0 active on {0, 1}, 1 on {1, 2}, both
    /// from budget B = log(1/λ) = 100, c = 1/3. Rates c‖y_A‖: 5c and √17·c, so neuron 0
    /// escapes first at t1 = B/(5c) = 60 and fits {0, 1}; neuron 1 has B(1 − √17/5) left
    /// and grows on {2} alone at rate c, escaping at t2 = 60 + 300(1 − √17/5).
    @Test("A two-jump instance matches the hand computation")
    func handInstance() {
        let prediction = JumpProcessPrediction(
            targets: [3, 4, 1], initiallyActive: [[true, true, false], [false, true, true]], signs: [1, 1],
            logInverseScales: [100, 100], gradientFactor: 1.0 / 3, lossFactor: 1.0 / 6)
        #expect(prediction.jumps.map(\.neuron) == [0, 1])
        #expect(prediction.jumps.map(\.fittedSamples) == [[0, 1], [2]])
        #expect(abs(prediction.jumps[0].time - 60) <= 1e-12)
        #expect(abs(prediction.jumps[1].time - (60 + 300 * (1 - 17.0.squareRoot() / 5))) <= 1e-12)
        #expect(prediction.initialLoss == 26.0 / 6)
        #expect(abs(prediction.jumps[0].lossAfter - 1.0 / 6) <= 1e-15 && prediction.jumps[1].lossAfter == 0)
        #expect(prediction.finalSquaredNorm == 12)
        #expect(abs(prediction.minimumNormSquared - 2 * 26.0.squareRoot()) <= 1e-14)
        #expect(prediction.unfittedSamples.isEmpty)
    }

    @Test("Negative-sign neurons fit only negative labels, and a sample no neuron covers stays unfitted")
    func signClassesAndUnfittedSamples() {
        let prediction = JumpProcessPrediction(
            targets: [2, -1, 0.5], initiallyActive: [[true, true, false], [true, true, false]], signs: [1, -1],
            logInverseScales: [50, 50], gradientFactor: 0.5, lossFactor: 0.25)
        #expect(Set(prediction.jumps.map(\.neuron)) == [0, 1])
        #expect(prediction.jumps.first { $0.neuron == 0 }?.fittedSamples == [0])
        #expect(prediction.jumps.first { $0.neuron == 1 }?.fittedSamples == [1])
        #expect(prediction.unfittedSamples == [2])
        #expect(prediction.jumps.last?.lossAfter == 0.25 * 0.25)
    }

    /// The flow of `OrthogonalDataNetwork` from λ = e^-L on 8 rotated orthonormal points
    /// (4 positive neurons, |N(0,1)| labels; three jumps). A jump is the first time a
    /// neuron's norm crosses 0.1 (`NeuronNormLevels`).
    static func flowJumps(logInverseScale: Double) throws -> (prediction: JumpProcessPrediction, jumps: [Int: Double],
                                                                 squaredNorm: Double) {
        let data = try DataGenerator(inputs: .orthonormal(dimension: 8, identity: false), labels: .absoluteNormal,
                                     sampleCount: 8, seed: 1).generate()
        let network = try OrthogonalDataNetwork(data: data, width: 4, normalization: .halfMean)
        let watched = try NeuronNormLevels(network, level: 0.1)
        let start = try InitializationScheme.balanced(logScale: -logInverseScale, signs: .positive).draw(for: network, seed: 1)
        let run = try FlowSimulator(
            problem: FlowProblem(system: network, initialState: start, endTime: 8 * logInverseScale, watching: watched),
            options: FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)).run()
        #expect(run.termination == .reachedEndTime)
        var jumps: [Int: Double] = [:]
        // Watched function k is neuron k's level.
        for event in run.timeline where event.kind == .watched(into: .positive) && jumps[event.surface] == nil {
            jumps[event.surface] = event.time
        }
        return (JumpProcessPrediction(network: network, start: start), jumps, network.squaredParameterNorm(at: run.finalState))
    }

    @Test("The flow's jumps come in the predicted order, off by O(1) in time: the accelerated-time error halves as log(1/λ) doubles")
    func flowConvergesToTheJumpProcess() throws {
        let runs = try [100.0, 200, 400].map { try Self.flowJumps(logInverseScale: $0) }
        let order = runs[0].prediction.jumps.map(\.neuron)
        #expect(order.count == 3)
        for run in runs {
            #expect(run.prediction.jumps.map(\.neuron) == order)
            #expect(run.jumps.sorted { $0.value < $1.value }.map(\.key) == order)
        }
        // Original-time offsets t_flow − t_pred, measured −8.57, −18.2/−17.6, −20.1 at every
        // λ: constant to within 0.1% from L = 200 to 400, so the accelerated offsets
        // (t_flow − t_pred)/L halve with each doubling.
        for jump in runs[0].prediction.jumps {
            let offsets = runs.map { run in
                run.jumps[jump.neuron]! - run.prediction.jumps.first { $0.neuron == jump.neuron }!.time
            }
            #expect(offsets.allSatisfy { $0 < 0 && abs($0) < 25 })
            #expect(abs(offsets[2] - offsets[1]) <= 0.01 * abs(offsets[2]))
            #expect(abs(offsets[2]) / 400 <= 0.06)
        }
        // ‖θ_∞‖²: the flow's final norm approaches eq. (15) like λ^{2ρ_min} (notes §6 Test B):
        // measured gaps 6.8e-2, 3.0e-3 and 6.1e-6 at L = 100, 200, 400.
        let gaps = runs.map { abs($0.squaredNorm - $0.prediction.finalSquaredNorm) }
        #expect(gaps[1] < gaps[0] / 10 && gaps[2] < gaps[1] / 100)
        #expect(gaps[2] <= 1e-5 * runs[2].prediction.finalSquaredNorm)
    }
}
