import Foundation

/// Initial parameters drawn from a seed.
///
/// - `gaussian(scale:)`: every entry N(0, σ²).
/// - `he`: every entry N(0, 2/fan_in), with the fan-ins of the model's `ParameterLayout`
///   (for the knot model this is the plateau paper's b ~ N(0, 2), c ~ N(0, 2/n); plateau
///   notes §1.4).
/// - `pytorchUniform`: U(−1/√fan_in, 1/√fan_in), PyTorch's `nn.Linear` default for
///   weights and biases alike (a bias takes its layer's fan-in: the group before it).
/// - `balanced(logScale:)`: the small balanced initialisation of the orthogonal-data paper
///   (notes §1.6): each neuron's input weights (w_k, b_k) a random direction of norm
///   λ = e^{logScale}, its output weight ±λ with a random sign (or +λ for every neuron
///   with `signs: .positive`, the orthogonal-data paper's Fig. 1); only for
///   `BalancedInitializable` models. The scale is given by its logarithm so that
///   log-scale models can start far below the smallest double.
public enum InitializationScheme: Sendable, Equatable {
    case gaussian(scale: Double)
    case he
    case pytorchUniform
    case balanced(logScale: Double, signs: OutputSigns = .random)

    /// - Throws: `ModelError.invalidParameters` for a non-positive scale, or `balanced`
    ///   on a model without neurons to balance.
    public func draw(for network: any GatedNetwork, seed: UInt64) throws(ModelError) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        let layout = network.parameterLayout
        switch self {
        case .gaussian(let scale):
            guard scale > 0, scale.isFinite else { throw .invalidParameters("the scale must be positive, got \(scale)") }
            return (0..<layout.parameterCount).map { _ in scale * generator.normal() }
        case .he:
            return layout.groups.flatMap { group in
                (0..<group.count).map { _ in (2 / Double(group.fanIn)).squareRoot() * generator.normal() }
            }
        case .pytorchUniform:
            var layerFanIn = 1
            return layout.groups.flatMap { group -> [Double] in
                if group.fanIn > 1 { layerFanIn = group.fanIn }
                let bound = 1 / Double(layerFanIn).squareRoot()
                return (0..<group.count).map { _ in Double.random(in: -bound...bound, using: &generator) }
            }
        case .balanced(let logScale, let signs):
            guard logScale.isFinite else { throw .invalidParameters("the log-scale must be finite, got \(logScale)") }
            guard let balanced = network as? any BalancedInitializable else {
                throw .invalidParameters("this model has no neurons to balance")
            }
            return try balanced.balancedParameters(logScale: logScale, signs: signs, using: &generator)
        }
    }
}

/// The signs of the output weights of a balanced start.
public enum OutputSigns: String, Sendable, Equatable, CaseIterable {
    /// ±1 with equal probability, independently per neuron.
    case random
    /// +1 for every neuron. The signs are still drawn, so the directions are those of `random`.
    case positive

    func draw(using generator: inout SeededGenerator) -> Double {
        let drawn: Double = Bool.random(using: &generator) ? 1 : -1
        return self == .positive ? 1 : drawn
    }
}

/// Models whose neurons pair input weights with an output weight, so that
/// |a_k| = ‖(w_k, b_k)‖ can be set (and the layer balance starts at 0).
public protocol BalancedInitializable {
    /// Parameters with every neuron balanced at scale λ = e^{logScale}.
    func balancedParameters(logScale: Double, signs: OutputSigns, using generator: inout SeededGenerator)
        throws(ModelError) -> [Double]
}

extension LogScaleBalancedNetwork: BalancedInitializable {
    /// ℓ_j = log λ, v_j uniform on the unit sphere, s_j = ±1: the same draws, in the same
    /// order, as `TwoLayerNetwork` without biases.
    public func balancedParameters(logScale: Double, signs: OutputSigns, using generator: inout SeededGenerator) -> [Double] {
        var directions: [[Double]] = [], outputSigns: [Double] = []
        for _ in 0..<width {
            directions.append(generator.unitVector(dimension: data.inputDimension))
            outputSigns.append(signs.draw(using: &generator))
        }
        return parameters(logScale: logScale, directions: directions, signs: outputSigns)
    }
}

extension TwoLayerNetwork: BalancedInitializable {
    /// (w_k, b_k) = λ·u_k with u_k uniform on the unit sphere of R^{d(+1)}, a_k = ±λ.
    public func balancedParameters(logScale: Double, signs: OutputSigns, using generator: inout SeededGenerator) -> [Double] {
        let d = data.inputDimension, scale = exp(logScale)
        var weights: [Double] = [], biases: [Double] = [], outputs: [Double] = []
        for _ in 0..<width {
            let direction = generator.unitVector(dimension: d + (hasBias ? 1 : 0))
            weights += direction[0..<d].map { scale * $0 }
            if hasBias { biases.append(scale * direction[d]) }
            outputs.append(scale * signs.draw(using: &generator))
        }
        return weights + biases + outputs
    }
}

extension DeepSingleNeuron: BalancedInitializable {
    /// w = λ·u with u uniform on the unit sphere, every v_k = λ: the balanced start of the
    /// magnitude/angle paper (notes §3.1: "hidden scalars are initialised to ‖w₀‖"). It
    /// has no output sign to draw: `signs` is ignored.
    public func balancedParameters(logScale: Double, signs: OutputSigns, using generator: inout SeededGenerator) -> [Double] {
        let scale = exp(logScale)
        return generator.unitVector(dimension: data.inputDimension).map { scale * $0 }
            + Array(repeating: scale, count: scalarWeightCount)
    }
}

extension PopulationSingleNeuron: BalancedInitializable {
    /// As for `DeepSingleNeuron`: w = λ·u, every v_k = λ.
    public func balancedParameters(logScale: Double, signs: OutputSigns, using generator: inout SeededGenerator) -> [Double] {
        let scale = exp(logScale)
        return generator.unitVector(dimension: inputDimension).map { scale * $0 }
            + Array(repeating: scale, count: scalarWeightCount)
    }
}
