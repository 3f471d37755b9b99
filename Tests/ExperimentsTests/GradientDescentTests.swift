import Foundation
import Testing
import Experiments
import FlowEngine
import Models
import _TestSupport

/// Discrete gradient descent from the models' own field.
@Suite struct GradientDescentTests {
    /// Ex. 5.2 of the support-vector paper (notes §4.2), ½Σ loss, w0 = 1e-4·U([0,1]³).
    static func example52() throws -> (SingleNeuron, [Double]) {
        let data = try Dataset(rows: [[1, 0, 2], [1, 2, 0], [2, 0, 0]], targets: [0.05, 6, 0.5])
        return (SingleNeuron(data: data, hasBias: false, normalization: .halfSum),
                [5.488135e-05, 7.1518937e-05, 6.0276338e-05])
    }

    @Test("Ex. 5.2: GD deactivates sample 0 at the notes' iterations for each step size",
          arguments: [(0.02, 37), (0.01, 76), (0.005, 154), (0.0025, 310), (0.00125, 623)])
    func example52FlipIterations(learningRate: Double, iteration: Int) throws {
        let (model, initial) = try Self.example52()
        let run = GradientDescent(network: model, learningRate: learningRate)
            .run(from: initial, iterations: Int(2 / learningRate))
        #expect(run.flips.map(\.surface) == [0])
        #expect(run.flips.first?.into == .negative)
        #expect(run.flips.first?.iteration == iteration)
        #expect(run.flips.allSatisfy { !$0.isChattering })
    }

    @Test("The GD flip time η·k approaches the flow's event time linearly in η")
    func flipTimeGapShrinksLinearly() throws {
        let (model, initial) = try Self.example52()
        let flow = try FlowSimulator(
            problem: FlowProblem(system: model, initialState: initial, endTime: 2),
            options: FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)).run()
        let flowTime = try #require(flow.timeline.first?.time)
        let rates = [0.02, 0.01, 0.005, 0.0025, 0.00125]
        let gaps = try rates.map { eta in
            let run = GradientDescent(network: model, learningRate: eta).run(from: initial, iterations: Int(2 / eta))
            return abs(eta * Double(try #require(run.flips.first?.iteration)) - flowTime)
        }
        // Halving η should halve the gap; the flip iteration is an integer, which adds up
        // to ±η of noise, so each ratio is only near 1/2 (notes: 0.52, 0.54, 0.58, 0.45).
        for (coarse, fine) in zip(gaps, gaps.dropFirst()) { #expect(fine / coarse > 0.35 && fine / coarse < 0.7) }
        // Observed order of the gap in η, fitted over the sweep: about 1.
        let order = log(gaps.first! / gaps.last!) / log(rates.first! / rates.last!)
        #expect(abs(order - 1) < 0.15)
    }

    /// Univariate notes §1.6 for two-layer networks: a GD step changes each balance by
    /// exactly η²(|∂_a L|² − ‖∂_w L‖² − |∂_b L|²), since a ∂_a L = w·∂_w L + b ∂_b L at the
    /// iterate (σ(z) = σ'(z) z with the same gates).
    @Test("A GD step changes the layer balance by exactly η²(|∂aL|² − ‖∂wL‖² − |∂bL|²)")
    func balanceDriftPerStepIsSecondOrder() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 6)
        let model = try instance.model()
        let eta = 0.05
        var previous = instance.initial
        var worst = 0.0
        var field = [Double](repeating: 0, count: model.dimension)
        _ = GradientDescent(network: model, learningRate: eta).run(from: instance.initial, iterations: 200) { _, theta, _ in
            // The step's own gradient: F at the previous iterate with its gates.
            model.evaluate(at: previous, gates: model.signGates(at: previous), field: &field, switching: nil)
            let groups = model.parameterLayout.split(field)
            let (gw, gb, ga) = (groups[0].values, groups[1].values, groups[2].values)
            let before = model.layerBalance(at: previous), after = model.layerBalance(at: theta)
            for k in 0..<instance.width {
                let w = (0..<3).reduce(0.0) { $0 + gw[gw.startIndex + k * 3 + $1] * gw[gw.startIndex + k * 3 + $1] }
                let predicted = eta * eta * (ga[ga.startIndex + k] * ga[ga.startIndex + k] - w
                    - gb[gb.startIndex + k] * gb[gb.startIndex + k])
                worst = max(worst, abs((after[k] - before[k]) - predicted))
            }
            previous = theta
        }
        // An algebraic identity: only rounding of O(1) balances remains.
        #expect(worst <= 1e-14)
    }

    @Test("σ'(0) is explicit: a pair exactly on its surface counts as active only with σ'(0) = 1")
    func reluDerivativeAtZeroIsExplicit() throws {
        let data = try Dataset(rows: [[1, 0], [0, 1]], targets: [1, 1])
        let model = SingleNeuron(data: data, hasBias: false, normalization: .halfSum)
        let start = [0.0, 0.5]  // g_0 = 0 exactly
        let inactive = GradientDescent(network: model, learningRate: 0.1).run(from: start, iterations: 1)
        let active = GradientDescent(network: model, learningRate: 0.1, reluDerivativeAtZero: 1).run(from: start, iterations: 1)
        #expect(inactive.finalParameters[0] == 0)  // sample 0 does not pull
        #expect(active.finalParameters[0] == 0.1)  // w_0 += η·(y_0 − 0)·1
    }
}
