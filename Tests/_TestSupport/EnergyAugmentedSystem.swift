import FlowEngine
import Models

/// Appends one state component q with q̇ = ‖F(θ, s)‖² to a network's flow, with the same
/// switching functions. Along any run of a gradient flow, dL/dt = −‖∇L‖² = −‖F‖², so
/// L(θ(t)) + q(t) stays equal to L(θ(0)) through every event: integrating it checks the
/// energy identity along the whole run, not at sampled points.
///
/// A network stored in other coordinates than the plain parameters (log-norm and
/// direction) runs the plain gradient flow rewritten, so its dissipation is the squared
/// speed of the plain parameters, ‖(Ẇ, ȧ)‖²: `squaredSpeed` computes it from θ and F.
public struct EnergyAugmentedSystem<Network: GatedNetwork>: PiecewiseSmoothSystem {
    public let network: Network
    private let squaredSpeed: (UnsafePointer<Double>, UnsafePointer<Double>) -> Double

    /// q̇ = Σ_k F_k², for a network whose coordinates are the plain parameters.
    public init(_ network: Network) {
        let dimension = network.dimension
        self.init(network) { _, field in
            var squaredNorm = 0.0
            for i in 0..<dimension { squaredNorm += field[i] * field[i] }
            return squaredNorm
        }
    }

    /// q̇ = `squaredSpeed(θ, F)`.
    public init(_ network: Network, squaredSpeed: @escaping (UnsafePointer<Double>, UnsafePointer<Double>) -> Double) {
        self.network = network
        self.squaredSpeed = squaredSpeed
    }

    public var dimension: Int { network.dimension + 1 }
    public var surfaceCount: Int { network.surfaceCount }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        network.evaluate(at: state, gates: gates, field: field, switching: switching)
        field[network.dimension] = squaredSpeed(state, field)
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        network.switchingRates(at: state, velocity: velocity, into: rates)
    }
}
