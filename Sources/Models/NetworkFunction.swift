/// A network as a function x ↦ f(x; θ), for drawing a teacher's labels.
public protocol NetworkFunction {
    var inputDimension: Int { get }
    var parameterCount: Int { get }
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
