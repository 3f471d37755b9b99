import Foundation
import Yams

/// One value an axis gives its key: the YAML node put into the scenario, its text (for point
/// names and the table) and its number, when it is one (for derived keys).
public struct AxisValue: Equatable {
    public let node: Node
    public let text: String

    public init(node: Node) {
        self.node = node
        text = Self.text(of: node)
    }

    /// A number as the sweep writes it: integers without a point, others in Swift's shortest
    /// round-trip form (which YAML reads back to the same Double).
    public init(number: Double, integral: Bool) {
        self.init(node: Node(integral ? String(Int(number.rounded())) : "\(number)"))
    }

    public var number: Double? {
        guard case .scalar = node else { return nil }
        return node.int.map(Double.init) ?? node.float
    }

    private static func text(of node: Node) -> String {
        switch node {
        case .scalar(let scalar): scalar.string
        case .sequence(let sequence): sequence.map(text(of:)).joined(separator: ";")
        case .mapping, .alias: ((try? Yams.serialize(node: node, mappingStyle: .flow)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

/// An axis: a dotted scenario key and the values it takes.
///
///     init.seed: [1, 2, 3]                              # a list
///     flow.rtol: 1.0e-10                                # one value
///     data.samples: {range: [8, 64], count: 4, scale: log}   # 8, 16, 32, 64
///     init.rescale: {range: [0.5, 2], count: 4}         # linear: 0.5, 1, 1.5, 2
///     init.seed: {seeds: 3, from: 1}                    # 1, 2, 3
///
/// A range whose ends are both written as integers gives integers (rounded).
public struct Axis: Equatable {
    public let key: String
    public let values: [AxisValue]

    public init(key: String, values: [AxisValue]) {
        self.key = key
        self.values = values
    }

    init(key: String, spec: Node) throws(SweepError) {
        self.key = key
        switch spec {
        case .sequence(let sequence):
            guard !sequence.isEmpty else { throw SweepError("axis \(key): the list is empty") }
            values = sequence.map(AxisValue.init(node:))
        case .mapping(let mapping):
            values = try Self.generated(key: key, mapping)
        case .scalar, .alias:
            values = [AxisValue(node: spec)]
        }
    }

    private static func generated(key: String, _ mapping: Node.Mapping) throws(SweepError) -> [AxisValue] {
        let given = Set(mapping.keys.compactMap(\.string))
        if let seeds = mapping["seeds"] {
            guard given.isSubset(of: ["seeds", "from"]) else { throw SweepError("axis \(key): a seed axis has only 'seeds' and 'from'") }
            guard let count = seeds.int, count > 0 else { throw SweepError("axis \(key): seeds must be a positive integer") }
            guard let first = mapping["from"].map({ $0.int }) ?? 1 else { throw SweepError("axis \(key): from must be an integer") }
            return (first..<(first + count)).map { AxisValue(number: Double($0), integral: true) }
        }
        guard let range = mapping["range"] else {
            throw SweepError("axis \(key): give a list, one value, {range: [a, b], count: k, scale: linear|log} or {seeds: k}")
        }
        guard given.isSubset(of: ["range", "count", "scale"]) else {
            throw SweepError("axis \(key): a range has only 'range', 'count' and 'scale', got \(given.sorted().joined(separator: ", "))")
        }
        let ends = range.array()
        guard ends.count == 2, let low = AxisValue(node: ends[0]).number, let high = AxisValue(node: ends[1]).number else {
            throw SweepError("axis \(key): range must be two numbers [a, b]")
        }
        guard let count = mapping["count"]?.int, count >= 1 else { throw SweepError("axis \(key): a range needs count: a positive integer") }
        let scale = mapping["scale"]?.string ?? "linear"
        guard scale == "linear" || scale == "log" else { throw SweepError("axis \(key): scale is linear or log, got \(scale)") }
        guard scale == "linear" || (low > 0 && high > 0) else { throw SweepError("axis \(key): a log range needs positive ends") }
        let integral = ends.allSatisfy { $0.int != nil }
        return (0..<count).map { step in
            let fraction = count == 1 ? 0 : Double(step) / Double(count - 1)
            let value = scale == "log" ? exp(log(low) + fraction * (log(high) - log(low))) : low + fraction * (high - low)
            return AxisValue(number: step == count - 1 && count > 1 ? high : value, integral: integral)
        }
    }
}
