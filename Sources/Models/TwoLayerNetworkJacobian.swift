import FlowEngine

extension TwoLayerNetwork: JacobianProvidingSystem {
    /// ∂F/∂θ for the gates s held fixed, exactly: F = −∇L_s with
    /// ```
    /// L_s(θ) = (c/2) Σ_i e_i²,   e_i = φ_i − y_i,   φ_i = (1/α) Σ_k a_k s_ki z_ki,   z_ki = w_k·x_i + b_k
    /// ```
    /// (c the loss's gradient factor; the field's doc comment), so
    /// ```
    /// ∂F/∂θ = −c Σ_i (∇φ_i ∇φ_iᵀ + e_i ∇²φ_i)
    /// ∇φ_i = (1/α) (a_k s_ki x_i, a_k s_ki, s_ki z_ki)  in the (w_k, b_k, a_k) entries of each neuron k
    /// ∇²φ_i: only ∂²φ_i/∂a_k∂w_k = s_ki x_i/α and ∂²φ_i/∂a_k∂b_k = s_ki/α (and their transposes)
    /// ```
    /// the Gauss–Newton term and the residual term of the Hessian of the square loss. Rows of
    /// frozen groups are 0 (their field is). A sample's ∇φ_i is nonzero only on the neurons
    /// whose gate on it is nonzero, so the cost is Σ_i (nonzeros of ∇φ_i)·(trained ones).
    public func jacobian(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>, into jacobian: UnsafeMutablePointer<Double>
    ) {
        let p = dimension, n = data.sampleCount, c = factors.gradient
        jacobian.update(repeating: 0, count: p * p)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: p) { indexBuffer in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: p) { valueBuffer in
                data.inputs.withUnsafeBufferPointer { inputBuffer in
                    let indices = indexBuffer.baseAddress!, values = valueBuffer.baseAddress!
                    let inputs = inputBuffer.baseAddress!
                    for i in 0..<n {
                        let x = inputs + i * d
                        var count = 0, output = 0.0
                        for k in 0..<width where gates[k * n + i] != 0 {
                            let s = gates[k * n + i], a = outerWeight(k, state), z = preActivation(k, i, inputs, state)
                            output += a * s * z
                            for l in 0..<d {
                                indices[count] = k * d + l
                                values[count] = a * s * x[l] / alpha
                                count += 1
                            }
                            if hasBias {
                                indices[count] = biasOffset + k
                                values[count] = a * s / alpha
                                count += 1
                            }
                            indices[count] = outputOffset + k
                            values[count] = s * z / alpha
                            count += 1
                        }
                        guard count > 0 else { continue }
                        for row in 0..<count where isTrained(indices[row]) {
                            let target = jacobian + indices[row] * p, scale = -c * values[row]
                            for column in 0..<count { target[indices[column]] += scale * values[column] }
                        }
                        let residualScale = -c * (output / alpha - data.targets[i]) / alpha
                        for k in 0..<width where gates[k * n + i] != 0 {
                            addResidualTerm(neuron: k, sample: x, scale: residualScale * gates[k * n + i],
                                            into: jacobian)
                        }
                    }
                }
            }
        }
    }

    /// Whether parameter `index` belongs to a trained group.
    private func isTrained(_ index: Int) -> Bool {
        index < biasOffset ? trainsWeights : index < outputOffset ? trainsBiases : trainsOutputs
    }

    /// Adds `scale`·∂²(a_k z_ki)/∂θ² in neuron k's (a_k, w_k, b_k) entries, trained rows only.
    private func addResidualTerm(neuron k: Int, sample x: UnsafePointer<Double>, scale: Double,
                                 into jacobian: UnsafeMutablePointer<Double>) {
        let p = dimension, a = outputOffset + k
        for l in 0..<d {
            let w = k * d + l
            if trainsOutputs { jacobian[a * p + w] += scale * x[l] }
            if trainsWeights { jacobian[w * p + a] += scale * x[l] }
        }
        guard hasBias else { return }
        let b = biasOffset + k
        if trainsOutputs { jacobian[a * p + b] += scale }
        if trainsBiases { jacobian[b * p + a] += scale }
    }
}
