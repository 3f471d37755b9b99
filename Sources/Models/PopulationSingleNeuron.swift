import Foundation
import FlowEngine

/// The population loss of a (deep) single ReLU neuron against a teacher of the same
/// architecture, x ~ N(0, I_d), in closed form, as a gated system (magnitude/angle notes
/// §1.1–1.4).
///
/// Student f(x) = v_1 σ(v_2 σ(⋯ v_m σ(w·x))) with m ≥ 0 scalar weights (m = 0 is
/// f = σ(w·x)), teacher f* the same with w*, v*_1..v*_m, fixed. State θ = (w, v_1..v_m).
/// Since σ(w·x) ≥ 0, f = P σ(w·x) with the gain P = v_1 ∏_{k≥2} σ(v_k) (P = 1 for m = 0;
/// proof of Prop 3.5, §1.1), and likewise P* for the teacher. The loss is eq. 1,
/// L = ½ E[(f − f*)²], the n → ∞ limit of `LossNormalization.halfMean`.
///
/// With a = ‖w‖, b = ‖w*‖, θ the angle between w and w*, φ = π − θ and
/// S(φ) = sin φ − φ cos φ (§0), the arc-cosine kernel (Lemma 2.1, §1.3) is
/// ```
/// K(w) = E[σ(w·x) σ(w*·x)] = a b [½(1 − θ/π) cos θ + sin θ/(2π)] = a b S(φ)/(2π),
/// ```
/// with E[σ(w·x)²] = a²/2 its θ = 0 case, so (§1.4, "General multi-layer gradients")
/// ```
/// L     = ¼ P² a² + ¼ P*² b² − P P* K
/// ∇_w L = ½ P² w − P P* [ (φ/(2π)) w* + (sin φ/(2π)) (b/a) w ]
/// ∂L/∂v_k = (∂P/∂v_k) (½ P a² − P* K)
/// ```
/// and F = −∇L. Numerically a b sin φ = ‖b² w − (w·w*) w*‖/b and a b S(φ) = a b sin φ +
/// φ (w·w*), with θ = atan2(a b sin θ, w·w*) (§6.1), so no arccos is taken.
///
/// Switching: the field is smooth in w except at w = 0 (§6.2). There the direction is
/// undefined and, with σ'(0) = 0, ∇L = E[(f − f*) P 1{w·x > 0} x] = 0: w = 0 is a rest point,
/// and F is set to zero there. ‖w‖ cannot change sign, so it is not a switching function.
/// The outer ReLUs switch where v_k = 0 (k = 2..m), as in `DeepSingleNeuron`: P is only
/// piecewise smooth in v_k, so each is a watched function with gate t_k in place of
/// σ'(v_k), P = v_1 ∏_{k≥2} t_k v_k and ∂P/∂v_k = t_k ∏_{j≠k} (t_j v_j). On v_k = 0, P = 0 and
/// F is affine in t_k with its jump along e_{v_k}. Surfaces: j = m − k for v_k, labelled
/// (neuron m + 1 − k, `SurfaceLabel.everySample`); none for m ≤ 1.
public struct PopulationSingleNeuron: GatedNetwork, Sendable {
    /// w*, the teacher's first-layer weights.
    public let teacherWeights: [Double]
    /// v*_1..v*_m, the teacher's scalar weights (empty for the one-layer neuron).
    public let teacherScalarWeights: [Double]
    /// P* = v*_1 ∏_{k≥2} σ(v*_k) (1 for m = 0).
    public let teacherGain: Double
    private let teacherNorm: Double

    /// - Throws: `ModelError.invalidParameters` for an empty, zero or non-finite w*, or a
    ///   non-finite v*_k: the angle φ to w* must be defined.
    public init(teacherWeights: [Double], teacherScalarWeights: [Double] = []) throws(ModelError) {
        guard !teacherWeights.isEmpty else { throw .invalidParameters("the teacher's w* is empty") }
        guard (teacherWeights + teacherScalarWeights).allSatisfy(\.isFinite) else {
            throw .invalidParameters("the teacher's weights must be finite")
        }
        let norm = teacherWeights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { throw .invalidParameters("the teacher's w* must be non-zero") }
        self.teacherWeights = teacherWeights
        self.teacherScalarWeights = teacherScalarWeights
        teacherNorm = norm
        var gain = 1.0
        for (index, v) in teacherScalarWeights.enumerated() { gain *= index == 0 ? v : max(v, 0) }
        teacherGain = gain
    }

    public var inputDimension: Int { teacherWeights.count }
    /// m, the number of scalar weights v_1..v_m: depth m + 1.
    public var scalarWeightCount: Int { teacherScalarWeights.count }

    public var dimension: Int { inputDimension + scalarWeightCount }
    public var surfaceCount: Int { max(scalarWeightCount - 1, 0) }

    public var parameterLayout: ParameterLayout {
        ParameterLayout(groups: [.init(name: "w", shape: [inputDimension], fanIn: inputDimension)]
            + (scalarWeightCount > 0 ? [.init(name: "v", shape: [scalarWeightCount])] : []))
    }

    public func surfaceLabel(_ surface: Int) -> SurfaceLabel {
        SurfaceLabel(neuron: surface + 1, sample: SurfaceLabel.everySample)
    }

    /// The surface of the outer ReLU that v_k (2 ≤ k ≤ m) feeds: m − k.
    public func outerSurface(ofScalarWeight k: Int) -> Int { chain.surface(ofScalarWeight: k) }

    private var chain: GatedScalarChain {
        GatedScalarChain(offset: inputDimension, count: scalarWeightCount, surfaceBase: 0)
    }

    /// a² = ‖w‖², w·w* and the kernel K(w) = E[σ(w·x) σ(w*·x)] with φ (§1.3).
    private struct Overlap {
        let squaredNorm: Double
        let alignment: Double
        /// φ = π − θ, the supplementary angle between w and w*.
        let phi: Double
        /// a b sin φ.
        let crossNorm: Double
        var kernel: Double { (crossNorm + phi * alignment) / (2 * Double.pi) }
    }

    private func overlap(_ w: UnsafePointer<Double>) -> Overlap {
        let d = inputDimension
        var squaredNorm = 0.0, alignment = 0.0
        teacherWeights.withUnsafeBufferPointer { teacher in
            for l in 0..<d {
                squaredNorm += w[l] * w[l]
                alignment += w[l] * teacher[l]
            }
        }
        // ‖b² w − (w·w*) w*‖ / b = a b sin θ.
        let b2 = teacherNorm * teacherNorm
        var rejection = 0.0
        teacherWeights.withUnsafeBufferPointer { teacher in
            for l in 0..<d {
                let component = b2 * w[l] - alignment * teacher[l]
                rejection += component * component
            }
        }
        let crossNorm = rejection.squareRoot() / teacherNorm
        return Overlap(squaredNorm: squaredNorm, alignment: alignment,
                       phi: Double.pi - atan2(crossNorm, alignment), crossNorm: crossNorm)
    }

    public func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?
    ) {
        let d = inputDimension, m = scalarWeightCount, chain = chain
        if let switching { chain.writeSwitching(state, into: switching) }
        let o = overlap(state)
        guard o.squaredNorm > 0 else {
            // w = 0: a rest point under σ'(0) = 0 (§6.2).
            field.update(repeating: 0, count: dimension)
            return
        }
        let gain = chain.gain(state, gates)
        let teacherPull = gain * teacherGain / (2 * Double.pi)
        let ownCoefficient = -0.5 * gain * gain + teacherPull * o.crossNorm / o.squaredNorm
        teacherWeights.withUnsafeBufferPointer { teacher in
            for l in 0..<d { field[l] = ownCoefficient * state[l] + teacherPull * o.phi * teacher[l] }
        }
        let lossSlopeInGain = 0.5 * gain * o.squaredNorm - teacherGain * o.kernel  // ∂L/∂P
        for k in stride(from: 1, through: m, by: 1) { field[d + k - 1] = -chain.gainDerivative(k, state, gates) * lossSlopeInGain }
    }

    public func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>
    ) {
        chain.writeRates(velocity, into: rates)
    }

    /// L(θ) = ¼ P² ‖w‖² + ¼ P*² ‖w*‖² − P P* K(w) with P = v_1 ∏_{k≥2} σ(v_k) (§1.4).
    public func loss(at parameters: UnsafePointer<Double>) -> Double {
        let gain = chain.plainGain(parameters)
        let o = overlap(parameters)
        return 0.25 * gain * gain * o.squaredNorm + 0.25 * teacherGain * teacherGain * teacherNorm * teacherNorm
            - gain * teacherGain * o.kernel
    }
}

extension PopulationSingleNeuron {
    /// `model: {kind: population_single_neuron, teacher: {w: [...], v: [...]}}`, or a drawn
    /// teacher `{dimension: d, scale: k, depth: m, seed: s}` with w* ~ N(0, k² I) and the
    /// scalars balanced, v*_k = ‖w*‖ (magnitude/angle notes §3.1). The student has the
    /// teacher's depth; the loss is the Gaussian-input population loss, so there is no data.
    public struct Kind: ModelKind {
        public static let name = "population_single_neuron"
        public static let keys = ["teacher"]
        public static let dataNeed = DataNeed.none(
            reason: "a population model has no data (its loss is the expectation over x ~ N(0, I))")
        public let teacherWeights: [Double]
        public let teacherScalarWeights: [Double]

        public init<Keys: ModelKeys>(_ keys: Keys) throws(Keys.Failure) {
            let teacher = try keys.block("teacher")
            if teacher.contains("w") {
                try teacher.requireOnly(["w", "v"])
                teacherWeights = try teacher.numbers("w")
                teacherScalarWeights = teacher.contains("v") ? try teacher.numbers("v") : []
                return
            }
            try teacher.requireOnly(["dimension", "scale", "depth", "seed"])
            guard let d = try teacher.optionalInt("dimension"), d > 0 else {
                throw teacher.failure("dimension", "missing or not a positive integer")
            }
            let scale = try teacher.optionalDouble("scale") ?? 1
            guard scale > 0 else { throw teacher.failure("scale", "must be positive, got \(scale)") }
            let depth = try teacher.optionalInt("depth") ?? 0
            guard depth >= 0 else { throw teacher.failure("depth", "must be ≥ 0, got \(depth)") }
            var generator = SeededGenerator(seed: UInt64(max(try teacher.optionalInt("seed") ?? 0, 0)))
            (teacherWeights, teacherScalarWeights) = DeepSingleNeuron.balancedTeacher(
                dimension: d, depth: depth, scale: scale, using: &generator)
        }

        /// `data` is nil: the loss needs none.
        public func network(data: Dataset?, normalization: LossNormalization) throws(ModelError) -> PopulationSingleNeuron {
            try PopulationSingleNeuron(teacherWeights: teacherWeights, teacherScalarWeights: teacherScalarWeights)
        }
    }
}
