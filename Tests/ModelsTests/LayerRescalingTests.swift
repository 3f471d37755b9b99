import Foundation
import Testing
import FlowEngine
import Models

/// The layer rescaling (a, b, c) → (k a, k b, c/k): same function, balance moved, regime set.
struct LayerRescalingTests {
    static func sineModel() throws -> (UnivariateNetwork, [Double]) {
        let data = try DataGenerator(inputs: .interval(lower: -1, upper: 1, equispaced: true), labels: .function(.sine(frequency: 1)),
                                     sampleCount: 12, seed: 1).generate()
        let model = try UnivariateNetwork(data: data, width: 10, form: .full, scaling: .sqrtWidth, normalization: .halfMean)
        return (model, try InitializationScheme.he.draw(for: model, seed: 3))
    }

    @Test("The function is unchanged and δ_i = c_i²/k² − k²(a_i² + b_i²), for the univariate and two-layer models")
    func keepsTheFunctionAndMovesTheBalance() throws {
        let (model, theta) = try Self.sineModel()
        let k = 3.0
        let rescaled = try model.rescaled(theta, by: k)
        for i in 0..<model.data.sampleCount {
            let x = Array(model.data.input(i))
            let before = model.output(at: theta, input: x), after = model.output(at: rescaled, input: x)
            // σ(kz) = kσ(z) exactly up to rounding of the products.
            #expect(abs(before - after) <= 1e-15 * max(1, abs(before)))
        }
        let width = model.width
        for (index, delta) in model.balance(at: rescaled).enumerated() {
            let a = theta[index], b = theta[width + index], c = theta[2 * width + index]
            #expect(abs(delta - (c * c / (k * k) - k * k * (a * a + b * b))) <= 1e-13 * (k * k * (a * a + b * b) + c * c))
        }
        let data = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 5, seed: 2).generate()
        let network = try TwoLayerNetwork(data: data, width: 4, hasBias: true, normalization: .halfMean)
        let start = try InitializationScheme.pytorchUniform.draw(for: network, seed: 4)
        let scaled = try network.rescaled(start, by: 0.25)
        for i in 0..<data.sampleCount {
            let x = Array(data.input(i))
            #expect(abs(network.output(at: start, input: x) - network.output(at: scaled, input: x)) <= 1e-15)
        }
    }

    /// Williams et al.: δ ≪ 0 is the kernel regime (the knots hardly move), δ ≫ 0 the
    /// adaptive one. Same function at the start, k = 3 against k = 1/3, same flow time.
    @Test("A large k freezes the knots (kernel regime), a small k lets them move (adaptive)")
    func rescalingSetsTheRegime() throws {
        let (model, theta) = try Self.sineModel()
        func knotTravel(_ k: Double) throws -> Double {
            let start = try model.rescaled(theta, by: k)
            let run = try FlowSimulator(problem: FlowProblem(system: model, initialState: start, endTime: 20)).run()
            #expect(run.termination == .reachedEndTime)
            return zip(model.knotPositions(at: start), model.knotPositions(at: run.finalState))
                .map { abs($0 - $1) }.filter(\.isFinite).max() ?? 0
        }
        let kernel = try knotTravel(3), adaptive = try knotTravel(1 / 3.0)
        // Measured: the largest knot move is 0.59 against 29.4 (ratio 50, about k⁴ = 81 apart).
        #expect(kernel < adaptive / 10)
    }

    @Test("The knots form has no layer pair; k ≤ 0 is refused")
    func refusals() throws {
        let (model, theta) = try Self.sineModel()
        #expect(throws: ModelError.self) { try model.rescaled(theta, by: 0) }
        let knots = try UnivariateNetwork(data: model.data, width: 3, form: .knots, normalization: .halfSum)
        #expect(knots.innerGroups.isEmpty && knots.outerGroups.isEmpty)
    }
}
