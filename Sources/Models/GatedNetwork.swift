import FlowEngine

/// A ReLU network whose gradient flow is a gated piecewise-smooth system: one switching
/// function per (neuron, sample) pair, its pre-activation.
public protocol GatedNetwork: PiecewiseSmoothSystem {
    /// The training loss L(θ) with σ(0) = 0.
    func loss(at parameters: UnsafePointer<Double>) -> Double
    /// Which neuron and sample switching function `surface` belongs to.
    func surfaceLabel(_ surface: Int) -> SurfaceLabel
    /// How the flat parameter vector θ splits into named groups.
    var parameterLayout: ParameterLayout { get }
}

extension GatedNetwork {
    public func loss(at parameters: [Double]) -> Double {
        parameters.withUnsafeBufferPointer { loss(at: $0.baseAddress!) }
    }
}

/// The (neuron, sample) pair of a switching surface, both 0-based.
public struct SurfaceLabel: Sendable, Equatable {
    public let neuron: Int
    public let sample: Int

    public init(neuron: Int, sample: Int) {
        self.neuron = neuron
        self.sample = sample
    }

    /// The sample of a surface that switches for every sample at once: an outer ReLU of a
    /// deep single neuron, whose sign is that of its scalar weight.
    public static let everySample = -1
}
