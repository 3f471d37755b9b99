import Foundation
import FlowEngine

/// A network watched, besides its own switching surfaces, by one level function per
/// neuron: h_k(θ) = log‖(w_k, b_k)‖ − log ν. Its crossings are located like any event and
/// mark when a neuron's norm leaves (or falls back below) the level ν: the jump (escape)
/// times of small-initialisation training (orthogonal-data notes §2.7: a jump is the first
/// time a neuron's norm becomes O(1)).
///
/// The extra surfaces j = n_surfaces + k do not gate the field (their gates are ignored), so
/// both one-sided speeds are equal and every contact is a plain crossing: they change no mode.
/// They are labelled (neuron k, `SurfaceLabel.normLevel`).
public struct NeuronNormLevels<Network: NeuronNorms>: GatedNetwork, Sendable {
    public let network: Network
    /// ν, the norm level.
    public let level: Double

    public init(_ network: Network, level: Double) throws(ModelError) {
        guard level > 0, level.isFinite else { throw .invalidParameters("the norm level must be positive, got \(level)") }
        self.network = network
        self.level = level
    }

    public var dimension: Int { network.dimension }
    public var surfaceCount: Int { network.surfaceCount + network.neuronCount }
    public var parameterLayout: ParameterLayout { network.parameterLayout }

    public func surfaceLabel(_ surface: Int) -> SurfaceLabel {
        surface < network.surfaceCount
            ? network.surfaceLabel(surface)
            : SurfaceLabel(neuron: surface - network.surfaceCount, sample: SurfaceLabel.normLevel)
    }

    public func loss(at parameters: UnsafePointer<Double>) -> Double { network.loss(at: parameters) }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        network.evaluate(at: state, gates: gates, field: field, switching: switching)
        guard let switching else { return }
        let logLevel = log(level)
        for k in 0..<network.neuronCount {
            switching[network.surfaceCount + k] = network.logNorm(of: k, at: state) - logLevel
        }
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        network.switchingRates(at: state, velocity: velocity, into: rates)
        for k in 0..<network.neuronCount {
            rates[network.surfaceCount + k] = network.logNormRate(of: k, at: state, velocity: velocity)
        }
    }
}

extension SurfaceLabel {
    /// The sample of a neuron's norm-level surface (`NeuronNormLevels`).
    public static let normLevel = -2
}

/// Networks whose neurons have a norm: log‖(w_k, b_k)‖ and its rate along a velocity.
public protocol NeuronNorms: GatedNetwork, Sendable {
    var neuronCount: Int { get }
    func logNorm(of neuron: Int, at state: UnsafePointer<Double>) -> Double
    /// d/dt log‖(w_k, b_k)‖ = ⟨(w_k, b_k), v_k⟩/‖(w_k, b_k)‖².
    func logNormRate(of neuron: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double
}

extension TwoLayerNetwork: NeuronNorms {
    public var neuronCount: Int { width }

    public func logNorm(of neuron: Int, at state: UnsafePointer<Double>) -> Double {
        0.5 * log(squaredNorm(of: neuron, state, state))
    }

    public func logNormRate(of neuron: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        squaredNorm(of: neuron, state, velocity) / squaredNorm(of: neuron, state, state)
    }

    /// ⟨(w_k, b_k)(x), (w_k, b_k)(y)⟩.
    private func squaredNorm(of k: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        let d = data.inputDimension
        var sum = 0.0
        for l in 0..<d { sum += x[k * d + l] * y[k * d + l] }
        if hasBias { sum += x[width * d + k] * y[width * d + k] }
        return sum
    }
}

extension LogScaleBalancedNetwork: NeuronNorms {
    public var neuronCount: Int { width }

    /// ℓ_k itself: the state stores the log-norm.
    public func logNorm(of neuron: Int, at state: UnsafePointer<Double>) -> Double { state[neuron] }

    public func logNormRate(of neuron: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        velocity[neuron]
    }
}

extension NeuronNormLevels: BalancedInitializable where Network: BalancedInitializable {
    public func balancedParameters(logScale: Double, signs: OutputSigns, using generator: inout SeededGenerator)
        throws(ModelError) -> [Double] {
        try network.balancedParameters(logScale: logScale, signs: signs, using: &generator)
    }
}

extension NeuronNormLevels: ErrorScaledSystem where Network: ErrorScaledSystem {
    public func errorScales(at state: UnsafePointer<Double>, into scales: UnsafeMutablePointer<Double>) {
        network.errorScales(at: state, into: scales)
    }
}

extension NeuronNormLevels: JumpProvidingSystem where Network: JumpProvidingSystem {
    /// The network's jumps; a level surface gates nothing, so its jump is 0.
    public func jump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                     into jump: UnsafeMutablePointer<Double>) {
        guard surface < network.surfaceCount else { return jump.update(repeating: 0, count: dimension) }
        network.jump(of: surface, at: state, gates: gates, into: jump)
    }

    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        surface < network.surfaceCount
            ? network.switchingRate(of: surface, at: state, velocity: velocity)
            : network.logNormRate(of: surface - network.surfaceCount, at: state, velocity: velocity)
    }
}
