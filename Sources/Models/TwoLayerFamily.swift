import FlowEngine

/// The per-sample terms the two-layer networks share (`TwoLayerNetwork`,
/// `UnivariateNetwork`, `LogScaleBalancedNetwork`): one hidden layer of `width` neurons,
/// pre-activations z_ki, outer weights u_k and output scaling α, so that with gates s_ki
/// ```
/// h_i = (1/α) Σ_k u_k s_ki z_ki,     r_i = −(c/α)(h_i − y_i)
/// ```
/// (c the loss's gradient factor) and every neuron's field is a sum over samples of r_i s_ki
/// times its own terms at sample i (`addTerms`). Written once here: the pull r_i, one
/// sample's forward pass and its field, and the jump of a surface (k, i).
///
/// The operations run in the order each network ran them before, so results are identical
/// to the last bit; the generic code is specialised per network in release builds.
protocol TwoLayerFamily: GatedNetwork {
    var data: Dataset { get }
    var width: Int { get }
    /// α of the output scaling.
    var alpha: Double { get }
    /// c_L and c of the loss normalisation.
    var factors: LossFactors { get }

    /// z_ki, the switching value of surface k·n + i; linear in θ, so also its rate along a velocity.
    func preActivation(_ k: Int, _ i: Int, _ inputs: UnsafePointer<Double>, _ theta: UnsafePointer<Double>) -> Double
    /// u_k, the weight h_i gives neuron k's activation.
    func outerWeight(_ k: Int, _ theta: UnsafePointer<Double>) -> Double
    /// Adds `weight` times neuron k's terms at sample i (∂(u_k z_ki)/∂θ in the network's
    /// coordinates, z = z_ki) to `field`.
    func addTerms(of k: Int, sample i: Int, weight: Double, z: Double, _ inputs: UnsafePointer<Double>,
                  _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>)
}

extension TwoLayerFamily {
    /// r_i = −(c/α)(h/α − y_i) for the unscaled output sum h = Σ_k u_k s_ki z_ki.
    @inline(__always)
    func pull(sample i: Int, outputSum: Double) -> Double {
        -factors.gradient / alpha * (outputSum / alpha - data.targets[i])
    }

    /// F(θ, s) = Σ_i (sample i's share), written over `field`; the switching values into
    /// `switching`. The width's pre-activations of one sample sit on the stack: no heap allocation.
    func familyField(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                     field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field.update(repeating: 0, count: dimension)
        data.inputs.withUnsafeBufferPointer { inputs in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: width) { z in
                for i in 0..<data.sampleCount {
                    addSampleField(i, inputs.baseAddress!, state, gates: gates, z: z.baseAddress!, field: field,
                                   switching: switching)
                }
            }
        }
    }

    /// Sample i's share of the field: its pre-activations into `z` (width entries) and
    /// `switching`, its pull, then r_i s_ki times the terms of every neuron active on it.
    @inline(__always)
    func addSampleField(_ i: Int, _ inputs: UnsafePointer<Double>, _ state: UnsafePointer<Double>,
                        gates: UnsafePointer<Double>, z: UnsafeMutablePointer<Double>,
                        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        let n = data.sampleCount
        var output = 0.0
        for k in 0..<width {
            z[k] = preActivation(k, i, inputs, state)
            switching?[k * n + i] = z[k]
            output += outerWeight(k, state) * gates[k * n + i] * z[k]
        }
        let pull = pull(sample: i, outputSum: output)
        for k in 0..<width {
            let s = gates[k * n + i]
            guard s != 0 else { continue }
            addTerms(of: k, sample: i, weight: pull * s, z: z[k], inputs, state, into: field)
        }
    }

    /// J for the pair (k, i) going from s = 0 to s = 1, from one sample's forward pass. Only
    /// sample i's pull r_i changes, by Δr_i = −(c/α²)·u_k z_ki (z_ki is 0 on the surface, up
    /// to the drift): every neuron k′ active on x_i moves by Δr_i times its own sample-i
    /// terms, and neuron k gains its sample-i terms with the new pull r_i + Δr_i.
    func familyJump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                    into jump: UnsafeMutablePointer<Double>) {
        let n = data.sampleCount, k = surface / n, i = surface % n
        jump.update(repeating: 0, count: dimension)
        data.inputs.withUnsafeBufferPointer { buffer in
            let x = buffer.baseAddress!
            var output = 0.0
            for neuron in 0..<width where gates[neuron * n + i] != 0 {
                output += outerWeight(neuron, state) * gates[neuron * n + i] * preActivation(neuron, i, x, state)
            }
            let pull = pull(sample: i, outputSum: output)
            let change = -factors.gradient / (alpha * alpha) * outerWeight(k, state) * preActivation(k, i, x, state)
            for neuron in 0..<width where neuron != k && gates[neuron * n + i] != 0 {
                addTerms(of: neuron, sample: i, weight: change * gates[neuron * n + i],
                         z: preActivation(neuron, i, x, state), x, state, into: jump)
            }
            addTerms(of: k, sample: i, weight: pull + change, z: preActivation(k, i, x, state), x, state, into: jump)
        }
    }


    /// L(θ) = c_L Σ_i ((1/α) Σ_k u_k σ(z_ki) − y_i)² with σ(0) = 0.
    func familyLoss(at parameters: UnsafePointer<Double>) -> Double {
        data.inputs.withUnsafeBufferPointer { inputs in
            var sum = 0.0
            for i in 0..<data.sampleCount {
                var output = 0.0
                for k in 0..<width {
                    output += outerWeight(k, parameters) * max(preActivation(k, i, inputs.baseAddress!, parameters), 0)
                }
                let r = output / alpha - data.targets[i]
                sum += r * r
            }
            return factors.loss * sum
        }
    }

    /// ġ_ki = z_ki(velocity), for pre-activations linear in θ (not the knots form, where
    /// z_ki = x_i − b_k is only affine).
    func linearSwitchingRates(velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>) {
        let n = data.sampleCount
        data.inputs.withUnsafeBufferPointer { inputs in
            for k in 0..<width {
                for i in 0..<n { rates[k * n + i] = preActivation(k, i, inputs.baseAddress!, velocity) }
            }
        }
    }
}
