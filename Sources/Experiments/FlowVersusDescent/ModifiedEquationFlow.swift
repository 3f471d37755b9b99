import FlowEngine
import Models

/// The modified equation of gradient descent with step η: the flow of
/// ```
/// L̃ = L + (η/4) ‖∇L‖²,   F̃ = −∇L̃ = F − (η/2) (∂F/∂θ) F      (F = −∇L)
/// ```
/// which GD follows to O(η²) per unit time, instead of the O(η) of the plain flow
/// (backward error analysis; Barrett & Dherin 2021, "Implicit gradient regularization").
/// On each region of a ReLU network L is smooth and the same gates apply; the directional
/// derivative (∂F/∂θ)F is taken by a central difference along F with the gates fixed,
/// step h = ε^{1/3}·max(1, ‖θ‖)/‖F‖ (exact for the single neuron, whose F is affine per
/// region, up to rounding).
public struct ModifiedEquationFlow<Network: GatedNetwork>: PiecewiseSmoothSystem {
    public let network: Network
    public let learningRate: Double
    private let scratch: Scratch

    /// Buffers for the shifted states and fields (one allocation, at construction).
    private final class Scratch: @unchecked Sendable {
        private let buffers = ScratchBuffers()
        let shifted: UnsafeMutablePointer<Double>
        let plus: UnsafeMutablePointer<Double>
        let minus: UnsafeMutablePointer<Double>

        init(dimension: Int) {
            shifted = buffers.doubles(dimension)
            plus = buffers.doubles(dimension)
            minus = buffers.doubles(dimension)
        }
    }

    public init(_ network: Network, learningRate: Double) {
        self.network = network
        self.learningRate = learningRate
        scratch = Scratch(dimension: network.dimension)
    }

    public var dimension: Int { network.dimension }
    public var surfaceCount: Int { network.surfaceCount }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        let n = dimension
        network.evaluate(at: state, gates: gates, field: field, switching: switching)
        var fieldNorm = 0.0, stateNorm = 0.0
        for r in 0..<n {
            fieldNorm += field[r] * field[r]
            stateNorm += state[r] * state[r]
        }
        fieldNorm = fieldNorm.squareRoot()
        guard fieldNorm > 0 else { return }
        let h = Double.ulpOfOne.squareRoot().squareRoot() * max(1, stateNorm.squareRoot()) / fieldNorm
        for r in 0..<n { scratch.shifted[r] = state[r] + h * field[r] }
        network.evaluate(at: scratch.shifted, gates: gates, field: scratch.plus, switching: nil)
        for r in 0..<n { scratch.shifted[r] = state[r] - h * field[r] }
        network.evaluate(at: scratch.shifted, gates: gates, field: scratch.minus, switching: nil)
        for r in 0..<n { field[r] -= 0.5 * learningRate * (scratch.plus[r] - scratch.minus[r]) / (2 * h) }
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        network.switchingRates(at: state, velocity: velocity, into: rates)
    }
}

extension ModifiedEquationFlow: ErrorScaledSystem where Network: ErrorScaledSystem {
    /// The network's own scales: the modified field is a small correction of its field.
    public func errorScales(at state: UnsafePointer<Double>, into scales: UnsafeMutablePointer<Double>) {
        network.errorScales(at: state, into: scales)
    }
}

extension ModifiedEquationFlow: CoincidentSurfaceSystem where Network: CoincidentSurfaceSystem {
    /// The network's own: the modified flow switches on the network's surfaces.
    public var coincidentSurfaceGroups: [[Int]] { network.coincidentSurfaceGroups }
}
