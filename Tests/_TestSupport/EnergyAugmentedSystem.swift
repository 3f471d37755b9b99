import FlowEngine
import Models

/// Appends one state component q with q̇ = ‖F(θ, s)‖² to a network's flow, with the same
/// switching functions. Along any run of a gradient flow, dL/dt = −‖∇L‖² = −‖F‖², so
/// L(θ(t)) + q(t) stays equal to L(θ(0)) through every event: integrating it checks the
/// energy identity along the whole run, not at sampled points.
public struct EnergyAugmentedSystem<Network: GatedNetwork>: PiecewiseSmoothSystem {
    public let network: Network

    public init(_ network: Network) { self.network = network }

    public var dimension: Int { network.dimension + 1 }
    public var surfaceCount: Int { network.surfaceCount }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        network.evaluate(at: state, gates: gates, field: field, switching: switching)
        var squaredNorm = 0.0
        for i in 0..<network.dimension { squaredNorm += field[i] * field[i] }
        field[network.dimension] = squaredNorm
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        network.switchingRates(at: state, velocity: velocity, into: rates)
    }
}
