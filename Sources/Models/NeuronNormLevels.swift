import Foundation
import FlowEngine

/// The norm levels of a network's neurons as watched functions (`WatchedFunctions`), one
/// per neuron: h_k(θ) = log‖(w_k, b_k)‖ − log ν. Their crossings are located like any event
/// and mark when a neuron's norm leaves (or falls back below) the level ν: the jump
/// (escape) times of small-initialisation training (orthogonal-data notes §2.7: a jump is
/// the first time a neuron's norm becomes O(1)). They switch nothing, and the network
/// itself is integrated as it is, with all its capabilities. Function k is neuron k.
public struct NeuronNormLevels<Network: NeuronNorms>: WatchedFunctions, Sendable {
    public let network: Network
    /// ν, the norm level.
    public let level: Double

    public init(_ network: Network, level: Double) throws(ModelError) {
        guard level > 0, level.isFinite else { throw .invalidParameters("the norm level must be positive, got \(level)") }
        self.network = network
        self.level = level
    }

    public var count: Int { network.neuronCount }

    /// log‖(w_k, b_k)‖ − log ν for every neuron k.
    public func values(at state: UnsafePointer<Double>, into values: UnsafeMutablePointer<Double>) {
        let logLevel = log(level)
        for k in 0..<network.neuronCount { values[k] = network.logNorm(of: k, at: state) - logLevel }
    }

    /// d/dt log‖(w_k, b_k)‖ along `velocity` for every neuron k.
    public func rates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                      into rates: UnsafeMutablePointer<Double>) {
        for k in 0..<network.neuronCount { rates[k] = network.logNormRate(of: k, at: state, velocity: velocity) }
    }
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
