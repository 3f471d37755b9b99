import FlowEngine

extension TwoLayerNetwork: JacobianProvidingSystem, TwoLayerFamilyJacobian {
    /// ∂F/∂θ for the gates held fixed, exactly (`TwoLayerFamilyJacobian.familyJacobian`), with
    /// u_k = a_k and z_ki = w_k·x_i + b_k:
    /// ```
    /// ∇φ_i = (1/α) (a_k s_ki x_i, a_k s_ki, s_ki z_ki)  in the (w_k, b_k, a_k) entries of each neuron k
    /// ∇²φ_i: only ∂²φ_i/∂a_k∂w_k = s_ki x_i/α and ∂²φ_i/∂a_k∂b_k = s_ki/α (and their transposes)
    /// ```
    public func jacobian(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>, into jacobian: UnsafeMutablePointer<Double>
    ) {
        familyJacobian(at: state, gates: gates, into: jacobian)
    }

    /// (a_k s x_i, a_k s) in the (w_k, b_k) entries.
    func appendInnerGradient(of k: Int, sample i: Int, gate s: Double, outerWeight a: Double, z: Double,
                              _ inputs: UnsafePointer<Double>, indices: UnsafeMutablePointer<Int>,
                              values: UnsafeMutablePointer<Double>, count: inout Int) {
        let x = inputs + i * d
        for l in 0..<d {
            indices[count] = k * d + l
            values[count] = a * s * x[l]
            count += 1
        }
        if hasBias {
            indices[count] = biasOffset + k
            values[count] = a * s
            count += 1
        }
    }

    /// ∂²(a_k z_ki)/∂a_k∂w_k = x_i and ∂²/∂a_k∂b_k = 1.
    func addOutputCurvature(of k: Int, sample i: Int, _ inputs: UnsafePointer<Double>, scale: Double,
                            into jacobian: UnsafeMutablePointer<Double>) {
        let p = dimension, a = outputOffset + k, x = inputs + i * d
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
