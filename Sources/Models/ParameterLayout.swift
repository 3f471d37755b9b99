/// Named groups of the flat parameter vector θ, in storage order: e.g. `w` of shape [d]
/// then `b` of shape [] (a scalar).
///
/// It gives the column names of trajectory files (`w1`, ..., `wd`, `b`; 1-based like the
/// data header) and the keys of init and summary files.
public struct ParameterLayout: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public let name: String
        /// [] for a scalar, [k] for a vector, [rows, columns] for a row-major matrix.
        public let shape: [Int]
        /// The number of inputs each entry multiplies, for fan-in scaled initialisations
        /// (He, PyTorch); 1 for biases and knot positions.
        public let fanIn: Int
        public var count: Int { shape.reduce(1, *) }

        public init(name: String, shape: [Int], fanIn: Int = 1) {
            self.name = name
            self.shape = shape
            self.fanIn = fanIn
        }
    }

    public let groups: [Group]

    public init(groups: [Group]) { self.groups = groups }

    public var parameterCount: Int { groups.reduce(0) { $0 + $1.count } }

    /// One name per entry of θ.
    public var columnNames: [String] {
        groups.flatMap { group -> [String] in
            switch group.shape.count {
            case 0: [group.name]
            case 1: (1...group.shape[0]).map { "\(group.name)\($0)" }
            default:
                (0..<group.count).map { "\(group.name)\($0 / group.shape[1] + 1)_\($0 % group.shape[1] + 1)" }
            }
        }
    }

    /// The entries of each group, in order.
    public func split(_ parameters: [Double]) -> [(group: Group, values: ArraySlice<Double>)] {
        precondition(parameters.count == parameterCount, "θ has \(parameters.count) entries, the layout \(parameterCount)")
        var offset = 0
        return groups.map { group in
            defer { offset += group.count }
            return (group, parameters[offset..<(offset + group.count)])
        }
    }
}
