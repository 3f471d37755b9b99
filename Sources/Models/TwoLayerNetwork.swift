import FlowEngine

/// A two-layer ReLU network f(x) = (1/α) Σ_k a_k σ(w_k·x + b_k) under the square loss, as a
/// gated system.
///
/// State θ = (W row-major K×d, then b (if `hasBias`), then a); switching functions
/// g_{k,i} = w_k·x_i + b_k, surface index j = k·n + i (neuron-major). With gates s_{k,i} in
/// place of σ'(g_{k,i}), residuals r_i = (1/α) Σ_k a_k s_{k,i} g_{k,i} − y_i and
/// ```
/// F_{a_k} = −(c/α) Σ_i r_i s_{k,i} g_{k,i}
/// F_{w_k} = −(c/α) a_k Σ_i r_i s_{k,i} x_i,     F_{b_k} = −(c/α) a_k Σ_i r_i s_{k,i}
/// ```
/// for the trained groups (zero for frozen ones). On a surface g_{k,i} = 0 the residual does
/// not depend on s_{k,i}, so F is affine in the gates there, and the jump of surface (k, i)
/// is −(c/α) a_k r_i (x_i, 1) in the (w_k, b_k) block: along the surface's normal
/// (DESIGN.md). For every neuron the layer balance a_k² − ‖w_k‖² − b_k² is conserved when
/// all groups train, since σ(z) = σ'(z)·z (Du, Hu & Lee 2018; univariate notes §1.6).
public struct TwoLayerNetwork: GatedNetwork, Sendable {
    /// Parameter groups that can be trained or frozen.
    public enum Group: String, CaseIterable, Sendable {
        case weights = "W"
        case biases = "b"
        case outputs = "a"
    }

    public let data: Dataset
    public let width: Int
    public let hasBias: Bool
    public let scaling: OutputScaling
    public let trained: Set<Group>
    public let normalization: LossNormalization
    private let alpha: Double
    private let gradientFactor: Double
    private let lossFactor: Double

    /// - Parameter trained: the groups that move; nil trains every group the model has.
    public init(data: Dataset, width: Int, hasBias: Bool, scaling: OutputScaling = .none, trained: Set<Group>? = nil,
                normalization: LossNormalization) throws(ModelError) {
        let trained = trained ?? Set(Group.allCases.filter { hasBias || $0 != .biases })
        guard width > 0 else { throw .invalidParameters("the width must be positive, got \(width)") }
        if !hasBias, trained.contains(.biases) {
            throw .invalidParameters("a network without biases cannot train b")
        }
        self.data = data
        self.width = width
        self.hasBias = hasBias
        self.scaling = scaling
        self.trained = trained
        self.normalization = normalization
        alpha = scaling.alpha(width: width)
        gradientFactor = normalization.gradientFactor(sampleCount: data.sampleCount)
        lossFactor = normalization.lossFactor(sampleCount: data.sampleCount)
    }

    private var d: Int { data.inputDimension }
    private var biasOffset: Int { width * d }
    private var outputOffset: Int { width * d + (hasBias ? width : 0) }

    public var dimension: Int { outputOffset + width }
    public var surfaceCount: Int { width * data.sampleCount }

    public var parameterLayout: ParameterLayout {
        ParameterLayout(groups: [.init(name: "W", shape: [width, d], fanIn: d)]
            + (hasBias ? [.init(name: "b", shape: [width])] : []) + [.init(name: "a", shape: [width], fanIn: width)])
    }

    public func surfaceLabel(_ surface: Int) -> SurfaceLabel {
        SurfaceLabel(neuron: surface / data.sampleCount, sample: surface % data.sampleCount)
    }

    /// The layer balance a_k² − ‖w_k‖² − b_k² of every neuron.
    public func layerBalance(at parameters: [Double]) -> [Double] {
        (0..<width).map { k in
            var balance = parameters[outputOffset + k] * parameters[outputOffset + k]
            for l in 0..<d { balance -= parameters[k * d + l] * parameters[k * d + l] }
            if hasBias { balance -= parameters[biasOffset + k] * parameters[biasOffset + k] }
            return balance
        }
    }

    @inline(__always)
    private func preActivation(_ k: Int, _ i: Int, _ x: UnsafePointer<Double>, _ theta: UnsafePointer<Double>) -> Double {
        var z = hasBias ? theta[biasOffset + k] : 0
        let row = x + i * d, weights = theta + k * d
        for l in 0..<d { z += row[l] * weights[l] }
        return z
    }

    public func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?
    ) {
        let n = data.sampleCount
        let trainsWeights = trained.contains(.weights), trainsBiases = trained.contains(.biases)
        let trainsOutputs = trained.contains(.outputs)
        field.update(repeating: 0, count: dimension)
        data.inputs.withUnsafeBufferPointer { inputs in
            // The width's pre-activations of one sample, on the stack: no heap allocation.
            withUnsafeTemporaryAllocation(of: Double.self, capacity: width) { z in
                let x = inputs.baseAddress!
                for i in 0..<n {
                    // One forward pass per sample: the pre-activations are the switching values.
                    var output = 0.0
                    for k in 0..<width {
                        z[k] = preActivation(k, i, x, state)
                        switching?[k * n + i] = z[k]
                        output += state[outputOffset + k] * gates[k * n + i] * z[k]
                    }
                    let pull = -gradientFactor / alpha * (output / alpha - data.targets[i])
                    let row = x + i * d
                    for k in 0..<width {
                        let s = gates[k * n + i]
                        guard s != 0 else { continue }
                        if trainsOutputs { field[outputOffset + k] += pull * s * z[k] }
                        let weightPull = pull * s * state[outputOffset + k]
                        if trainsWeights { for l in 0..<d { field[k * d + l] += weightPull * row[l] } }
                        if trainsBiases { field[biasOffset + k] += weightPull }
                    }
                }
            }
        }
    }

    public func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>
    ) {
        // g_{k,i} is linear in (w_k, b_k): ġ_{k,i} = x_i·v_{w_k} + v_{b_k}.
        let n = data.sampleCount
        data.inputs.withUnsafeBufferPointer { inputs in
            for k in 0..<width {
                for i in 0..<n { rates[k * n + i] = preActivation(k, i, inputs.baseAddress!, velocity) }
            }
        }
    }

    /// L(θ) = c_L Σ_i ((1/α) Σ_k a_k σ(w_k·x_i + b_k) − y_i)² with σ(0) = 0.
    public func loss(at parameters: UnsafePointer<Double>) -> Double {
        data.inputs.withUnsafeBufferPointer { inputs in
            var sum = 0.0
            for i in 0..<data.sampleCount {
                var output = 0.0
                for k in 0..<width {
                    output += parameters[outputOffset + k] * max(preActivation(k, i, inputs.baseAddress!, parameters), 0)
                }
                let r = output / alpha - data.targets[i]
                sum += r * r
            }
            return lossFactor * sum
        }
    }
}

extension TwoLayerNetwork: JumpProvidingSystem {
    /// J for the pair (k, i) going from s = 0 to s = 1, from one sample's forward pass. Only
    /// sample i's pull r_i = −(c/α)(h_i/α − y_i) changes, by Δr_i = −(c/α²)·a_k z_ki with
    /// z_ki = w_k·x_i + b_k (0 on the surface, up to the drift): every neuron k′ active on x_i
    /// moves by Δr_i times its own sample-i terms, and neuron k gains its sample-i terms with
    /// the new pull r_i + Δr_i.
    public func jump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                     into jump: UnsafeMutablePointer<Double>) {
        let n = data.sampleCount, k = surface / n, i = surface % n
        let trainsWeights = trained.contains(.weights), trainsBiases = trained.contains(.biases)
        let trainsOutputs = trained.contains(.outputs)
        jump.update(repeating: 0, count: dimension)
        data.inputs.withUnsafeBufferPointer { inputs in
            let x = inputs.baseAddress!, row = x + i * d
            var output = 0.0
            for neuron in 0..<width where gates[neuron * n + i] != 0 {
                output += state[outputOffset + neuron] * gates[neuron * n + i] * preActivation(neuron, i, x, state)
            }
            let pull = -gradientFactor / alpha * (output / alpha - data.targets[i])
            let change = -gradientFactor / (alpha * alpha) * state[outputOffset + k] * preActivation(k, i, x, state)
            func add(_ neuron: Int, weight: Double) {
                if trainsOutputs { jump[outputOffset + neuron] += weight * preActivation(neuron, i, x, state) }
                let weightPull = weight * state[outputOffset + neuron]
                if trainsWeights { for l in 0..<d { jump[neuron * d + l] += weightPull * row[l] } }
                if trainsBiases { jump[biasOffset + neuron] += weightPull }
            }
            for neuron in 0..<width where neuron != k && gates[neuron * n + i] != 0 {
                add(neuron, weight: change * gates[neuron * n + i])
            }
            add(k, weight: pull + change)
        }
    }

    /// ġ_{k,i} = x_i·v_{w_k} + v_{b_k}.
    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        let n = data.sampleCount
        return data.inputs.withUnsafeBufferPointer { preActivation(surface / n, surface % n, $0.baseAddress!, velocity) }
    }
}

extension TwoLayerNetwork {
    /// `model: {kind: two_layer, width: 8, bias: true, scaling: 1 | sqrt_m | m, train: [W, b, a]}`;
    /// as a teacher `{kind: two_layer, width: 2, bias: true, scale: 1}` (the default teacher).
    public struct Kind: TeacherKind {
        public typealias Network = TwoLayerNetwork
        public static let name = "two_layer"
        public static let keys = ["bias", "width", "scaling", "train"]
        public static let teacherKeys = ["width", "bias"]
        public let width: Int
        public let hasBias: Bool
        public let scaling: OutputScaling
        /// nil: every group the network has.
        public let trained: Set<Group>?

        public init<Keys: ModelKeys>(_ keys: Keys) throws(Keys.Failure) {
            hasBias = try keys.optionalBool("bias") ?? false
            width = try keys.width()
            scaling = try keys.optionalChoice("scaling", of: OutputScaling.self) ?? .none
            trained = try keys.trainedGroups(Group.self)
        }

        public func network(on data: Dataset, normalization: LossNormalization) throws(ModelError) -> TwoLayerNetwork {
            try TwoLayerNetwork(data: data, width: width, hasBias: hasBias, scaling: scaling, trained: trained,
                                normalization: normalization)
        }
    }
}
