import CModelKernels

extension Dataset {
    /// z_i = b + Σ_l x_il w_l for every sample into `z[0 ..< n]`, each summed from l = 0 as a
    /// sample-by-sample loop sums it, so the same bits: one neuron's pass 1 of the field
    /// kernels (`reluflow_affine_field`), eight samples a lane each on the widest vector
    /// unit (`FieldKernels`). The single neurons' switching values and rates.
    func writePreActivations(weights: UnsafePointer<Double>, bias: Double, into z: UnsafeMutablePointer<Double>) {
        columns.withUnsafeBufferPointer { columns in
            withUnsafePointer(to: bias) { bias in
                var problem = ReluflowAffineField(
                    m: 1, d: inputDimension, n: sampleCount, weights: weights, biases: bias, outer: nil,
                    columns: columns.baseAddress!, columnStride: columnStride, targets: nil, alpha: 1, pullFactor: 0,
                    gates: nil, switching: z, pulls: nil, weightSums: nil, weightedInputs: nil, scratch: nil)
                reluflow_affine_field(&problem)
            }
        }
    }
}
