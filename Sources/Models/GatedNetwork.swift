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

    // What a network can do beyond its field, each with a neutral default beside its concept.

    /// θ in the network's own weights, where the state stores them otherwise (log-norm and
    /// direction, scaled data coordinates), for comparing two states on one scale; θ itself
    /// by default (`PlainCoordinates.swift`).
    func comparableParameters(_ theta: [Double]) -> [Double]
    /// The `parameterLayout` groups a layer rescaling multiplies by k and by 1/k; none by
    /// default (`LayerRescaling.swift`).
    var innerGroups: [String] { get }
    var outerGroups: [String] { get }
    /// Where the network has a plateau floor Q_0; nil by default (`PlateauFloor.swift`).
    var plateauFloorProvider: (any PlateauFloorProviding)? { get }
    /// Follows its knots leaving and re-entering the data range; nil by default (`KnotRange.swift`).
    func knotRange(initialGates: [Double], initialParameters: [Double]) -> KnotRange?
    /// The orthogonal-data network Algorithm 1 predicts the jumps of; nil by default
    /// (`OrthogonalDataNetwork.swift`).
    var jumpProcessNetwork: OrthogonalDataNetwork? { get }
    /// Why θ is not a state of this network ("sign[2] is 5, not +1 or -1"), naming the entry
    /// by its `parameterLayout` column, or nil; only non-finite entries by default
    /// (`ParameterValidity.swift`).
    func parameterProblem(_ theta: [Double]) -> String?
}

extension GatedNetwork {
    public func loss(at parameters: [Double]) -> Double {
        parameters.withUnsafeBufferPointer { loss(at: $0.baseAddress!) }
    }

    /// The gates the signs of the switching functions give at θ, from one forward pass:
    /// 1 where g_j > 0, 0 where g_j < 0, and σ'(0) = `atZero` where g_j = 0 exactly.
    /// `switching` and `field` are scratch (surfaceCount and dimension entries).
    public func signGates(at parameters: [Double], atZero: Double = 0, into gates: inout [Double],
                          switching: inout [Double], field: inout [Double]) {
        // g does not depend on the gates: whatever `gates` holds serves for this pass.
        evaluate(at: parameters, gates: gates, field: &field, switching: &switching)
        for j in 0..<surfaceCount { gates[j] = switching[j] > 0 ? 1 : (switching[j] == 0 ? atZero : 0) }
    }

    /// `signGates(at:atZero:into:switching:field:)` with its own buffers.
    public func signGates(at parameters: [Double], atZero: Double = 0) -> [Double] {
        var gates = [Double](repeating: 0, count: surfaceCount)
        var switching = gates, field = [Double](repeating: 0, count: dimension)
        signGates(at: parameters, atZero: atZero, into: &gates, switching: &switching, field: &field)
        return gates
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

    /// "(neuron 3, sample 17)", or "(neuron 3, every sample)": a surface in a failure message.
    public var name: String {
        "(neuron \(neuron), \(sample == Self.everySample ? "every sample" : "sample \(sample)"))"
    }
}
