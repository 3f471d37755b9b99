import FlowEngine
import Models

/// A teacher–student problem for a two-layer network: inputs x ~ N(0, I), labels from a
/// random teacher of width `teacherWidth`, a student of width `width` started at scale
/// `scale` (all entries N(0, scale²)).
public struct TwoLayerInstance: Sendable {
    public let rows: [[Double]]
    public let targets: [Double]
    public let width: Int
    public let bias: Bool
    public let initial: [Double]

    public static func teacherStudent(seed: UInt64, inputDimension d: Int = 3, samples n: Int = 20,
                                      teacherWidth: Int = 2, width: Int = 4, bias: Bool = true,
                                      scale: Double = 0.5) -> TwoLayerInstance {
        var generator = SeededGenerator(seed: seed)
        let rows = (0..<n).map { _ in (0..<d).map { _ in generator.normal() } }
        let teacher = (0..<teacherWidth).map { _ in ((0..<d).map { _ in generator.normal() }, generator.normal(), generator.normal()) }
        let targets = rows.map { x in
            teacher.reduce(0.0) { sum, neuron in
                let z = zip(neuron.0, x).reduce(neuron.1) { $0 + $1.0 * $1.1 }
                return sum + neuron.2 * max(z, 0)
            }
        }
        let count = width * d + (bias ? width : 0) + width
        let initial = (0..<count).map { _ in scale * generator.normal() }
        return TwoLayerInstance(rows: rows, targets: targets, width: width, bias: bias, initial: initial)
    }

    public func model(scaling: OutputScaling = .none,
                      trained: Set<TwoLayerNetwork.Group>? = nil,
                      normalization: LossNormalization = .halfMean) throws -> TwoLayerNetwork {
        try TwoLayerNetwork(data: try Dataset(rows: rows, targets: targets), width: width, hasBias: bias,
                            scaling: scaling, trained: trained, normalization: normalization)
    }
}
