import Foundation
import FlowEngine

/// A balanced two-layer ReLU network without biases, f(x) = Σ_j a_j σ(w_j·x), stored as
/// per-neuron log-norm and direction so that initial scales far below 1e-150 (whose
/// squares underflow double precision) can be integrated: the saddle-to-saddle regime
/// of the orthogonal-data paper needs log(1/λ) in the hundreds.
///
/// Balancedness a_j² = ‖w_j‖² holds for all time under the flow once it holds at the start
/// (orthogonal-data notes §1.7), so a_j = s_j‖w_j‖ with a fixed sign s_j. The state is
/// θ = (ℓ_1..ℓ_m, v_1..v_m, s_1..s_m) with ℓ_j = log‖w_j‖, v_j a vector along w_j (row-major
/// m×d; w_j = e^{ℓ_j} v̂_j, v̂_j = v_j/N_j, N_j = ‖v_j‖, 1 at the start) and the signs, which
/// never move (their field is 0). In these coordinates (notes §1.9):
/// ```
/// h_i = Σ_j s_j e^{2ℓ_j} σ(v̂_j·x_i),   D_j = −c Σ_i σ'(v_j·x_i) (h_i − y_i) x_i
/// dℓ_j/dt = s_j ⟨D_j, v̂_j⟩,            dv_j/dt = s_j N_j (D_j − ⟨D_j, v̂_j⟩ v̂_j)
/// ```
/// which is the gradient flow ẇ_j = a_j D_j, ȧ_j = ⟨w_j, D_j⟩ rewritten, for any N_j: v̇_j ⊥ v_j,
/// so N_j is constant, and v̂_j moves as dv̂_j/dt = s_j(D_j − ⟨D_j, v̂_j⟩v̂_j). Writing v_j for
/// v̂_j in the field instead (valid only on the sphere) would make the sphere repel every
/// shrinking neuron: d(N_j² − 1)/dt = −2ℓ̇_j (N_j² − 1), so a rounding error in N_j grows like
/// e^{2|Δℓ_j|} and a neuron shrinking from e^-400 to e^-420 blows v_j up (8 Gaussian samples
/// in 3-D, width 6: v_j ~ 1e13 and a step-size underflow at t = 316). Every quantity
/// stays O(1) except e^{2ℓ_j}, which is computed only as a product with an O(1) factor and
/// underflows harmlessly to 0 while it is negligible. The switching functions are
/// g_{j,i} = v_j·x_i, which has the sign of w_j·x_i, so the timeline is the same as the
/// plain network's.
public struct LogScaleBalancedNetwork: AffineNeuronFamily, Sendable {
    public let data: Dataset
    public let width: Int
    public let normalization: LossNormalization
    let factors: LossFactors
    /// No output scaling.
    var alpha: Double { 1 }

    public init(data: Dataset, width: Int, normalization: LossNormalization) throws(ModelError) {
        guard width > 0 else { throw .invalidParameters("the width must be positive, got \(width)") }
        self.data = data
        self.width = width
        self.normalization = normalization
        factors = LossFactors(normalization, sampleCount: data.sampleCount)
    }

    private var d: Int { data.inputDimension }
    private var directionOffset: Int { width }
    private var signOffset: Int { width + width * d }

    public var dimension: Int { signOffset + width }
    public var surfaceCount: Int { width * data.sampleCount }

    /// Non-finite entries, signs other than ±1, and zero directions v_j are refused.
    public func parameterProblem(_ theta: [Double]) -> String? {
        if let problem = nonFiniteParameter(theta) ?? signProblem(theta, offset: signOffset, count: width) { return problem }
        guard let j = (0..<width).first(where: { j in (0..<d).allSatisfy { theta[directionOffset + j * d + $0] == 0 } }) else {
            return nil
        }
        return "the direction of neuron \(j) is zero (it has no direction to normalise)"
    }

    public var parameterLayout: ParameterLayout {
        ParameterLayout(groups: [
            .init(name: "log_norm", shape: [width]),
            .init(name: "direction", shape: [width, d], fanIn: d),
            .init(name: "sign", shape: [width]),
        ])
    }

    public func surfaceLabel(_ surface: Int) -> SurfaceLabel {
        SurfaceLabel(neuron: surface / data.sampleCount, sample: surface % data.sampleCount)
    }

    /// θ for a balanced network of scale λ = e^{logScale}: ℓ_j = logScale, v_j and s_j as given.
    public func parameters(logScale: Double, directions: [[Double]], signs: [Double]) -> [Double] {
        Array(repeating: logScale, count: width) + directions.flatMap { v in
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        } + signs
    }

    /// The plain parameters (W row-major, then a) of the same network, where representable:
    /// w_j = e^{ℓ_j} v_j/N_j, a_j = s_j e^{ℓ_j}.
    public func plainParameters(_ theta: [Double]) -> [Double] {
        var weights: [Double] = [], outputs: [Double] = []
        theta.withUnsafeBufferPointer { state in
            for j in 0..<width {
                let norm = exp(theta[j]), length = directionLength(j, state.baseAddress!)
                weights += (0..<d).map { norm * (theta[directionOffset + j * d + $0] / length) }
                outputs.append(theta[signOffset + j] * norm)
            }
        }
        return weights + outputs
    }

    /// N_j = ‖v_j‖.
    @inline(__always)
    private func directionLength(_ j: Int, _ theta: UnsafePointer<Double>) -> Double {
        let v = theta + directionOffset + j * d
        var sum = 0.0
        for l in 0..<d { sum += v[l] * v[l] }
        return sum.squareRoot()
    }

    /// v_j: the alignment v_j·x_i is the switching value (the sign of w_j·x_i).
    @inline(__always)
    func inputWeights(_ j: Int, _ theta: UnsafePointer<Double>) -> UnsafePointer<Double> {
        theta + directionOffset + j * d
    }

    /// No biases.
    @inline(__always)
    func bias(_ j: Int, _ theta: UnsafePointer<Double>) -> Double { 0 }

    /// s_j e^{2ℓ_j}/N_j = a_j ‖w_j‖/N_j, which multiplies v_j·x_i in h_i.
    @inline(__always)
    func outerWeight(_ j: Int, _ theta: UnsafePointer<Double>) -> Double {
        theta[signOffset + j] * exp(2 * theta[j]) / directionLength(j, theta)
    }

    /// Σω x into the direction block, where D_j accumulates; `evaluate` turns D_j into the
    /// fields of ℓ_j and v_j.
    @inline(__always)
    func addNeuronTerms(of j: Int, weightSum: Double, weightedInputs: UnsafePointer<Double>,
                        weightedPreActivation: Double?, _ theta: UnsafePointer<Double>,
                        into field: UnsafeMutablePointer<Double>) {
        for l in 0..<d { field[directionOffset + j * d + l] += weightedInputs[l] }
    }

    public func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?
    ) {
        familyField(at: state, gates: gates, field: field, switching: switching)
        splitDirectionSums(at: state, field)
    }

    /// D_j, accumulated in the direction block of `field`, becomes the fields of ℓ_j and v_j:
    /// s_j⟨D_j, v̂_j⟩ and s_j N_j(D_j − ⟨D_j, v̂_j⟩v̂_j) = s_j(N_j D_j − ⟨D_j, v_j⟩v_j/N_j). The map
    /// is linear in D_j, so it turns a jump of the D_j into the jump of the field too.
    @inline(__always)
    private func splitDirectionSums(at state: UnsafePointer<Double>, _ field: UnsafeMutablePointer<Double>) {
        for j in 0..<width {
            let s = state[signOffset + j], length = directionLength(j, state)
            let v = state + directionOffset + j * d, direction = field + directionOffset + j * d
            var radial = 0.0
            for l in 0..<d { radial += direction[l] * v[l] }
            field[j] = s * radial / length
            for l in 0..<d { direction[l] = s * (length * direction[l] - radial * v[l] / length) }
        }
    }

    /// g_{j,i} = v_j·x_i is linear in v_j: ġ_{j,i} = x_i·v̇_j.
    public func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>
    ) {
        linearSwitchingRates(velocity: velocity, into: rates)
    }

    /// L = c_L Σ_i (Σ_j s_j e^{2ℓ_j} σ(v̂_j·x_i) − y_i)².
    public func loss(at parameters: UnsafePointer<Double>) -> Double { affineLoss(at: parameters) }
}

extension LogScaleBalancedNetwork: JumpProvidingSystem {
    /// `TwoLayerFamily.familyJump` gives the jump of the D_j (u_k = s_k e^{2ℓ_k}, z_ki = v_k·x_i);
    /// the same linear split as `evaluate` turns it into the jump of (ℓ, v). The signs' entries stay 0.
    public func jump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                     into jump: UnsafeMutablePointer<Double>) {
        familyJump(of: surface, at: state, gates: gates, into: jump)
        splitDirectionSums(at: state, jump)
    }

    /// ġ_{j,i} = x_i·v̇_j.
    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        familySwitchingRate(of: surface, velocity: velocity)
    }

    /// Neuron k for surface k·n + i (`TwoLayerFamily.familyJumpBlock`).
    public func jumpBlock(of surface: Int) -> Int { familyJumpBlock(of: surface) }
}

extension LogScaleBalancedNetwork: WidthOnlyNetwork {
    /// `model: {kind: two_layer_log_scale, width: 8}`.
    public typealias Kind = WidthKind<LogScaleBalancedNetwork>
    public static let kindName = "two_layer_log_scale"
}
