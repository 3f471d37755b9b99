import FlowEngine

extension UnivariateNetwork: JacobianProvidingSystem {
    /// ∂F/∂θ for the gates s held fixed, exactly: F = −∇L_s with
    /// ```
    /// L_s(θ) = (c/2) Σ_i e_i²,   e_i = φ_i − y_i,   φ_i = (1/α) Σ_k c_k s_ki z_ki,   z_ki = a_k x_i − b_k
    /// ```
    /// (a_k ≡ 1 in the knots form; c the loss's gradient factor), so
    /// ```
    /// ∂F/∂θ = −c Σ_i (∇φ_i ∇φ_iᵀ + e_i ∇²φ_i)
    /// ∇φ_i = (1/α) (c_k s_ki x_i, −c_k s_ki, s_ki z_ki)  in the (a_k, b_k, c_k) entries of each neuron k
    /// ∇²φ_i: only ∂²φ_i/∂c_k∂a_k = s_ki x_i/α and ∂²φ_i/∂c_k∂b_k = −s_ki/α (and their transposes)
    /// ```
    /// the Gauss–Newton term and the residual term of the Hessian of the square loss, as for
    /// `TwoLayerNetwork.jacobian` with the inputs one-dimensional. Rows of frozen groups are 0
    /// (their field is). Replaces 2p field evaluations of central differences per Jacobian
    /// for the implicit methods (`StiffSwitchingIntegrator`).
    public func jacobian(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>, into jacobian: UnsafeMutablePointer<Double>
    ) {
        let p = dimension, n = data.sampleCount, c = factors.gradient, slopes = form == .full
        jacobian.update(repeating: 0, count: p * p)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: p) { indexBuffer in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: p) { valueBuffer in
                data.inputs.withUnsafeBufferPointer { inputBuffer in
                    let indices = indexBuffer.baseAddress!, values = valueBuffer.baseAddress!
                    let inputs = inputBuffer.baseAddress!
                    for i in 0..<n {
                        let x = inputs[i]
                        var count = 0, output = 0.0
                        for k in 0..<width where gates[k * n + i] != 0 {
                            let s = gates[k * n + i], u = outerWeight(k, state), z = preActivation(k, i, inputs, state)
                            output += u * s * z
                            if slopes {
                                indices[count] = k
                                values[count] = u * s * x / alpha
                                count += 1
                            }
                            indices[count] = biasOffset + k
                            values[count] = -u * s / alpha
                            count += 1
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
                            addResidualTerm(neuron: k, input: x, scale: residualScale * gates[k * n + i],
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

    /// Adds `scale`·∂²(c_k z_ki)/∂θ² in neuron k's (a_k, b_k, c_k) entries, trained rows only.
    private func addResidualTerm(neuron k: Int, input x: Double, scale: Double,
                                 into jacobian: UnsafeMutablePointer<Double>) {
        let p = dimension, outer = outputOffset + k, knot = biasOffset + k
        if form == .full {
            if trainsOutputs { jacobian[outer * p + k] += scale * x }
            if trainsWeights { jacobian[k * p + outer] += scale * x }
        }
        if trainsOutputs { jacobian[outer * p + knot] -= scale }
        if trainsBiases { jacobian[knot * p + outer] -= scale }
    }
}
