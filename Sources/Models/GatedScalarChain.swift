/// The chain of scalar weights v_1..v_m of a deep single neuron, f = P·σ(w·x) with the gated
/// gain P = v_1 ∏_{k≥2} t_k v_k (t_k the gate of the outer ReLU on v_k, which switches where
/// v_k = 0; magnitude/angle notes §1.1, proof of Prop 3.5). Shared by `DeepSingleNeuron` and
/// `PopulationSingleNeuron`, which differ only in what multiplies P.
///
/// v_k sits at θ[offset + k − 1]; its surface is `surface(ofScalarWeight: k)` =
/// surfaceBase + m − k (k = 2..m; v_1 has no ReLU after it).
struct GatedScalarChain: Sendable {
    let offset: Int
    let count: Int
    let surfaceBase: Int

    func surface(ofScalarWeight k: Int) -> Int { surfaceBase + count - k }

    /// t_k v_k, with t_1 := 1.
    @inline(__always)
    func gatedWeight(_ k: Int, _ theta: UnsafePointer<Double>, _ gates: UnsafePointer<Double>) -> Double {
        k == 1 ? theta[offset] : gates[surface(ofScalarWeight: k)] * theta[offset + k - 1]
    }

    /// P = ∏_k t_k v_k.
    func gain(_ theta: UnsafePointer<Double>, _ gates: UnsafePointer<Double>) -> Double {
        var gain = 1.0
        for k in stride(from: 1, through: count, by: 1) { gain *= gatedWeight(k, theta, gates) }
        return gain
    }

    /// ∂P/∂v_k = t_k ∏_{j≠k} t_j v_j, without dividing by v_k, which may be zero on its surface.
    func gainDerivative(_ k: Int, _ theta: UnsafePointer<Double>, _ gates: UnsafePointer<Double>) -> Double {
        var derivative = k == 1 ? 1 : gates[surface(ofScalarWeight: k)]
        for j in stride(from: 1, through: count, by: 1) where j != k { derivative *= gatedWeight(j, theta, gates) }
        return derivative
    }

    /// The outer surfaces' switching values g = v_k.
    func writeSwitching(_ theta: UnsafePointer<Double>, into switching: UnsafeMutablePointer<Double>) {
        for k in stride(from: 2, through: count, by: 1) { switching[surface(ofScalarWeight: k)] = theta[offset + k - 1] }
    }

    /// The rate ġ = v̇_k of outer surface `surface` (k = surfaceBase + m − surface).
    func rate(ofSurface surface: Int, _ velocity: UnsafePointer<Double>) -> Double {
        velocity[offset + surfaceBase + count - surface - 1]
    }

    /// Their rates ġ = v̇_k.
    func writeRates(_ velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>) {
        for k in stride(from: 2, through: count, by: 1) { rates[surface(ofScalarWeight: k)] = velocity[offset + k - 1] }
    }

    /// The ungated gain v_1 ∏_{k≥2} σ(v_k), for losses evaluated with σ(0) = 0.
    func plainGain(_ theta: UnsafePointer<Double>) -> Double {
        var gain = 1.0
        for k in stride(from: 1, through: count, by: 1) {
            let v = theta[offset + k - 1]
            gain *= k == 1 ? v : max(v, 0)
        }
        return gain
    }
}
