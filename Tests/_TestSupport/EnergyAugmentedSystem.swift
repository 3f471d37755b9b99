import Foundation
import FlowEngine
import Models

/// Appends one state component q with q̇ = ‖F(θ, s)‖²/κ to a network's flow, with the same
/// switching functions. Along any run of a gradient flow, dL/dt = −‖∇L‖² = −‖F‖², so
/// L(θ(t)) + κ·q(t) stays equal to L(θ(0)) through every event: integrating it checks the
/// energy identity along the whole run, not at sampled points. q enters neither the field
/// nor the surfaces: the run is the network's flow, with q seen only by the step control.
/// κ = L(θ(0)) keeps q in [0, 1], so that it does not move the steady-state test's
/// max(1, ‖x‖∞) either.
///
/// A network stored in other coordinates than the plain parameters (log-norm and
/// direction) runs the plain gradient flow rewritten, so its dissipation is the squared
/// speed of the plain parameters, ‖(Ẇ, ȧ)‖²: `squaredSpeed` computes it from θ and F, a
/// quadratic form Q_θ(F) (‖F‖² by default).
///
/// While sliding the engine needs a field affine in the gates (`ModeField`), and ‖F‖² is
/// not. It gets an affine one that is exact on the sliding set S: the gate of surface j
/// enters the gradient only as σ'(g_j)·∇g_j times a scalar, so every jump is
/// J_j = −c_j P∇g_j (P: onto the trained coordinates), and a sliding velocity v = F(θ, s)
/// keeps every g_j, j ∈ S, constant: ∇g_j·v = 0, hence J_j·v = 0 and
/// ```
/// ‖v‖² = v·F(θ, s_S = 0) + Σ_j s_j J_j·v = F(θ, s_S = 0)·v = −dL/dt,
/// ```
/// which is affine in s_S. So the q-component of the jump is J_q = ⟨F(θ, s_S = 0), J_θ⟩/κ
/// (`jump(of:at:gates:into:)`), and κq̇ = Q(F0) + Σ_j s_j ⟨F0, J_j⟩ is −dL/dt for every
/// tangent velocity, whatever gates the engine solved (inside [0, 1] or held just outside
/// it); ⟨u, v⟩ = (Q(u + v) − Q(u − v))/4 is the form's polarization (the dot product for
/// plain coordinates, where the argument above is made; in other coordinates the same holds
/// of the plain parameters' velocity).
/// Coincident surfaces are forwarded from the network.
public struct EnergyAugmentedSystem<Network: GatedNetwork>: JumpProvidingSystem, CoincidentSurfaceSystem {
    public let network: Network
    /// κ, the scale of q.
    public let dissipationScale: Double
    private let squaredSpeed: (UnsafePointer<Double>, UnsafePointer<Double>) -> Double
    private let jumpProvider: (any JumpProvidingSystem)?
    private let scratch: Scratch

    /// F(θ, s) at the state and gate pattern a jump was last asked at (the engine asks for
    /// the jumps of all of S at one point in a row, so F is evaluated once for them), and a
    /// pattern or rates for systems without their own jumps; allocated once.
    private final class Scratch {
        let field: UnsafeMutablePointer<Double>
        let fieldState: UnsafeMutablePointer<Double>
        let fieldGates: UnsafeMutablePointer<Double>
        var hasField = false
        let gates: UnsafeMutablePointer<Double>
        let rates: UnsafeMutablePointer<Double>
        /// F0 + J and F0 − J, for the polarization.
        let sum: UnsafeMutablePointer<Double>, difference: UnsafeMutablePointer<Double>
        let dimension: Int, surfaceCount: Int

        init(dimension: Int, surfaceCount: Int) {
            self.dimension = dimension
            self.surfaceCount = surfaceCount
            field = .allocate(capacity: dimension)
            fieldState = .allocate(capacity: dimension)
            fieldGates = .allocate(capacity: surfaceCount)
            gates = .allocate(capacity: surfaceCount)
            rates = .allocate(capacity: surfaceCount)
            sum = .allocate(capacity: dimension)
            difference = .allocate(capacity: dimension)
        }

        deinit {
            for buffer in [field, fieldState, fieldGates, gates, rates, sum, difference] { buffer.deallocate() }
        }

        /// Whether `field` holds F at this state and pattern; if not, records them.
        func holdsField(at state: UnsafePointer<Double>, gates pattern: UnsafePointer<Double>) -> Bool {
            if hasField, memcmp(fieldState, state, dimension * MemoryLayout<Double>.size) == 0,
               memcmp(fieldGates, pattern, surfaceCount * MemoryLayout<Double>.size) == 0 {
                return true
            }
            fieldState.update(from: state, count: dimension)
            fieldGates.update(from: pattern, count: surfaceCount)
            hasField = true
            return false
        }
    }

    /// q̇ = Σ_k F_k²/κ, for a network whose coordinates are the plain parameters.
    public init(_ network: Network, dissipationScale: Double = 1) {
        let dimension = network.dimension
        self.init(network, dissipationScale: dissipationScale) { _, field in
            var squaredNorm = 0.0
            for i in 0..<dimension { squaredNorm += field[i] * field[i] }
            return squaredNorm
        }
    }

    /// q̇ = `squaredSpeed(θ, F)`/κ.
    public init(_ network: Network, dissipationScale: Double = 1,
                squaredSpeed: @escaping (UnsafePointer<Double>, UnsafePointer<Double>) -> Double) {
        self.network = network
        self.dissipationScale = dissipationScale
        self.squaredSpeed = squaredSpeed
        jumpProvider = network as? any JumpProvidingSystem
        scratch = Scratch(dimension: network.dimension, surfaceCount: network.surfaceCount)
    }

    public var dimension: Int { network.dimension + 1 }
    public var surfaceCount: Int { network.surfaceCount }

    public var coincidentSurfaceGroups: [[Int]] {
        (network as? any CoincidentSurfaceSystem)?.coincidentSurfaceGroups ?? []
    }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        network.evaluate(at: state, gates: gates, field: field, switching: switching)
        field[network.dimension] = squaredSpeed(state, field) / dissipationScale
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        network.switchingRates(at: state, velocity: velocity, into: rates)
    }

    /// J_θ from the network (its own jump, or the difference of two evaluations), and
    /// J_q = ⟨F(θ, s), J_θ⟩/κ with s the pattern given (s_surface = 0, and 0 on S).
    public func jump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                     into jump: UnsafeMutablePointer<Double>) {
        let n = network.dimension
        if !scratch.holdsField(at: state, gates: gates) {
            network.evaluate(at: state, gates: gates, field: scratch.field, switching: nil)
        }
        if let jumpProvider {
            jumpProvider.jump(of: surface, at: state, gates: gates, into: jump)
        } else {
            scratch.gates.update(from: gates, count: surfaceCount)
            scratch.gates[surface] = 1
            network.evaluate(at: state, gates: scratch.gates, field: jump, switching: nil)
            for r in 0..<n { jump[r] -= scratch.field[r] }
        }
        for r in 0..<n {
            scratch.sum[r] = scratch.field[r] + jump[r]
            scratch.difference[r] = scratch.field[r] - jump[r]
        }
        jump[n] = (squaredSpeed(state, scratch.sum) - squaredSpeed(state, scratch.difference)) / (4 * dissipationScale)
    }

    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        if let jumpProvider { return jumpProvider.switchingRate(of: surface, at: state, velocity: velocity) }
        network.switchingRates(at: state, velocity: velocity, into: scratch.rates)
        return scratch.rates[surface]
    }

    /// The network's blocks: no switching function has a gradient along q.
    public func jumpBlock(of surface: Int) -> Int { jumpProvider?.jumpBlock(of: surface) ?? 0 }
}
