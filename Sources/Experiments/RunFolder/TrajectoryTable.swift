/// `trajectory.csv`: a header `t,loss,<parameter columns>` (the columns of the model's
/// `ParameterLayout`: `w1`, `W2_1`, `b`, …, 1-based) and one row per kept state, numbers in
/// Swift's shortest round-trip form, `nan` where not finite.
public struct TrajectoryTable: Sendable, Equatable {
    public let parameterNames: [String]
    /// (t, L, θ) per row.
    public let rows: [[Double]]

    public static func headerLine(parameterNames: [String]) -> String {
        (["t", "loss"] + parameterNames).joined(separator: ",")
    }

    public static func rowLine(time: Double, loss: Double, parameters: some Sequence<Double>) -> String {
        ([time, loss] + parameters).map { $0.isFinite ? "\($0)" : "nan" }.joined(separator: ",")
    }

    /// Reads the file's text; nil if the header is not `t,loss,...` or a row is malformed.
    public init?(csv text: String) {
        var lines = text.split(separator: "\n")
        guard !lines.isEmpty else { return nil }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header.count >= 2, header[0] == "t", header[1] == "loss" else { return nil }
        var rows: [[Double]] = []
        for line in lines {
            let values = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) ?? .nan }
            guard values.count == header.count else { return nil }
            rows.append(values)
        }
        parameterNames = Array(header.dropFirst(2))
        self.rows = rows
    }

    /// L(θ0), the first row's loss.
    public var initialLoss: Double? { rows.first?[1] }
}
