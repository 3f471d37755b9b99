/// What a two-layer network gives for its exact Jacobian (`familyJacobian`): the derivatives
/// of one neuron's output term u_k s_ki z_ki, first and second order, in its coordinates,
/// where u_k is θ's entry `outputOffset + k` (so ∂/∂u_k = s z_ki is common to all).
protocol TwoLayerFamilyJacobian: TwoLayerFamily {
    /// Appends the nonzero entries of ∂(u_k s z_ki)/∂θ off u_k (indices into θ and values)
    /// for neuron k at sample i, with gate s, u_k = `outerWeight` and z = z_ki given.
    func appendInnerGradient(of k: Int, sample i: Int, gate s: Double, outerWeight u: Double, z: Double,
                              _ inputs: UnsafePointer<Double>, indices: UnsafeMutablePointer<Int>,
                              values: UnsafeMutablePointer<Double>, count: inout Int)
    /// Adds `scale`·∂²(u_k z_ki)/∂θ² in neuron k's entries to `jacobian` (p × p row-major),
    /// trained rows only.
    func addOutputCurvature(of k: Int, sample i: Int, _ inputs: UnsafePointer<Double>, scale: Double,
                            into jacobian: UnsafeMutablePointer<Double>)
    /// Where θ's second and third groups start (inner weights, biases, outer weights in order).
    var biasOffset: Int { get }
    var outputOffset: Int { get }
    /// Which of the three groups are trained (the field's other rows are 0).
    var trainsWeights: Bool { get }
    var trainsBiases: Bool { get }
    var trainsOutputs: Bool { get }
}

extension TwoLayerFamilyJacobian {
    /// Whether parameter `index` belongs to a trained group.
    func isTrained(_ index: Int) -> Bool {
        index < biasOffset ? trainsWeights : index < outputOffset ? trainsBiases : trainsOutputs
    }

    /// ∂F/∂θ for the gates s held fixed, exactly: F = −∇L_s with
    /// ```
    /// L_s(θ) = (c/2) Σ_i e_i²,   e_i = φ_i − y_i,   φ_i = (1/α) Σ_k u_k s_ki z_ki
    /// ```
    /// (c the loss's gradient factor), so
    /// ```
    /// ∂F/∂θ = −c Σ_i (∇φ_i ∇φ_iᵀ + e_i ∇²φ_i)
    /// ```
    /// the Gauss–Newton term and the residual term of the Hessian of the square loss, with
    /// ∇φ_i and ∇²φ_i from the neurons' output terms (`appendInnerGradient`,
    /// `addOutputCurvature`). Rows of frozen groups are 0 (their field is). A sample's ∇φ_i
    /// is nonzero only on the neurons whose gate on it is nonzero, so the cost is
    /// Σ_i (nonzeros of ∇φ_i)·(trained ones). Replaces 2p field evaluations of central
    /// differences per Jacobian for the implicit methods.
    func familyJacobian(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                        into jacobian: UnsafeMutablePointer<Double>) {
        let p = dimension, n = data.sampleCount, c = factors.gradient
        jacobian.update(repeating: 0, count: p * p)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: p) { indexBuffer in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: p) { valueBuffer in
                data.inputs.withUnsafeBufferPointer { inputBuffer in
                    let indices = indexBuffer.baseAddress!, values = valueBuffer.baseAddress!
                    let inputs = inputBuffer.baseAddress!
                    for i in 0..<n {
                        var count = 0, output = 0.0
                        for k in 0..<width where gates[k * n + i] != 0 {
                            let s = gates[k * n + i], u = outerWeight(k, state), z = preActivation(k, i, inputs, state)
                            output += u * s * z
                            appendInnerGradient(of: k, sample: i, gate: s, outerWeight: u, z: z, inputs,
                                                indices: indices, values: values, count: &count)
                            indices[count] = outputOffset + k
                            values[count] = s * z
                            count += 1
                        }
                        guard count > 0 else { continue }
                        for entry in 0..<count { values[entry] /= alpha }
                        for row in 0..<count where isTrained(indices[row]) {
                            let target = jacobian + indices[row] * p, scale = -c * values[row]
                            for column in 0..<count { target[indices[column]] += scale * values[column] }
                        }
                        let residualScale = -c * (output / alpha - data.targets[i]) / alpha
                        for k in 0..<width where gates[k * n + i] != 0 {
                            addOutputCurvature(of: k, sample: i, inputs, scale: residualScale * gates[k * n + i],
                                               into: jacobian)
                        }
                    }
                }
            }
        }
    }
}
