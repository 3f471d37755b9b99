import FlowEngine

/// One ReLU neuron f(x) = σ(w·x + b) under the square loss, as a gated system.
///
/// State θ = (w_1, ..., w_d[, b]); switching functions g_i(θ) = w·x_i + b, one per sample;
/// gates s_i select which samples pull on θ:
/// ```
/// F(θ, s) = −c Σ_i s_i (w·x_i + b − y_i) x̃_i,    x̃_i = (x_i, 1) with bias, x_i without
/// ```
/// Inside a region the flow is affine, dθ/dt = −c (H_A θ − q_A) with H_A = Σ_{i∈A} x̃_i x̃_iᵀ
/// and q_A = Σ_{i∈A} y_i x̃_i (support-vector notes §1.3–1.5, eqs. 2–3 of Lee, Sim & Ye),
/// and across surface i the field jumps by −c (g_i − y_i) x̃_i = c y_i x̃_i on g_i = 0.
public struct SingleNeuron: GatedNetwork, JacobianProvidingSystem, SurfaceRateProvidingSystem, Sendable {
    public let data: Dataset
    public let hasBias: Bool
    public let normalization: LossNormalization
    private let factors: LossFactors
    /// H_A and q_A of the pattern last evaluated without switching values.
    private let region: AffineRegionCache

    public init(data: Dataset, hasBias: Bool, normalization: LossNormalization) {
        self.data = data
        self.hasBias = hasBias
        self.normalization = normalization
        factors = LossFactors(normalization, sampleCount: data.sampleCount)
        region = AffineRegionCache(sampleCount: data.sampleCount, size: data.inputDimension + (hasBias ? 1 : 0),
                                   curvature: .gate)
    }

    public var dimension: Int { data.inputDimension + (hasBias ? 1 : 0) }
    public var surfaceCount: Int { data.sampleCount }

    public var parameterLayout: ParameterLayout {
        ParameterLayout(groups: [.init(name: "w", shape: [data.inputDimension], fanIn: data.inputDimension)]
            + (hasBias ? [.init(name: "b", shape: [])] : []))
    }

    public func surfaceLabel(_ surface: Int) -> SurfaceLabel { SurfaceLabel(neuron: 0, sample: surface) }

    /// The pre-activation w·x_i + b, summed as `Dataset.writePreActivations` sums it.
    @inline(__always)
    private func preActivation(_ i: Int, _ x: UnsafePointer<Double>, _ theta: UnsafePointer<Double>) -> Double {
        let d = data.inputDimension
        var z = hasBias ? theta[d] : 0
        let row = x + i * d
        for k in 0..<d { z += row[k] * theta[k] }
        return z
    }

    /// F(θ, s). Without switching values (the integrator's stages, jumps by differences) it is
    /// −c (H θ − q) from the pattern's H and q (`AffineRegionCache`), O(p²); with them, the sum
    /// over samples that computes every g_i anyway, O(n·p).
    public func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?
    ) {
        guard let switching else {
            region.withRegion(of: gates, data: data, appendingOne: hasBias) { h, q in
                let p = dimension, c = factors.gradient
                for r in 0..<p {
                    let hr = h + r &* p
                    var sum = -q[r]
                    for k in 0..<p { sum += hr[k] * state[k] }
                    field[r] = -c * sum
                }
            }
            return
        }
        let d = data.inputDimension
        field.update(repeating: 0, count: dimension)
        data.writePreActivations(weights: state, bias: hasBias ? state[d] : 0, into: switching)
        // Σ_i r_i x̃_i with the pulls r_i = −c s_i (z_i − y_i), in sample order.
        let pulls = data.addGatedRowSums(.pull(scale: -factors.gradient), switching: switching, gates: gates, into: field)
        if hasBias { field[d] = pulls.weightSum }
    }

    public func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>
    ) {
        // g_i is linear in θ, so ġ_i = x̃_i·v.
        data.writePreActivations(weights: velocity, bias: hasBias ? velocity[data.inputDimension] : 0, into: rates)
    }

    /// ġ_i = x̃_i·v for one surface.
    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        data.inputs.withUnsafeBufferPointer { preActivation(surface, $0.baseAddress!, velocity) }
    }

    /// ∂F/∂θ = −c Σ_i s_i x̃_i x̃_iᵀ = −c H (constant inside a region).
    public func jacobian(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>, into jacobian: UnsafeMutablePointer<Double>
    ) {
        region.withRegion(of: gates, data: data, appendingOne: hasBias) { h, _ in
            let c = factors.gradient
            for r in 0..<(dimension * dimension) { jacobian[r] = -c * h[r] }
        }
    }

    /// L(θ) = c_L Σ_i (σ(w·x_i + b) − y_i)² with σ(0) = 0, the pre-activations from
    /// `Dataset.writePreActivations` (scratch on the stack).
    public func loss(at parameters: UnsafePointer<Double>) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: data.sampleCount) { z in
            data.writePreActivations(weights: parameters, bias: hasBias ? parameters[data.inputDimension] : 0,
                                     into: z.baseAddress!)
            var sum = 0.0
            for i in 0..<data.sampleCount {
                let r = max(z[i], 0) - data.targets[i]
                sum += r * r
            }
            return factors.loss * sum
        }
    }
}

extension SingleNeuron {
    /// `model: {kind: single_neuron, bias: false}`; as a teacher `{kind: single_neuron, bias: true, scale: 1}`.
    public struct Kind: TeacherKind {
        public typealias Network = SingleNeuron
        public static let name = "single_neuron"
        public static let keys = ["bias"]
        public static let teacherKeys = ["bias"]
        public let hasBias: Bool

        public init<Keys: ModelKeys>(_ keys: Keys) throws(Keys.Failure) {
            hasBias = try keys.optionalBool("bias") ?? false
        }

        public func network(on data: Dataset, normalization: LossNormalization) -> SingleNeuron {
            SingleNeuron(data: data, hasBias: hasBias, normalization: normalization)
        }
    }
}
