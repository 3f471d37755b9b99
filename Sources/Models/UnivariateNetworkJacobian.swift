import FlowEngine

extension UnivariateNetwork: JacobianProvidingSystem, TwoLayerFamilyJacobian {
    /// (c_k s x_i, −c_k s) in the (a_k, b_k) entries (no a_k in the knots form).
    func appendInnerGradient(of k: Int, sample i: Int, gate s: Double, outerWeight u: Double, z: Double,
                              _ inputs: UnsafePointer<Double>, indices: UnsafeMutablePointer<Int>,
                              values: UnsafeMutablePointer<Double>, count: inout Int) {
        if form == .full {
            indices[count] = k
            values[count] = u * s * inputs[i]
            count += 1
        }
        indices[count] = biasOffset + k
        values[count] = -u * s
        count += 1
    }

    /// ∂²(c_k z_ki)/∂c_k∂a_k = x_i and ∂²/∂c_k∂b_k = −1.
    func addOutputCurvature(of k: Int, sample i: Int, _ inputs: UnsafePointer<Double>, scale: Double,
                            into jacobian: UnsafeMutablePointer<Double>) {
        let p = dimension, outer = outputOffset + k, knot = biasOffset + k
        if form == .full {
            if trainsOutputs { jacobian[outer * p + k] += scale * inputs[i] }
            if trainsWeights { jacobian[k * p + outer] += scale * inputs[i] }
        }
        if trainsOutputs { jacobian[outer * p + knot] -= scale }
        if trainsBiases { jacobian[knot * p + outer] -= scale }
    }

    /// ∂F/∂θ for the gates held fixed, exactly (`TwoLayerFamilyJacobian.familyJacobian`), with
    /// u_k = c_k and z_ki = a_k x_i − b_k (a_k ≡ 1 in the knots form):
    /// ```
    /// ∇φ_i = (1/α) (c_k s_ki x_i, −c_k s_ki, s_ki z_ki)  in the (a_k, b_k, c_k) entries of each neuron k
    /// ∇²φ_i: only ∂²φ_i/∂c_k∂a_k = s_ki x_i/α and ∂²φ_i/∂c_k∂b_k = −s_ki/α (and their transposes)
    /// ```
    public func jacobian(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>, into jacobian: UnsafeMutablePointer<Double>
    ) {
        familyJacobian(at: state, gates: gates, into: jacobian)
    }
}
