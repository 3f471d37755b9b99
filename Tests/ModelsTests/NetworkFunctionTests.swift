import Testing
import Models

/// `NetworkFunction` outputs, the teachers' label functions, against hand computations.
/// Every value below is a short sum of dyadic numbers, so the outputs are exact.
struct NetworkFunctionTests {
    @Test("Deep single neuron: f = v_1 σ(v_2 σ(v_3 σ(w·x))), zero when any inner scalar or w·x is negative")
    func deepSingleNeuronOutput() throws {
        let shape = try Dataset(rows: [[0, 0]], targets: [0])
        let network = try DeepSingleNeuron(data: shape, scalarWeightCount: 3, normalization: .halfSum)
        // w·x = 3 − 2 = 1; σ(0.5·1) = 0.5; σ(3·0.5) = 1.5; 2·1.5 = 3.
        #expect(network.output(at: [1, -2, 2, 3, 0.5], input: [3, 1]) == 3)
        // v_1 carries no ReLU: a negative output weight gives a negative output.
        #expect(network.output(at: [1, -2, -2, 3, 0.5], input: [3, 1]) == -3)
        #expect(network.output(at: [1, -2, 2, -3, 0.5], input: [3, 1]) == 0)
        #expect(network.output(at: [1, -2, 2, 3, 0.5], input: [1, 1]) == 0)
        #expect(network.parameterCount == 5 && network.inputDimension == 2)
    }

    @Test("Univariate knots form: f = Σ c_k σ(x − b_k)")
    func univariateKnotsOutput() throws {
        let network = try UnivariateNetwork(data: try Dataset(rows: [[0]], targets: [0]), width: 2, form: .knots,
                                            normalization: .halfSum)
        let theta = [0, 0.5, 2, -1]  // b, c
        #expect(network.output(at: theta, input: [0.75]) == 2 * 0.75 - 1 * 0.25)
        #expect(network.output(at: theta, input: [0.25]) == 0.5)
        #expect(network.output(at: theta, input: [-1]) == 0)
    }

    @Test("Univariate full form: f = (1/α) Σ c_k σ(a_k x − b_k), with α = m")
    func univariateFullOutput() throws {
        let network = try UnivariateNetwork(data: try Dataset(rows: [[0]], targets: [0]), width: 2, form: .full,
                                            scaling: .width, normalization: .halfSum)
        let theta = [1, -2, 0.5, 1, 3, 4]  // a, b, c
        // x = 1: g = (0.5, −3), f = 3·0.5/2; x = −1: g = (−1.5, 1), f = 4·1/2.
        #expect(network.output(at: theta, input: [1]) == 0.75)
        #expect(network.output(at: theta, input: [-1]) == 2)
        #expect(network.parameterCount == 6 && network.inputDimension == 1)
    }

    @Test("Balanced deep teacher: v*_k = ‖w*‖ for every k, w* from the generator's normal draws")
    func balancedTeacherIsBalanced() {
        var generator = SeededGenerator(seed: 5), again = SeededGenerator(seed: 5)
        let (w, v) = DeepSingleNeuron.balancedTeacher(dimension: 3, depth: 2, scale: 0.5, using: &generator)
        #expect(w == (0..<3).map { _ in 0.5 * again.normal() })
        #expect(v == Array(repeating: w.reduce(0) { $0 + $1 * $1 }.squareRoot(), count: 2))
    }
}
