import CModelKernels
import FlowEngine

/// A univariate two-layer ReLU network under the square loss, as a gated system: the knot
/// models of Ainsworth & Shin and of Williams et al.
///
/// Two forms, both with m = `width` neurons on 1-D inputs x_i, i = 0..<n:
/// ```
/// knots: f(x) = Σ_k c_k σ(x − b_k)              θ = (b, c),     g_{k,i} = x_i − b_k
/// full:  f(x) = (1/α) Σ_k c_k σ(a_k x − b_k)    θ = (a, b, c),  g_{k,i} = a_k x_i − b_k
/// ```
/// (plateau notes §1.1, eq. 2.2, inner weights fixed at 1; univariate notes §1.1, eq. 1,
/// α = 1, √m or m). Both papers subtract the bias, so the knot sits at b_k (knots form) or
/// b_k/a_k (full form). Surface index j = k·n + i (neuron-major). With gates s_{k,i} in
/// place of σ'(g_{k,i}), residuals r_i = (1/α) Σ_k c_k s_{k,i} g_{k,i} − y_i and γ the
/// loss's gradient factor (`LossNormalization.gradientFactor`, c there), the field of the
/// trained groups is
/// ```
/// F_{c_k} = −(γ/α) Σ_i r_i s_{k,i} g_{k,i}
/// F_{b_k} = +(γ/α) c_k Σ_i r_i s_{k,i},      F_{a_k} = −(γ/α) c_k Σ_i r_i s_{k,i} x_i
/// ```
/// (plateau notes §1.3, eq. 3.1, with α = 1; univariate notes §1.1, explicit ODE), zero for
/// frozen groups. On g_{k,i} = 0 the residual does not depend on s_{k,i}, so F is affine in
/// the gates there; only the (a_k, b_k) block jumps (b_k alone in the knots form), by
/// (γ/α) c_k r_i (−x_i, 1), along the surface's normal ∇g_{k,i} = (x_i, −1) (univariate
/// notes §3, E2; plateau notes §2.4). In the full form with every group trained,
/// δ_k = c_k² − a_k² − b_k² is conserved, also while sliding (univariate notes §1.6,
/// Lemma 3).
public struct UnivariateNetwork: TwoLayerFamily, Sendable {
    /// Which of the two parameterisations.
    public enum Form: String, CaseIterable, Sendable {
        /// f(x) = Σ_k c_k σ(x − b_k), θ = (b, c): Ainsworth & Shin's eq. (2.2).
        case knots
        /// f(x) = (1/α) Σ_k c_k σ(a_k x − b_k), θ = (a, b, c): Williams et al.'s eq. (1).
        case full

        /// The parameter groups this form has, in storage order.
        public var groups: [Group] {
            switch self {
            case .knots: [.biases, .outputs]
            case .full: [.weights, .biases, .outputs]
            }
        }
    }

    /// Parameter groups that can be trained or frozen. Training only c is the kernel
    /// (random-features) limit δ = −∞, a linear flow (univariate notes §2.2, §2.3(b)).
    public enum Group: String, CaseIterable, Sendable {
        /// a, the inner weights (full form only).
        case weights = "a"
        /// b, the biases.
        case biases = "b"
        /// c, the output weights.
        case outputs = "c"
    }

    public let data: Dataset
    public let width: Int
    public let form: Form
    public let scaling: OutputScaling
    public let trained: Set<Group>
    public let normalization: LossNormalization
    let alpha: Double
    let factors: LossFactors
    let trainsWeights: Bool, trainsBiases: Bool, trainsOutputs: Bool
    /// The O(n + m) field for patterns of at least `sweepSurfaces` surfaces (`KnotSweep`).
    let sweep: KnotSweep?
    /// The Jacobian's sums over sorted ranges, at the same sizes (`GateOverlaps`).
    let overlaps: GateOverlaps?

    /// From this many surfaces n·m on, the engine's evaluations sum over sorted ranges
    /// (`KnotSweep`, O(n + m)) instead of densely (O(n·m)). Below it the dense kernel costs
    /// a few microseconds at most, and the small scenarios keep the dense kernel's sums.
    public static let sweepSurfaces = 4096

    /// - Parameters:
    ///   - data: 1-D inputs (`inputDimension` 1).
    ///   - trained: the groups that move; nil trains all of `form.groups`.
    /// - Throws: `ModelError.invalidData` for inputs that are not 1-D,
    ///   `ModelError.invalidParameters` for a width below 1, a scaling on the knots form or a
    ///   trained group the form lacks.
    public init(data: Dataset, width: Int, form: Form, scaling: OutputScaling = .none, trained: Set<Group>? = nil,
                normalization: LossNormalization) throws(ModelError) {
        guard data.inputDimension == 1 else {
            throw .invalidData("a univariate network needs 1-D inputs, got dimension \(data.inputDimension)")
        }
        guard width > 0 else { throw .invalidParameters("the width must be positive, got \(width)") }
        if form == .knots, scaling != .none {
            throw .invalidParameters("the knots form has no output scaling, got \(scaling.rawValue)")
        }
        let trained = trained ?? Set(form.groups)
        if let missing = trained.first(where: { !form.groups.contains($0) }) {
            throw .invalidParameters("the \(form.rawValue) form has no group \(missing.rawValue) to train")
        }
        self.data = data
        self.width = width
        self.form = form
        self.scaling = scaling
        self.trained = trained
        trainsWeights = trained.contains(.weights)
        trainsBiases = trained.contains(.biases)
        trainsOutputs = trained.contains(.outputs)
        self.normalization = normalization
        alpha = scaling.alpha(width: width)
        factors = LossFactors(normalization, sampleCount: data.sampleCount)
        if width * data.sampleCount >= Self.sweepSurfaces {
            let samples = SortedSamples(inputs: data.inputs)
            sweep = KnotSweep(samples: samples, targets: data.targets, neuronCount: width,
                              dimension: Self.dimension(form: form, width: width))
            overlaps = GateOverlaps(samples: samples, neuronCount: width)
        } else {
            sweep = nil
            overlaps = nil
        }
    }

    var biasOffset: Int { form == .full ? width : 0 }
    var outputOffset: Int { biasOffset + width }

    public var dimension: Int { Self.dimension(form: form, width: width) }

    /// (a,) b and c, `width` numbers each.
    static func dimension(form: Form, width: Int) -> Int { (form == .full ? 3 : 2) * width }
    public var surfaceCount: Int { width * data.sampleCount }

    /// a, b, c (or b, c) of `width` entries each; c multiplies the `width` hidden units, the
    /// others one input (fan-ins for He and PyTorch initialisations, plateau notes §1.4).
    public var parameterLayout: ParameterLayout {
        ParameterLayout(groups: form.groups.map { group in
            .init(name: group.rawValue, shape: [width], fanIn: group == .outputs ? width : 1)
        })
    }

    public func surfaceLabel(_ surface: Int) -> SurfaceLabel {
        SurfaceLabel(neuron: surface / data.sampleCount, sample: surface % data.sampleCount)
    }

    /// Where each neuron's kink sits on the x axis: b_k in the knots form, e_k = b_k/a_k in
    /// the full form (univariate notes §1.2, "Knots"), where a_k = 0 puts the knot at
    /// infinity and gives `.nan`. A full-form neuron is active for x > e_k if a_k > 0 and
    /// for x < e_k if a_k < 0.
    public func knotPositions(at parameters: [Double]) -> [Double] {
        (0..<width).map { k in
            let b = parameters[biasOffset + k]
            guard form == .full else { return b }
            return parameters[k] == 0 ? .nan : b / parameters[k]
        }
    }

    /// The balance δ_k = c_k² − a_k² − b_k² of every neuron of the full form, constant along
    /// the flow when all groups train (univariate notes §1.6, Lemma 3).
    public func balance(at parameters: [Double]) -> [Double] {
        precondition(form == .full, "the balance c² − a² − b² is defined for the full form only")
        return (0..<width).map { k in
            let a = parameters[k], b = parameters[biasOffset + k], c = parameters[outputOffset + k]
            return c * c - a * a - b * b
        }
    }

    /// The pre-activation g_{k,i} = a_k x_i − b_k (a_k ≡ 1 in the knots form).
    @inline(__always)
    private func preActivation(_ k: Int, _ x: Double, _ theta: UnsafePointer<Double>) -> Double {
        (form == .full ? theta[k] * x : x) - theta[biasOffset + k]
    }

    @inline(__always)
    func preActivation(_ k: Int, _ i: Int, _ x: UnsafePointer<Double>, _ theta: UnsafePointer<Double>) -> Double {
        preActivation(k, x[i], theta)
    }

    /// c_k.
    @inline(__always)
    func outerWeight(_ k: Int, _ theta: UnsafePointer<Double>) -> Double { theta[outputOffset + k] }

    /// (z, c_k x_i, −c_k) times the sample's weight in the (c_k, a_k, b_k) entries of the
    /// trained groups: ∂g_{k,i}/∂a_k = x_i, ∂g_{k,i}/∂b_k = −1.
    @inline(__always)
    func addTerms(of k: Int, block: Int, weights: SIMD8<Double>, z: SIMD8<Double>, _ columns: UnsafePointer<Double>,
                  _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>) {
        let weightPulls = weights * SIMD8(repeating: theta[outputOffset + k])
        if trainsOutputs { SampleBlock.add(weights * z, to: field + outputOffset + k) }
        if trainsWeights { addInputTerms(block: block, weights: weightPulls, columns, into: field + k) }
        if trainsBiases { SampleBlock.add(-weightPulls, to: field + biasOffset + k) }
    }

    /// F(θ, s), written over `field`, and the switching values into `switching`: the output
    /// sums h_i neuron by neuron, the sample pulls r_i = −c/α (h_i/α − y_i), then each
    /// neuron's field as sums over its samples, every sum in sample order as a
    /// sample-by-sample loop adds it (`reluflow_univariate_field` in `CModelKernels`, on the
    /// widest vector unit the CPU has, `FieldKernels`). Scratch on the stack: no heap allocation.
    public func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?
    ) {
        let n = data.sampleCount
        let paddedSamples = (n + SampleBlock.width - 1) / SampleBlock.width * SampleBlock.width
        field.update(repeating: 0, count: dimension)
        data.inputs.withUnsafeBufferPointer { inputs in
            data.targets.withUnsafeBufferPointer { targets in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: paddedSamples + 3 * width) { scratch in
                    let pulls = scratch.baseAddress!, outputSums = pulls + paddedSamples
                    let slopeSums = outputSums + width, knotSums = slopeSums + width
                    var problem = ReluflowUnivariateField(
                        m: width, n: n, slopes: form == .full ? state : nil, knots: state + biasOffset,
                        outer: state + outputOffset, inputs: inputs.baseAddress!, targets: targets.baseAddress!,
                        alpha: alpha, pullFactor: -factors.gradient / alpha, gates: gates, switching: switching,
                        pulls: pulls, outputSums: outputSums, slopeSums: slopeSums, knotSums: knotSums)
                    reluflow_univariate_field(&problem)
                    writeField(at: state, outputSums: outputSums, slopeSums: slopeSums, knotSums: knotSums, into: field)
                }
            }
        }
    }

    /// F from the sums Σ ω z, Σ ω x and Σ ω of every neuron (ω_ki = r_i s_ki).
    private func writeField(at state: UnsafePointer<Double>, outputSums: UnsafePointer<Double>,
                            slopeSums: UnsafePointer<Double>, knotSums: UnsafePointer<Double>,
                            into field: UnsafeMutablePointer<Double>) {
        for k in 0..<width {
            let c = state[outputOffset + k]
            if trainsOutputs { field[outputOffset + k] = outputSums[k] }
            // ∂g_{k,i}/∂a_k = x_i, ∂g_{k,i}/∂b_k = −1.
            if trainsWeights { field[k] = c * slopeSums[k] }
            if trainsBiases { field[biasOffset + k] = -c * knotSums[k] }
        }
    }

    public func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>
    ) {
        // g_{k,i} is affine in (a_k, b_k): ġ_{k,i} = x_i·v_{a_k} − v_{b_k} (no a_k in the knots form).
        let n = data.sampleCount
        data.inputs.withUnsafeBufferPointer { inputs in
            for k in 0..<width {
                let slopeRate = form == .full ? velocity[k] : 0
                for i in 0..<n { rates[k * n + i] = slopeRate * inputs[i] - velocity[biasOffset + k] }
            }
        }
    }

    /// f(x) = (1/α) Σ_k c_k σ(a_k x − b_k) with σ(0) = 0 (a_k ≡ 1, α = 1 in the knots form).
    func output(_ theta: UnsafePointer<Double>, input x: Double) -> Double {
        var sum = 0.0
        for k in 0..<width { sum += theta[outputOffset + k] * max(preActivation(k, x, theta), 0) }
        return sum / alpha
    }

    /// L(θ) = c_L Σ_i (f(x_i) − y_i)² (plateau notes §1.2, eq. 2.1; univariate notes §1.1),
    /// c_L from `normalization`: with a sweep in O(n + m) over the sorted samples
    /// (`KnotSweep.squaredResiduals`, to rounding), else `familyLoss`'s sums to the bit,
    /// eight samples at a time (`reluflow_univariate_squared_residuals`).
    public func loss(at parameters: UnsafePointer<Double>) -> Double {
        if let sweep, let sum = sweep.squaredResiduals(
            slopes: form == .full ? parameters : nil, knots: parameters + biasOffset, outer: parameters + outputOffset,
            alpha: alpha) {
            return factors.loss * sum
        }
        return data.inputs.withUnsafeBufferPointer { inputs in
            data.targets.withUnsafeBufferPointer { targets in
                var problem = ReluflowUnivariateField(
                    m: width, n: data.sampleCount, slopes: form == .full ? parameters : nil, knots: parameters + biasOffset,
                    outer: parameters + outputOffset, inputs: inputs.baseAddress!, targets: targets.baseAddress!,
                    alpha: alpha, pullFactor: 0, gates: nil, switching: nil, pulls: nil, outputSums: nil,
                    slopeSums: nil, knotSums: nil)
                return factors.loss * reluflow_univariate_squared_residuals(&problem)
            }
        }
    }
}

extension UnivariateNetwork: SurfaceNarrowingSystem {
    /// `KnotSweep.candidateSurfaces`: two samples per knot; no narrowing below
    /// `sweepSurfaces`, nor where a is trained: (a_k, b_k) can then pass through 0, where
    /// every surface of neuron k crosses at once (univariate/adaptive-knot-cluster-small
    /// does at t = 28.35).
    public func candidateSurfaces(for pattern: GatePattern, at state: UnsafePointer<Double>,
                                  into surfaces: inout [Int]) -> Bool {
        guard let sweep, !trainsWeights else { return false }
        return sweep.candidateSurfaces(for: pattern, slopes: form == .full ? state : nil, into: &surfaces)
    }

    /// z_ki = a_k x_i − b_k for surface k·n + i, as `evaluate` computes it.
    public func switchingValue(of surface: Int, at state: UnsafePointer<Double>) -> Double {
        let n = data.sampleCount
        return preActivation(surface / n, data.inputs[surface % n], state)
    }

    /// `evaluate(at:gates:field:switching:)` by `KnotSweep` when the network has one and
    /// the pattern is close enough to ranges; the switching values, when asked for, are
    /// z_ki = a_k x_i − b_k as the dense kernel computes them (the same bits).
    public func evaluate(at state: UnsafePointer<Double>, pattern: GatePattern, field: UnsafeMutablePointer<Double>,
                         switching: UnsafeMutablePointer<Double>?) {
        guard let sweep else {
            evaluate(at: state, gates: pattern.gates, field: field, switching: switching)
            return
        }
        let swept: Void? = sweep.withSums(
            pattern: pattern, slopes: form == .full ? state : nil, knots: state + biasOffset, outer: state + outputOffset,
            alpha: alpha, pullFactor: -factors.gradient / alpha
        ) { outputSums, slopeSums, knotSums in
            field.update(repeating: 0, count: dimension)
            writeField(at: state, outputSums: outputSums, slopeSums: slopeSums, knotSums: knotSums, into: field)
        }
        guard swept != nil else {
            evaluate(at: state, gates: pattern.gates, field: field, switching: switching)
            return
        }
        guard let switching else { return }
        // (−b_k) + x_i a_k is a_k x_i − b_k to the bit.
        for k in 0..<width {
            var slope = form == .full ? state[k] : 1
            data.writePreActivations(weights: &slope, bias: -state[biasOffset + k], into: switching + k * data.sampleCount)
        }
    }
}

extension UnivariateNetwork: JumpProvidingSystem {
    /// `TwoLayerFamily.familyJump` with u_k = c_k and z_ki = a_k x_i − b_k, sample i's gates
    /// read from the sweep's sample-major copy when it has the pattern (one row, where the
    /// pattern has them n apart), in the sweep's scratch.
    public func jump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                     into jump: UnsafeMutablePointer<Double>) {
        let wasRead: Void? = sweep?.withGates(ofSample: surface % data.sampleCount, in: gates) { row, scratch in
            familyJump(of: surface, at: state, gateOnSample: { row[$0] }, scratch: scratch, into: jump)
        }
        if wasRead == nil { familyJump(of: surface, at: state, gates: gates, into: jump) }
    }

    /// `TwoLayerFamily.addTerms` for the one sample i, written term by term: (z, c_k x_i,
    /// −c_k) times `weight` added to neuron k's entries of the trained groups, each one
    /// product added to the entry as the one-lane block of the default adds it (the same
    /// bits, without the block).
    func addTerms(of k: Int, sample i: Int, weight: Double, z: Double, _ inputs: UnsafePointer<Double>,
                  _ columns: UnsafePointer<Double>, _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>) {
        let weightPull = weight * theta[outputOffset + k]
        if trainsOutputs { field[outputOffset + k] += weight * z }
        if trainsWeights { field[k] += weightPull * inputs[i] }
        if trainsBiases { field[biasOffset + k] += -weightPull }
    }

    /// ġ_{k,i} = x_i·v_{a_k} − v_{b_k} (no a_k in the knots form).
    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        let n = data.sampleCount, k = surface / n, i = surface % n
        return (form == .full ? velocity[k] * data.inputs[i] : 0) - velocity[biasOffset + k]
    }

    /// Neuron k for surface k·n + i (`TwoLayerFamily.familyJumpBlock`).
    public func jumpBlock(of surface: Int) -> Int { familyJumpBlock(of: surface) }
}

extension UnivariateNetwork {
    /// `model: {kind: univariate, width: 10, form: knots | full, scaling: 1 | sqrt_m | m, train: [a, b, c]}`
    /// on 1-D inputs (checked when built); as a teacher `{kind: univariate, width: 3, form: full, scale: 1}`.
    public struct Kind: TeacherKind {
        public typealias Network = UnivariateNetwork
        public static let name = "univariate"
        public static let keys = ["width", "form", "scaling", "train"]
        public static let teacherKeys = ["width", "form"]
        public let width: Int
        public var neuronCount: Int { width }
        public let form: Form
        public let scaling: OutputScaling
        /// nil: every group of the form.
        public let trained: Set<Group>?

        public init<Keys: ModelKeys>(_ keys: Keys) throws(Keys.Failure) {
            form = try keys.optionalChoice("form", of: Form.self) ?? .knots
            width = try keys.width()
            scaling = try keys.optionalChoice("scaling", of: OutputScaling.self) ?? .none
            trained = try keys.trainedGroups(Group.self)
        }

        public func network(on data: Dataset, normalization: LossNormalization) throws(ModelError) -> UnivariateNetwork {
            try UnivariateNetwork(data: data, width: width, form: form, scaling: scaling, trained: trained,
                                  normalization: normalization)
        }
    }
}
