import Foundation
import FlowEngine

/// A balanced two-layer ReLU network without biases, f(x) = Σ_j a_j σ(w_j·x), on
/// orthonormal inputs (⟨x_i, x_k⟩ = δ_ik), stored in the data's own coordinates and scaled
/// per neuron, so that initial scales down to λ ≈ e^-700 run without underflow and without
/// losing the frozen components: the saddle-to-saddle regime of the orthogonal-data paper
/// (log(1/λ) ≈ 500 in its Fig. 1).
///
/// With c_ji = ⟨w_j, x_i⟩ the flow is (orthogonal-data notes §1.9, eq. (28))
/// ```
/// dc_ji/dt = s_j ‖w_j‖ · 1{c_ji > 0} · D_ji,   D_ji = −c (h_i − y_i),   h_i = Σ_j s_j ‖w_j‖ σ(c_ji)
/// ‖w_j‖² = Σ_i c_ji² + ‖P⊥ w_j‖²
/// ```
/// with a_j = s_j‖w_j‖ by balancedness (notes §1.7) and the part of w_j outside span{x_i}
/// constant (D_j lies in the span). The state keeps u_ji = c_ji/λ_j, with λ_j the neuron's
/// initial scale, so du_ji/dt = s_j ‖u_j‖ · 1{u_ji > 0} · D_ji needs no λ at all:
/// - an inactive pair's field is exactly 0, so it stays frozen to the last bit (the plain
///   or log-norm/direction coordinates let it decay below the error control, notes §6
///   Test B: "freeze pairs explicitly rather than relying on the sign of a floating-point
///   component");
/// - λ_j enters only the outputs, as ‖w_j‖·c_ji = (e^{κ_j}‖u_j‖)(e^{κ_j}u_ji), κ_j = log λ_j,
///   two representable factors whose product underflows only while it is negligible;
/// - an escaped neuron has ‖u_j‖ ≈ 1/λ_j, which bounds log(1/λ_j) by ≈ 700 (checked at the
///   start: `maximumLogInverseScale`).
///
/// θ = (u (m×n row-major), κ_1..κ_m, s_1..s_m, q_1..q_m) with q_j = ‖P⊥ w_j‖²/λ_j²; κ, s and
/// q never move (their field is 0). The switching functions are g_ji = u_ji.
public struct OrthogonalDataNetwork: GatedNetwork, Sendable {
    public let data: Dataset
    public let width: Int
    public let normalization: LossNormalization
    private let factors: LossFactors

    /// The largest log(1/λ_j) accepted: a neuron that escapes to O(1) has ‖u_j‖ ≈ 1/λ_j,
    /// which must stay well inside the double range (e^709).
    public static let maximumLogInverseScale = 690.0

    /// A residual h_i − y_i at most this many units of rounding of its own terms,
    /// 8ε·(Σ_j |a_j σ(c_ji)| + |y_i|), is taken as 0. Once a sample is fitted its residual is
    /// rounding noise, and an escaped neuron multiplies that noise by ‖u_j‖ ≈ 1/λ_j: the
    /// components of other neurons on fitted samples (c_ji ~ 1e-37 at λ = e^-500) would
    /// random-walk through 0 and flip pairs on and off at noise level. In exact arithmetic
    /// those residuals decay to 0 exponentially, so the cut changes the flow only at the
    /// rounding level.
    public static let residualNoise = 8 * Double.ulpOfOne

    /// - Throws: `ModelError.invalidData` unless the inputs are orthonormal to 1e-12.
    public init(data: Dataset, width: Int, normalization: LossNormalization) throws(ModelError) {
        guard width > 0 else { throw .invalidParameters("the width must be positive, got \(width)") }
        let n = data.sampleCount
        for i in 0..<n {
            for k in i..<n {
                let product = zip(data.input(i), data.input(k)).reduce(0) { $0 + $1.0 * $1.1 }
                guard abs(product - (i == k ? 1 : 0)) <= 1e-12 else {
                    throw .invalidData("the inputs are not orthonormal: ⟨x\(i + 1), x\(k + 1)⟩ = \(product)")
                }
            }
        }
        self.data = data
        self.width = width
        self.normalization = normalization
        factors = LossFactors(normalization, sampleCount: n)
    }

    fileprivate var n: Int { data.sampleCount }
    private var logScaleOffset: Int { width * n }
    private var signOffset: Int { logScaleOffset + width }
    private var outsideOffset: Int { signOffset + width }

    public var dimension: Int { outsideOffset + width }
    public var surfaceCount: Int { width * n }

    /// Non-finite entries, signs other than ±1, a negative `outside_span` (a squared norm),
    /// log-scales out of range, and neurons whose direction is zero (every component and
    /// `outside_span` 0) are refused.
    public func parameterProblem(_ theta: [Double]) -> String? {
        if let problem = nonFiniteParameter(theta) ?? signProblem(theta, offset: signOffset, count: width) { return problem }
        let names = parameterLayout.columnNames
        if let index = (outsideOffset..<outsideOffset + width).first(where: { theta[$0] < 0 }) {
            return "\(names[index]) is \(theta[index]), but it is a squared norm (at least 0)"
        }
        if let index = (logScaleOffset..<logScaleOffset + width).first(where: { -theta[$0] > Self.maximumLogInverseScale }) {
            return "\(names[index]) is \(theta[index]), below -\(Self.maximumLogInverseScale) (λ must be a double)"
        }
        guard let j = (0..<width).first(where: { j in
            theta[outsideOffset + j] == 0 && (0..<n).allSatisfy { theta[j * n + $0] == 0 }
        }) else { return nil }
        return "neuron \(j) has a zero direction (every component and its outside_span are 0)"
    }

    public var parameterLayout: ParameterLayout {
        ParameterLayout(groups: [
            .init(name: "component", shape: [width, n], fanIn: n),
            .init(name: "log_scale", shape: [width]),
            .init(name: "sign", shape: [width]),
            .init(name: "outside_span", shape: [width]),
        ])
    }

    public func surfaceLabel(_ surface: Int) -> SurfaceLabel {
        SurfaceLabel(neuron: surface / n, sample: surface % n)
    }

    /// θ for neurons w_j = λ_j g_j (g_j in R^d, any norm) and a_j = s_j ‖w_j‖, λ_j = e^{logScales[j]}.
    public func parameters(logScales: [Double], directions: [[Double]], signs: [Double]) throws(ModelError) -> [Double] {
        guard logScales.count == width, directions.count == width, signs.count == width else {
            throw .invalidParameters("need \(width) log-scales, directions and signs")
        }
        if let bad = logScales.first(where: { !$0.isFinite || -$0 > Self.maximumLogInverseScale }) {
            throw .invalidParameters("log-scale \(bad) is out of range (log(1/λ) must be at most \(Self.maximumLogInverseScale))")
        }
        var components: [Double] = [], outside: [Double] = []
        for g in directions {
            guard g.count == data.inputDimension else {
                throw .invalidParameters("a direction has \(g.count) entries, the inputs \(data.inputDimension)")
            }
            let inSpan = (0..<n).map { i in zip(g, data.input(i)).reduce(0) { $0 + $1.0 * $1.1 } }
            let total = g.reduce(0) { $0 + $1 * $1 }
            components += inSpan
            outside.append(max(total - inSpan.reduce(0) { $0 + $1 * $1 }, 0))
        }
        return components + logScales + signs + outside
    }

    /// u_ji = ⟨w_j, x_i⟩/λ_j: its sign is the pair's activity.
    public func component(neuron j: Int, sample i: Int, at theta: [Double]) -> Double { theta[j * n + i] }

    /// κ_j = log λ_j.
    public func logScale(of j: Int, at theta: [Double]) -> Double { theta[logScaleOffset + j] }

    /// s_j, the sign of a_j.
    public func sign(of j: Int, at theta: [Double]) -> Double { theta[signOffset + j] }

    /// ‖θ‖² = Σ_j (a_j² + ‖w_j‖²) = 2 Σ_j ‖w_j‖², where representable.
    public func squaredParameterNorm(at theta: [Double]) -> Double {
        theta.withUnsafeBufferPointer { state in
            (0..<width).reduce(0) { $0 + 2 * exp(2 * logNorm(of: $1, at: state.baseAddress!)) }
        }
    }

    /// ‖u_j‖ by a scaled sum, since the u_ji of an escaped neuron reach 1/λ_j and their squares overflow.
    @inline(__always)
    fileprivate func scaledNorm(_ j: Int, _ state: UnsafePointer<Double>) -> Double {
        let u = state + j * n
        var largest = state[outsideOffset + j].squareRoot()
        for i in 0..<n { largest = max(largest, abs(u[i])) }
        guard largest > 0 else { return 0 }
        var sum = state[outsideOffset + j] / (largest * largest)
        for i in 0..<n { sum += (u[i] / largest) * (u[i] / largest) }
        return largest * sum.squareRoot()
    }

    /// h_i into `outputs` (n entries) with gates `gates` (nil: σ, the signs of u), ‖u_j‖
    /// into `norms`, and Σ_j |a_j σ(c_ji)| into `magnitudes` when given.
    @inline(__always)
    private func outputs(_ state: UnsafePointer<Double>, gates: UnsafePointer<Double>?,
                         into outputs: UnsafeMutablePointer<Double>, norms: UnsafeMutablePointer<Double>,
                         magnitudes: UnsafeMutablePointer<Double>? = nil) {
        outputs.update(repeating: 0, count: n)
        magnitudes?.update(repeating: 0, count: n)
        for j in 0..<width {
            norms[j] = scaledNorm(j, state)
            let lambda = exp(state[logScaleOffset + j])
            let outputWeight = state[signOffset + j] * lambda * norms[j]
            let u = state + j * n
            for i in 0..<n {
                let gate = gates?[j * n + i] ?? (u[i] > 0 ? 1 : 0)
                guard gate != 0 else { continue }
                let term = outputWeight * (lambda * u[i]) * gate
                outputs[i] += term
                magnitudes?[i] += abs(term)
            }
        }
    }

    public func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?
    ) {
        field.update(repeating: 0, count: dimension)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n + width) { scratch in
            let h = scratch.baseAddress!, magnitudes = h + n, norms = h + 2 * n
            outputs(state, gates: gates, into: h, norms: norms, magnitudes: magnitudes)
            for i in 0..<n {
                // D_ji before its gate; a residual within rounding of its own terms is 0.
                let residual = h[i] - data.targets[i]
                let noise = Self.residualNoise * (magnitudes[i] + abs(data.targets[i]))
                h[i] = abs(residual) <= noise ? 0 : -factors.gradient * residual
            }
            for j in 0..<width {
                let speed = state[signOffset + j] * norms[j]
                for i in 0..<n where gates[j * n + i] != 0 { field[j * n + i] = speed * gates[j * n + i] * h[i] }
            }
        }
        switching?.update(from: state, count: surfaceCount)
    }

    public func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>
    ) {
        rates.update(from: velocity, count: surfaceCount)
    }

    /// L = c_L Σ_i (h_i − y_i)².
    public func loss(at parameters: UnsafePointer<Double>) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: n + width) { scratch in
            let h = scratch.baseAddress!
            outputs(parameters, gates: nil, into: h, norms: h + n)
            var sum = 0.0
            for i in 0..<n { sum += (h[i] - data.targets[i]) * (h[i] - data.targets[i]) }
            return factors.loss * sum
        }
    }
}

extension OrthogonalDataNetwork: NeuronNorms {
    public var neuronCount: Int { width }

    /// log‖w_j‖ = κ_j + log‖u_j‖.
    public func logNorm(of neuron: Int, at state: UnsafePointer<Double>) -> Double {
        state[logScaleOffset + neuron] + log(scaledNorm(neuron, state))
    }

    /// ⟨u_j, u̇_j⟩/‖u_j‖², scaled by ‖u_j‖ first (q_j does not move).
    public func logNormRate(of neuron: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        let norm = scaledNorm(neuron, state)
        var sum = 0.0
        for i in 0..<n { sum += (state[neuron * n + i] / norm) * (velocity[neuron * n + i] / norm) }
        return sum
    }
}

extension OrthogonalDataNetwork: BalancedInitializable {
    /// g_j uniform on the unit sphere of R^d, s_j as `signs` says, every λ_j = e^{logScale}:
    /// the same draws, in the same order, as `TwoLayerNetwork` without biases.
    public func balancedParameters(logScale: Double, signs: OutputSigns, using generator: inout SeededGenerator)
        throws(ModelError) -> [Double] {
        var directions: [[Double]] = [], outputSigns: [Double] = []
        for _ in 0..<width {
            directions.append(generator.unitVector(dimension: data.inputDimension))
            outputSigns.append(signs.draw(using: &generator))
        }
        return try parameters(logScales: Array(repeating: logScale, count: width), directions: directions,
                              signs: outputSigns)
    }
}

extension OrthogonalDataNetwork: ErrorScaledSystem {
    /// Each u_ji is measured against ‖u_j‖: a component that is small beside its escaped
    /// neuron (a pair on data another neuron fits, where the residual is at rounding level
    /// and ‖u_j‖ multiplies its noise) then does not force steps far below the dynamics' own
    /// time scale. In the plain coordinates this is rtol·‖w_j‖ on c_ji, what a norm-wise
    /// relative control on w_j allows. κ, s and q do not move; their scale is 0.
    public func errorScales(at state: UnsafePointer<Double>, into scales: UnsafeMutablePointer<Double>) {
        scales.update(repeating: 0, count: dimension)
        for j in 0..<width {
            let norm = scaledNorm(j, state)
            for i in 0..<n { scales[j * n + i] = norm }
        }
    }
}

extension OrthogonalDataNetwork: WidthOnlyNetwork {
    /// `model: {kind: two_layer_orthogonal, width: 6}`; the inputs must be orthonormal.
    public typealias Kind = WidthKind<OrthogonalDataNetwork>
    public static let kindName = "two_layer_orthogonal"
}

extension GatedNetwork {
    /// Not an orthogonal-data network: no jump-process prediction.
    public var jumpProcessNetwork: OrthogonalDataNetwork? { nil }
}

extension OrthogonalDataNetwork {
    public var jumpProcessNetwork: OrthogonalDataNetwork? { self }
}
