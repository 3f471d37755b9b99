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

    /// Appended value by value into one string (a row at every step of a run with
    /// hundreds of parameters: a string per value and a join were 7% of P1's time).
    public static func rowLine(time: Double, loss: Double, parameters: some Sequence<Double>) -> String {
        var line = ""
        line.reserveCapacity(24 * (2 + parameters.underestimatedCount))
        func append(_ value: Double) {
            if value.isFinite { value.write(to: &line) } else { line += "nan" }
        }
        append(time)
        line += ","
        append(loss)
        for value in parameters {
            line += ","
            append(value)
        }
        return line
    }

    /// Reads the file's text.
    /// - Throws: why it is not a trajectory table, naming the line ("line 7: 1 field(s), the
    ///   header has 5"), e.g. for a file cut short by a full disk.
    public init(csv text: String) throws(FormatError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw FormatError(reason: "empty (header t,loss,... expected)") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header.count >= 2, header[0] == "t", header[1] == "loss" else {
            throw FormatError(reason: "line 1: the header is not t,loss,...")
        }
        var rows: [[Double]] = []
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count else {
                throw FormatError(reason: "line \(index + 2): \(fields.count) field(s), the header has \(header.count)")
            }
            rows.append(fields.map { Double($0) ?? .nan })
        }
        parameterNames = Array(header.dropFirst(2))
        self.rows = rows
    }

    /// Why a text is not a trajectory table.
    public struct FormatError: Error, Equatable {
        public let reason: String

        public init(reason: String) { self.reason = reason }
    }

    /// L(θ0), the first row's loss.
    public var initialLoss: Double? { rows.first?[1] }
}
