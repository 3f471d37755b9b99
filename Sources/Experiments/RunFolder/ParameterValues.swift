import Models

/// The parameter groups of θ as an init file has them (`{"W": [[...]], "b": [...], "a": [...]}`):
/// `final_params` in summary.json, and `init.json` of a `--dump-init` run.
public struct ParameterValues: Codable, Sendable, Equatable {
    /// A scalar or a nested array of the group's shape.
    public indirect enum Value: Codable, Sendable, Equatable {
        case number(Double)
        case array([Value])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .array(try container.decode([Value].self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let number): try container.encode(number)
            case .array(let values): try container.encode(values)
            }
        }

        /// The entries in storage (row-major) order.
        public var flattened: [Double] {
            switch self {
            case .number(let number): [number]
            case .array(let values): values.flatMap(\.flattened)
            }
        }
    }

    /// (group name, values) in the layout's order.
    public let groups: [(name: String, value: Value)]

    public init(_ parameters: [Double], layout: ParameterLayout) {
        groups = layout.split(parameters).map { group, values in
            (group.name, group.shape.isEmpty ? .number(values.first!) : Self.nested(Array(values), shape: group.shape))
        }
    }

    private static func nested(_ values: [Double], shape: [Int]) -> Value {
        guard shape.count > 1 else { return .array(values.map(Value.number)) }
        let stride = values.count / shape[0]
        return .array((0..<shape[0]).map {
            nested(Array(values[($0 * stride)..<(($0 + 1) * stride)]), shape: Array(shape.dropFirst()))
        })
    }

    private struct GroupKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: GroupKey.self)
        groups = try container.allKeys.map { ($0.stringValue, try container.decode(Value.self, forKey: $0)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: GroupKey.self)
        for (name, value) in groups { try container.encode(value, forKey: GroupKey(stringValue: name)) }
    }

    public subscript(name: String) -> Value? { groups.first { $0.name == name }?.value }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.groups.count == rhs.groups.count
            && lhs.groups.allSatisfy { group in rhs[group.name] == group.value }
    }
}
