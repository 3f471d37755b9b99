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
}
