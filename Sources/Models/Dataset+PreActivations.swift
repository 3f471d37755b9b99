import CModelKernels

extension Dataset {
    /// z_i = b + Σ_l x_il w_l for every sample into `z[0 ..< n]`, each summed from l = 0 as a
    /// sample-by-sample loop sums it, so the same bits (`reluflow_pre_activations`: eight
    /// samples a lane, on the widest vector unit, `FieldKernels`). The single neurons'
    /// switching values, rates and loss.
    func writePreActivations(weights: UnsafePointer<Double>, bias: Double, into z: UnsafeMutablePointer<Double>) {
        columns.withUnsafeBufferPointer { columns in
            reluflow_pre_activations(inputDimension, sampleCount, weights, bias, columns.baseAddress!, columnStride, z)
        }
    }

    /// How a single neuron weighs sample i in its field's pass over the samples
    /// (`reluflow_gated_row_sums`), from z_i, s_i and y_i.
    enum SampleWeight {
        /// ω_i = (scale·s_i)·(z_i − y_i): a single neuron's pull, scale = −c.
        case pull(scale: Double)
        /// ω_i = ((gain·s_i)·z_i − y_i)·s_i: a deep single neuron's weighted residual.
        case residual(gain: Double)
    }

    /// Adds Σ_i ω_i x_i over the samples with s_i ≠ 0 to `sums[0 ..< d]`, and returns Σ ω_i
    /// and Σ ω_i z_i; every sum in sample order, as a sample-by-sample loop adds it (the same
    /// bits, several elements at once on the widest vector unit).
    func addGatedRowSums(_ weight: SampleWeight, switching: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         into sums: UnsafeMutablePointer<Double>) -> (weightSum: Double, pathSum: Double) {
        inputs.withUnsafeBufferPointer { rows in
            targets.withUnsafeBufferPointer { targets in
                var pass = ReluflowGatedRowSums(
                    d: inputDimension, n: sampleCount, rows: rows.baseAddress!, switching: switching, gates: gates,
                    targets: targets.baseAddress!, form: 0, scale: 0, sums: sums, weightSum: 0, pathSum: 0)
                switch weight {
                case .pull(let scale): (pass.form, pass.scale) = (0, scale)
                case .residual(let gain): (pass.form, pass.scale) = (1, gain)
                }
                reluflow_gated_row_sums(&pass)
                return (pass.weightSum, pass.pathSum)
            }
        }
    }
}
