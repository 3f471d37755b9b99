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
    /// From `sweepSurfaces` on, the same matrix from the gates' overlap moments
    /// (`overlapJacobian`).
    public func jacobian(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>, into jacobian: UnsafeMutablePointer<Double>
    ) {
        if overlaps != nil {
            overlapJacobian(at: state, gates: gates, into: jacobian)
        } else {
            familyJacobian(at: state, gates: gates, into: jacobian)
        }
    }

    /// `familyJacobian`'s matrix with the Gauss–Newton term −γ Σ_i ∇φ_i ∇φ_iᵀ written entry
    /// by entry from the overlap moments M_q[j][k] = Σ_i s_ji s_ki x_i^q (`GateOverlaps`),
    /// all it depends on through the gates: with z_ki = a_k x_i − b_k,
    /// ```
    /// Σ_i s_ji s_ki z_ji z_ki = a_j a_k M_2 − (a_j b_k + b_j a_k) M_1 + b_j b_k M_0
    /// Σ_i s_ji s_ki x_i z_ki  = a_k M_2 − b_k M_1,      Σ_i s_ji s_ki z_ki = a_k M_1 − b_k M_0
    /// ```
    /// times c_j c_k, c_j or 1 as the (a, b, c) entries of ∇φ_i carry them; the residual
    /// term from R_k = Σ_i e_i s_ki and Σ_i e_i s_ki x_i (e_i = φ_i − y_i), O(m·n). The
    /// matrix is the dense one's up to rounding (`GateOverlaps`: prefix-sum differences).
    func overlapJacobian(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         into jacobian: UnsafeMutablePointer<Double>) {
        let p = dimension, m = width, gamma = factors.gradient
        let full = form == .full, scale = -gamma / (alpha * alpha)
        func slope(_ k: Int) -> Double { full ? state[k] : 1 }
        jacobian.update(repeating: 0, count: p * p)
        overlaps!.withMoments(of: gates) { count, first, second in
            for j in 0..<m {
                let aj = slope(j), bj = state[biasOffset + j], cj = state[outputOffset + j]
                for k in 0..<m {
                    let entry = j * m + k, m0 = count[entry], m1 = first[entry], m2 = second[entry]
                    let ak = slope(k), bk = state[biasOffset + k], ck = state[outputOffset + k]
                    // Σ s s ∂φ/∂θ_j ∂φ/∂θ_k (times α²) by the groups of j's row and k's column.
                    let inputOutput = ak * m2 - bk * m1, biasOutput = -(ak * m1 - bk * m0)
                    if full, trainsWeights {
                        let row = jacobian + j * p
                        row[k] = scale * cj * ck * m2
                        row[biasOffset + k] = scale * -cj * ck * m1
                        row[outputOffset + k] = scale * cj * inputOutput
                    }
                    if trainsBiases {
                        let row = jacobian + (biasOffset + j) * p
                        if full { row[k] = scale * -cj * ck * m1 }
                        row[biasOffset + k] = scale * cj * ck * m0
                        row[outputOffset + k] = scale * cj * biasOutput
                    }
                    if trainsOutputs {
                        let row = jacobian + (outputOffset + j) * p
                        if full { row[k] = scale * ck * (aj * m2 - bj * m1) }
                        row[biasOffset + k] = scale * -ck * (aj * m1 - bj * m0)
                        row[outputOffset + k] = scale * (aj * ak * m2 - (aj * bk + bj * ak) * m1 + bj * bk * m0)
                    }
                }
            }
        }
        addResidualCurvature(at: state, gates: gates, into: jacobian)
    }

    /// familyJacobian's residual term −γ Σ_i e_i ∇²φ_i: (c_k, a_k) and (a_k, c_k) get
    /// −(γ/α) Σ_i e_i s_ki x_i, (c_k, b_k) and (b_k, c_k) get +(γ/α) Σ_i e_i s_ki, in the
    /// trained rows.
    private func addResidualCurvature(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                                      into jacobian: UnsafeMutablePointer<Double>) {
        let p = dimension, m = width, n = data.sampleCount, factor = factors.gradient / alpha
        withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { residualBuffer in
            data.inputs.withUnsafeBufferPointer { inputBuffer in
                let residuals = residualBuffer.baseAddress!, x = inputBuffer.baseAddress!
                residuals.update(repeating: 0, count: n)
                for k in 0..<m {
                    let c = state[outputOffset + k], row = gates + k * n
                    for i in 0..<n where row[i] != 0 { residuals[i] += c * row[i] * preActivation(k, i, x, state) }
                }
                for i in 0..<n { residuals[i] = residuals[i] / alpha - data.targets[i] }
                for k in 0..<m {
                    var weighted = 0.0, weightedInputs = 0.0
                    let row = gates + k * n
                    for i in 0..<n where row[i] != 0 {
                        weighted += residuals[i] * row[i]
                        weightedInputs += residuals[i] * row[i] * x[i]
                    }
                    let outer = outputOffset + k, knot = biasOffset + k
                    if form == .full {
                        if trainsOutputs { jacobian[outer * p + k] += -factor * weightedInputs }
                        if trainsWeights { jacobian[k * p + outer] += -factor * weightedInputs }
                    }
                    if trainsOutputs { jacobian[outer * p + knot] += factor * weighted }
                    if trainsBiases { jacobian[knot * p + outer] += factor * weighted }
                }
            }
        }
    }
}
