import FlowEngine

/// A deep single ReLU neuron f(x) = v_1 σ(v_2 σ(⋯ v_m σ(w·x))) under the square loss, as a
/// gated system (magnitude/angle notes §1.1; support-vector notes §1.9, App. C).
///
/// State θ = (w_1, ..., w_d, v_1, ..., v_m), m ≥ 1 scalar weights in the paper's order: v_m
/// is next to the input, v_1 is the output weight (m = 1 is f = v_1 σ(w·x)).
///
/// Which pre-activations switch: the innermost ReLU's argument w·x_i, one surface per
/// sample; every outer ReLU's argument is v_k·h with h ≥ 0 the value below it, so
/// σ(v_k h) = σ(v_k)·h and its sign is sign(v_k) for every sample at once (proof of
/// Prop 3.5, magnitude/angle notes §1.1, §1.8). Where h = 0 the sample's path is already
/// off at a lower ReLU, so an outer ReLU switches only when v_k crosses zero, for all
/// samples together; v_1 has no ReLU after it. So the switching functions are
/// ```
/// surface i < n:            g_i = w·x_i                         label (neuron 0, sample i)
/// surface n + ℓ − 1:        g   = v_k,  k = m + 1 − ℓ, ℓ = 1..m−1  label (neuron ℓ, every sample)
/// ```
/// with the neuron label the hidden layer counted from the input, 0-based (layer ℓ's ReLU
/// takes v_{m+1−ℓ}), and the outer surfaces' sample `SurfaceLabel.everySample`.
///
/// With gates s_i on the inner surfaces and t_k on the outer ones, the gated gain
/// P = v_1 ∏_{k≥2} t_k v_k gives outputs f_i = P s_i (w·x_i), residuals r_i = f_i − y_i, and
/// ```
/// F_w   = −c P Σ_i r_i s_i x_i
/// F_v_k = −c (∂P/∂v_k) Σ_i r_i s_i (w·x_i),   ∂P/∂v_k = t_k ∏_{j≠k} (t_j v_j),  t_1 := 1
/// ```
/// (the label backpropagation of support-vector notes §1.9, Prop C.1, for this chain). On
/// g_i = 0 the residual r_i = −y_i does not depend on s_i; on v_k = 0, P = 0 and no
/// residual depends on t_k; so F is affine in every gate on its surface. The jump of
/// surface i is c y_i P x_i in the w block, of surface v_k it is along e_{v_k}: both along
/// the surface's normal (DESIGN.md). With t_k = 0 the whole field vanishes: a negative
/// v_k (k ≥ 2) freezes the network, and at v_k = 0 the positive side's normal speed is
/// c (∏_{j≠k} v_j) Σ_i y_i s_i (w·x_i), which repels when v_1 > 0 and the labels are positive
/// (Prop 3.5, notes §1.8) and attracts when v_1 < 0.
///
/// Balancedness: w·F_w = v_k F_{v_k} = −c P Σ_i r_i s_i (w·x_i) for every gate pattern,
/// sliding gates included, so v_k² − ‖w‖² is conserved for every k, hence also
/// v_k² − v_{k'}² (Du, Hu & Lee 2018; support-vector notes §1.9, Lemma C.2; magnitude/angle
/// notes §1.7).
public struct DeepSingleNeuron: GatedNetwork, SurfaceRateProvidingSystem, Sendable {
    public let data: Dataset
    /// m, the number of scalar weights v_1..v_m: depth m + 1.
    public let scalarWeightCount: Int
    public let normalization: LossNormalization
    private let factors: LossFactors
    /// H = Σ s_i² x_i x_iᵀ and q = Σ s_i y_i x_i of the pattern last evaluated without
    /// switching values.
    private let region: AffineRegionCache

    /// - Throws: `ModelError.invalidParameters` when m < 1.
    public init(data: Dataset, scalarWeightCount: Int, normalization: LossNormalization) throws(ModelError) {
        guard scalarWeightCount >= 1 else {
            throw .invalidParameters("a deep single neuron needs at least one scalar weight, got \(scalarWeightCount)")
        }
        self.data = data
        self.scalarWeightCount = scalarWeightCount
        self.normalization = normalization
        factors = LossFactors(normalization, sampleCount: data.sampleCount)
        region = AffineRegionCache(sampleCount: data.sampleCount, size: data.inputDimension, curvature: .squaredGate)
    }

    private var d: Int { data.inputDimension }

    public var dimension: Int { d + scalarWeightCount }
    public var surfaceCount: Int { data.sampleCount + scalarWeightCount - 1 }

    public var parameterLayout: ParameterLayout {
        // Each v_k multiplies one value (fan-in 1).
        ParameterLayout(groups: [.init(name: "w", shape: [d], fanIn: d), .init(name: "v", shape: [scalarWeightCount])])
    }

    public func surfaceLabel(_ surface: Int) -> SurfaceLabel {
        let n = data.sampleCount
        return surface < n
            ? SurfaceLabel(neuron: 0, sample: surface)
            : SurfaceLabel(neuron: surface - n + 1, sample: SurfaceLabel.everySample)
    }

    /// The surface of the outer ReLU that v_k (2 ≤ k ≤ m) feeds: n + m − k.
    public func outerSurface(ofScalarWeight k: Int) -> Int { chain.surface(ofScalarWeight: k) }

    private var chain: GatedScalarChain {
        GatedScalarChain(offset: d, count: scalarWeightCount, surfaceBase: data.sampleCount)
    }

    /// v_k² − ‖w‖² for k = 1..m, all conserved by the flow; their differences are
    /// v_k² − v_{k'}².
    public func balance(at parameters: [Double]) -> [Double] {
        let squaredNorm = parameters[..<d].reduce(0) { $0 + $1 * $1 }
        return parameters[d...].map { $0 * $0 - squaredNorm }
    }

    @inline(__always)
    private func preActivation(_ i: Int, _ x: UnsafePointer<Double>, _ theta: UnsafePointer<Double>) -> Double {
        let row = x + i * d
        var z = 0.0
        for l in 0..<d { z += row[l] * theta[l] }
        return z
    }

    /// F(θ, s). Without switching values (the integrator's stages) from the pattern's H and q
    /// (`AffineRegionCache`, κ(s) = s²), O(d²): Σ_i r_i s_i x_i = P H w − q and
    /// Σ_i r_i s_i (w·x_i) = wᵀ(P H w − q); with them, one forward pass per sample, O(n·d).
    public func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?
    ) {
        let m = scalarWeightCount, chain = chain
        let gain = chain.gain(state, gates)
        guard let switching else {
            var pathSum = 0.0  // Σ_i r_i s_i (w·x_i)
            region.withRegion(of: gates, data: data, appendingOne: false) { h, q in
                for r in 0..<d {
                    let hr = h + r &* d
                    var curvature = 0.0
                    for k in 0..<d { curvature += hr[k] * state[k] }
                    let residualSum = gain * curvature - q[r]  // Σ_i r_i s_i x_ir
                    field[r] = -factors.gradient * gain * residualSum
                    pathSum += residualSum * state[r]
                }
            }
            for k in 1...m { field[d + k - 1] = -factors.gradient * chain.gainDerivative(k, state, gates) * pathSum }
            return
        }
        chain.writeSwitching(state, into: switching)
        field.update(repeating: 0, count: dimension)
        data.writePreActivations(weights: state, bias: 0, into: switching)
        // One pass over the samples; F_w collects Σ r_i s_i x_i with r_i = P s_i z_i − y_i,
        // scaled by −cP at the end, and the path sum Σ_i r_i s_i (w·x_i).
        let pathSum = data.addGatedRowSums(.residual(gain: gain), switching: switching, gates: gates, into: field).pathSum
        for l in 0..<d { field[l] *= -factors.gradient * gain }
        for k in 1...m { field[d + k - 1] = -factors.gradient * chain.gainDerivative(k, state, gates) * pathSum }
    }

    public func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>
    ) {
        // g_i = w·x_i and g = v_k are linear in θ: ġ_i = x_i·v_w, ġ = v_{v_k}.
        data.writePreActivations(weights: velocity, bias: 0, into: rates)
        chain.writeRates(velocity, into: rates)
    }

    /// One surface's rate: x_i·v_w for a sample, v̇_k for an outer ReLU.
    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        guard surface < data.sampleCount else { return chain.rate(ofSurface: surface, velocity) }
        return data.inputs.withUnsafeBufferPointer { preActivation(surface, $0.baseAddress!, velocity) }
    }

    /// f(x) = v_1 σ(v_2 σ(⋯ v_m σ(w·x))) with σ(0) = 0, evaluated as written, layer by layer.
    func output(_ theta: UnsafePointer<Double>, input x: UnsafePointer<Double>) -> Double {
        var h = max(preActivation(0, x, theta), 0)
        for k in stride(from: scalarWeightCount, through: 2, by: -1) { h = max(theta[d + k - 1] * h, 0) }
        return theta[d] * h
    }

    /// L(θ) = c_L Σ_i (f(x_i) − y_i)².
    public func loss(at parameters: UnsafePointer<Double>) -> Double {
        data.inputs.withUnsafeBufferPointer { inputs in
            var sum = 0.0
            for i in 0..<data.sampleCount {
                let r = output(parameters, input: inputs.baseAddress! + i * d) - data.targets[i]
                sum += r * r
            }
            return factors.loss * sum
        }
    }
}

extension DeepSingleNeuron {
    /// `model: {kind: deep_single_neuron, depth: 2}` (f = v_1 σ(v_2 σ(w·x))); as a teacher
    /// `{kind: deep_single_neuron, depth: 2, scale: 1}`, its scalars balanced, v*_k = ‖w*‖
    /// (magnitude/angle notes §3.1), so that it is not zero.
    public struct Kind: TeacherKind {
        public typealias Network = DeepSingleNeuron
        public static let name = "deep_single_neuron"
        public static let keys = ["depth"]
        public static let teacherKeys = ["depth"]
        /// m, the number of scalar weights.
        public let depth: Int
        public var neuronCount: Int { depth }

        public init<Keys: ModelKeys>(_ keys: Keys) throws(Keys.Failure) { depth = try keys.depth() }

        public func network(on data: Dataset, normalization: LossNormalization) throws(ModelError) -> DeepSingleNeuron {
            try DeepSingleNeuron(data: data, scalarWeightCount: depth, normalization: normalization)
        }

        /// w* ~ N(0, scale² I), every v*_k = ‖w*‖.
        public func teacherLabels(dimension: Int, scale: Double, seed: UInt64) throws(ModelError) -> DataGenerator.Labels {
            let teacher = try teacherNetwork(dimension: dimension)
            var generator = SeededGenerator(seed: seed)
            let (w, v) = DeepSingleNeuron.balancedTeacher(dimension: dimension, depth: depth, scale: scale, using: &generator)
            return .teacher(teacher, parameters: w + v)
        }
    }
}
