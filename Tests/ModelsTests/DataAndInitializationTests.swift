import Foundation
import Testing
import Models
import _TestSupport

/// Seeded data generators and initialisation schemes.
@Suite struct DataAndInitializationTests {
    @Test("The same seed draws the same data; another seed draws other data")
    func generatorsAreDeterministic() throws {
        let first = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 10, seed: 7).generate()
        let again = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 10, seed: 7).generate()
        let other = try DataGenerator(inputs: .gaussian(dimension: 3), labels: .normal, sampleCount: 10, seed: 8).generate()
        #expect(first == again)
        #expect(first != other)
    }

    @Test("Orthonormal inputs have Gram matrix I (random rotation or identity); n > d is rejected",
          arguments: [false, true])
    func orthonormalInputsAreOrthonormal(identity: Bool) throws {
        let data = try DataGenerator(inputs: .orthonormal(dimension: 8, identity: identity), labels: .absoluteNormal,
                                     sampleCount: 6, seed: 1).generate()
        for i in 0..<6 {
            for k in 0..<6 {
                let dot = zip(data.input(i), data.input(k)).reduce(0) { $0 + $1.0 * $1.1 }
                // Two Gram–Schmidt passes leave orthogonality at a few ulps.
                #expect(abs(dot - (i == k ? 1 : 0)) <= 1e-15)
            }
        }
        #expect(data.targets.allSatisfy { $0 >= 0 })
        #expect(throws: ModelError.self) {
            try DataGenerator(inputs: .orthonormal(dimension: 3, identity: false), labels: .normal, sampleCount: 4, seed: 1)
                .generate()
        }
    }

    @Test("Sphere inputs have unit norm")
    func sphereInputsHaveUnitNorm() throws {
        let data = try DataGenerator(inputs: .sphere(dimension: 5), labels: .normal, sampleCount: 20, seed: 2).generate()
        for i in 0..<20 { #expect(abs(data.input(i).reduce(0) { $0 + $1 * $1 } - 1) <= 4 * Double.ulpOfOne) }
    }

    @Test("Interval data: equispaced with both ends, or sorted uniform draws; 1-D targets as defined")
    func intervalDataAndTargets() throws {
        let grid = try DataGenerator(inputs: .interval(lower: -1, upper: 1, equispaced: true),
                                     labels: .function(.sine(frequency: 1)), sampleCount: 5, seed: 0).generate()
        #expect(grid.inputs == [-1, -0.5, 0, 0.5, 1])
        for (x, y) in zip(grid.inputs, grid.targets) { #expect(y == sin(Double.pi * x)) }
        let uniform = try DataGenerator(inputs: .interval(lower: 0, upper: 2, equispaced: false),
                                        labels: .function(.squareWave(frequency: 1)), sampleCount: 50, seed: 3).generate()
        #expect(uniform.inputs == uniform.inputs.sorted() && uniform.inputs.allSatisfy { (0...2).contains($0) })
        for (x, y) in zip(uniform.inputs, uniform.targets) { #expect(y == (x <= 1 ? 1 : -1)) }
        let f2 = DataGenerator.Target1D.plateauDiscontinuous
        #expect(f2(0.5) == 1 + 0.25 * cos(7.5 * Double.pi) && f2(-0.1) == 0.5 * sin(-0.5 * Double.pi))
    }

    @Test("Teacher labels are the teacher network's outputs")
    func teacherLabelsAreTeacherOutputs() throws {
        let shape = try Dataset(rows: [[0, 0]], targets: [0])
        let teacher = try TwoLayerNetwork(data: shape, width: 2, hasBias: true, normalization: .halfSum)
        let parameters = [1.0, -1, 0.5, 2, 0.1, -0.2, 1.5, -0.5]  // W, b, a
        let data = try DataGenerator(inputs: .gaussian(dimension: 2), labels: .teacher(teacher, parameters: parameters),
                                     sampleCount: 12, seed: 4).generate()
        for i in 0..<12 {
            let x = Array(data.input(i))
            let expected = 1.5 * max(x[0] - x[1] + 0.1, 0) - 0.5 * max(0.5 * x[0] + 2 * x[1] - 0.2, 0)
            #expect(abs(data.targets[i] - expected) <= 1e-15 * max(1, abs(expected)))
        }
    }

    /// A wide two-layer model so that each group has many entries.
    static func wideModel(bias: Bool = true) throws -> TwoLayerNetwork {
        let data = try DataGenerator(inputs: .gaussian(dimension: 50), labels: .normal, sampleCount: 3, seed: 0).generate()
        return try TwoLayerNetwork(data: data, width: 400, hasBias: bias, normalization: .halfSum)
    }

    @Test("He draws N(0, 2/fan_in) per group, PyTorch U(±1/√fan_in) per layer")
    func fanInScaledSchemes() throws {
        let model = try Self.wideModel()
        let he = try InitializationScheme.he.draw(for: model, seed: 9)
        let pytorch = try InitializationScheme.pytorchUniform.draw(for: model, seed: 9)
        for ((group, values), (_, uniform)) in zip(model.parameterLayout.split(he), model.parameterLayout.split(pytorch)) {
            let variance = values.reduce(0) { $0 + $1 * $1 } / Double(values.count)
            let expected = 2 / Double(group.fanIn)
            // Sample variance of N draws: relative standard error √(2/N); 5 standard errors.
            #expect(abs(variance / expected - 1) <= 5 * (2 / Double(values.count)).squareRoot(), "\(group.name)")
            let layerFanIn = group.name == "a" ? 400 : 50  // b belongs to W's layer
            let bound = 1 / Double(layerFanIn).squareRoot()
            #expect(uniform.allSatisfy { abs($0) <= bound })
            #expect(uniform.map(abs).max()! >= 0.9 * bound)
        }
    }

    @Test("Balanced init: |a_k| = ‖(w_k, b_k)‖ = λ, so every layer balance starts at 0", arguments: [1e-3, 1e-30])
    func balancedInitialization(scale: Double) throws {
        let model = try Self.wideModel()
        let theta = try InitializationScheme.balanced(logScale: log(scale)).draw(for: model, seed: 11)
        let balances = model.layerBalance(at: theta)
        // a² and ‖w‖² + b² are both λ² up to the rounding of a normalised direction.
        #expect(balances.allSatisfy { abs($0) <= 8 * Double.ulpOfOne * scale * scale })
        let outputs = model.parameterLayout.split(theta).last!.values
        // λ = e^{log λ}: rounding log λ to a double costs |log λ|·ε/2 relative after exp.
        #expect(outputs.allSatisfy { abs(abs($0) / scale - 1) <= (abs(log(scale)) + 2) * Double.ulpOfOne })
        #expect(outputs.contains { $0 > 0 } && outputs.contains { $0 < 0 })
    }

    @Test("Balanced init is refused for a model without neuron pairs; non-positive scales are refused")
    func invalidSchemesAreRefused() throws {
        let neuron = SingleNeuron(data: try Dataset(rows: [[1, 2]], targets: [1]), hasBias: false, normalization: .halfSum)
        #expect(throws: ModelError.self) { try InitializationScheme.balanced(logScale: 0).draw(for: neuron, seed: 0) }
        #expect(throws: ModelError.self) { try InitializationScheme.gaussian(scale: 0).draw(for: neuron, seed: 0) }
    }
}
