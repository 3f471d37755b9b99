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
public struct TwoLayerNetwork: AffineNeuronFamily, Sendable {
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
    let alpha: Double
    let factors: LossFactors
    /// The mode's gates as bytes, for the field kernels (`PatternCachingSystem`).
    let gateBytes: GateBytes
    let trainsWeights: Bool, trainsBiases: Bool, trainsOutputs: Bool

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
        trainsWeights = trained.contains(.weights)
        trainsBiases = trained.contains(.biases)
        trainsOutputs = trained.contains(.outputs)
        self.normalization = normalization
        alpha = scaling.alpha(width: width)
        factors = LossFactors(normalization, sampleCount: data.sampleCount)
        gateBytes = GateBytes(count: width * data.sampleCount)
    }

    var d: Int { data.inputDimension }
    var biasOffset: Int { width * d }
    var outputOffset: Int { width * d + (hasBias ? width : 0) }

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

    /// w_k, row k of W.
    @inline(__always)
    func inputWeights(_ k: Int, _ theta: UnsafePointer<Double>) -> UnsafePointer<Double> { theta + k * d }

    /// b_k, or 0 without biases.
    @inline(__always)
    func bias(_ k: Int, _ theta: UnsafePointer<Double>) -> Double { hasBias ? theta[biasOffset + k] : 0 }

    /// a_k.
    @inline(__always)
    func outerWeight(_ k: Int, _ theta: UnsafePointer<Double>) -> Double { theta[outputOffset + k] }

    /// Σω z (given, or w_k·Σω x + b_k Σω) into a_k, a_k Σω x into w_k and a_k Σω into b_k,
    /// for the trained groups.
    @inline(__always)
    func addNeuronTerms(of k: Int, weightSum: Double, weightedInputs: UnsafePointer<Double>,
                        weightedPreActivation: Double?, _ theta: UnsafePointer<Double>,
                        into field: UnsafeMutablePointer<Double>) {
        let a = theta[outputOffset + k]
        if trainsOutputs {
            if let weightedPreActivation {
                field[outputOffset + k] += weightedPreActivation
            } else {
                var sum = bias(k, theta) * weightSum
                for l in 0..<d { sum += theta[k * d + l] * weightedInputs[l] }
                field[outputOffset + k] += sum
            }
        }
        if trainsWeights { for l in 0..<d { field[k * d + l] += a * weightedInputs[l] } }
        if trainsBiases { field[biasOffset + k] += a * weightSum }
    }

    /// One sample's terms, written straight in: z ω into a_k, a_k ω x_i into w_k, a_k ω into b_k.
    @inline(__always)
    func addTerms(of k: Int, sample i: Int, weight: Double, z: Double, _ inputs: UnsafePointer<Double>,
                  _ columns: UnsafePointer<Double>, _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>) {
        let pull = weight * theta[outputOffset + k]
        if trainsOutputs { field[outputOffset + k] += weight * z }
        if trainsWeights {
            let row = inputs + i &* d, weights = field + k &* d
            for l in 0..<d { weights[l] += pull * row[l] }
        }
        if trainsBiases { field[biasOffset + k] += pull }
    }

    public func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?
    ) {
        familyField(at: state, gates: gates, field: field, switching: switching)
    }

    /// g_{k,i} is linear in (w_k, b_k): ġ_{k,i} = x_i·v_{w_k} + v_{b_k}.
    public func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>
    ) {
        linearSwitchingRates(velocity: velocity, into: rates)
    }

    /// L(θ) = c_L Σ_i ((1/α) Σ_k a_k σ(w_k·x_i + b_k) − y_i)² with σ(0) = 0.
    public func loss(at parameters: UnsafePointer<Double>) -> Double { affineLoss(at: parameters) }
}

extension TwoLayerNetwork: PatternCachingSystem {
    /// `evaluate(at:gates:field:switching:)` with the pattern's gates, which the field kernels
    /// read as bytes (`GateBytes`): the same bits.
    public func evaluate(at state: UnsafePointer<Double>, pattern: GatePattern, field: UnsafeMutablePointer<Double>,
                         switching: UnsafeMutablePointer<Double>?) {
        gateBytes.withBytes(of: pattern) { bytes in
            familyField(at: state, gates: pattern.gates, gateBytes: bytes, field: field, switching: switching)
        }
    }
}

extension TwoLayerNetwork: JumpProvidingSystem {
    /// `TwoLayerFamily.familyJump`, with u_k = a_k and z_ki = w_k·x_i + b_k.
    public func jump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                     into jump: UnsafeMutablePointer<Double>) {
        familyJump(of: surface, at: state, gates: gates, into: jump)
    }

    /// ġ_{k,i} = x_i·v_{w_k} + v_{b_k}.
    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        familySwitchingRate(of: surface, velocity: velocity)
    }

    /// Neuron k for surface k·n + i (`TwoLayerFamily.familyJumpBlock`).
    public func jumpBlock(of surface: Int) -> Int { familyJumpBlock(of: surface) }
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
        public var neuronCount: Int { width }
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
