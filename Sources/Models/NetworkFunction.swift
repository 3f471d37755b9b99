/// A network as a function x ↦ f(x; θ), for drawing a teacher's labels.
public protocol NetworkFunction {
    var inputDimension: Int { get }
    var parameterCount: Int { get }
    /// θ's groups, under which a teacher's parameters are written (`teacher.json`).
    var parameterLayout: ParameterLayout { get }
    /// f(x; θ) with σ(0) = 0.
    func output(at parameters: [Double], input: [Double]) -> Double
}

extension SingleNeuron: NetworkFunction {
    public var inputDimension: Int { data.inputDimension }
    public var parameterCount: Int { dimension }

    /// σ(w·x + b).
    public func output(at parameters: [Double], input: [Double]) -> Double {
        let d = data.inputDimension
        var z = hasBias ? parameters[d] : 0
        for k in 0..<d { z += parameters[k] * input[k] }
        return max(z, 0)
    }
}

extension TwoLayerNetwork: NetworkFunction {
    public var inputDimension: Int { data.inputDimension }
    public var parameterCount: Int { dimension }

    /// (1/α) Σ_k a_k σ(w_k·x + b_k).
    public func output(at parameters: [Double], input: [Double]) -> Double {
        let d = data.inputDimension
        let groups = parameterLayout.split(parameters)
        let weights = groups[0].values, outputs = groups[groups.count - 1].values
        let biases = hasBias ? groups[1].values : nil
        var sum = 0.0
        for k in 0..<width {
            var z = biases.map { $0[$0.startIndex + k] } ?? 0
            for l in 0..<d { z += weights[weights.startIndex + k * d + l] * input[l] }
            sum += outputs[outputs.startIndex + k] * max(z, 0)
        }
        return sum / scaling.alpha(width: width)
    }
}

extension DeepSingleNeuron: NetworkFunction {
    public var inputDimension: Int { data.inputDimension }
    public var parameterCount: Int { dimension }

    /// v_1 σ(v_2 ⋯ σ(v_m σ(w·x))).
    public func output(at parameters: [Double], input: [Double]) -> Double {
        parameters.withUnsafeBufferPointer { theta in
            input.withUnsafeBufferPointer { output(theta.baseAddress!, input: $0.baseAddress!) }
        }
    }

    /// A teacher of the magnitude/angle experiments (notes §3.1): w* ~ N(0, scale² I_d) and
    /// every v*_k = ‖w*‖, k = 1..m (m ≥ 0), balanced with positive scalars, so that the
    /// teacher's gain P* = ‖w*‖^m is not zero.
    public static func balancedTeacher(dimension: Int, depth: Int, scale: Double,
                                       using generator: inout SeededGenerator) -> (w: [Double], v: [Double]) {
        let w = (0..<dimension).map { _ in scale * generator.normal() }
        let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return (w, Array(repeating: norm, count: depth))
    }
}

extension UnivariateNetwork: NetworkFunction {
    public var inputDimension: Int { 1 }
    public var parameterCount: Int { dimension }

    /// Σ_k c_k σ(x − b_k) (knots) or (1/α) Σ_k c_k σ(a_k x − b_k) (full).
    public func output(at parameters: [Double], input: [Double]) -> Double {
        parameters.withUnsafeBufferPointer { output($0.baseAddress!, input: input[0]) }
    }
}
