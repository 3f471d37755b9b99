import Foundation

/// The files of a run folder, the one schema that `reluflow run` and `compare` write and
/// `reluflow report` and `tools/reluflow_runs.py` read:
///
/// - `timeline.jsonl`: one `TimelineRecord` per line, in time order;
/// - `summary.json`: a `RunSummaryRecord` (flow) or a `DescentSummaryRecord` (a GD run,
///   `"method": "gradient_descent"`);
/// - `trajectory.csv`: a `TrajectoryTable`;
/// - `data.csv`, `init.json` (`--dump-init`): the inputs, `init.json` as `ParameterValues`;
/// - `teacher.json` (`--dump-init`, when a teacher labels the data or is in the loss): the
///   teacher's parameters as `ParameterValues` of the teacher's layout (`w` and `v`, `b`, …);
/// - a compare folder holds `compare.json` (a `CompareRecord`), the flow's run folder
///   `flow/` and one GD run folder `gd-eta-<η>/` per step size.
public struct RunFolder: Sendable {
    public static let timelineFile = "timeline.jsonl"
    public static let summaryFile = "summary.json"
    public static let trajectoryFile = "trajectory.csv"
    public static let compareFile = "compare.json"
    public static let flowFolder = "flow"
    public static let dataFile = "data.csv"
    public static let initFile = "init.json"
    public static let teacherFile = "teacher.json"
    /// What the name of every GD run folder starts with.
    public static let descentFolderPrefix = "gd-eta-"

    /// The folder of GD's run at step size η in a compare folder.
    public static func descentFolder(learningRate: Double) -> String { "\(descentFolderPrefix)\(learningRate)" }

    public let url: URL

    public init(_ url: URL) { self.url = url }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// What summary.json holds: a flow's summary or a GD run's.
    public enum Summary: Sendable {
        case flow(RunSummaryRecord)
        case descent(DescentSummaryRecord)

        /// The fields both kinds have.
        public var common: any RunSummaryFields {
            switch self {
            case .flow(let summary): summary
            case .descent(let summary): summary
            }
        }

        public var jumpProcess: JumpProcessRecord? {
            if case .flow(let summary) = self { return summary.jumpProcess }
            return nil
        }
    }

    /// A run-folder file that is missing or does not follow the schema.
    public struct ReadError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public func readSummary() throws(ReadError) -> Summary {
        let data = try contents(of: Self.summaryFile)
        struct Method: Decodable { let method: String? }
        do {
            if try JSONDecoder().decode(Method.self, from: data).method == "gradient_descent" {
                return .descent(try JSONDecoder().decode(DescentSummaryRecord.self, from: data))
            }
            return .flow(try JSONDecoder().decode(RunSummaryRecord.self, from: data))
        } catch {
            throw ReadError(path: file(Self.summaryFile).path, reason: "not a run summary (\(Self.reason(error)))")
        }
    }

    public func readTimeline() throws(ReadError) -> [TimelineRecord] {
        let text = String(decoding: try contents(of: Self.timelineFile), as: UTF8.self)
        var records: [TimelineRecord] = []
        for (index, line) in text.split(separator: "\n").enumerated() {
            do { records.append(try JSONDecoder().decode(TimelineRecord.self, from: Data(line.utf8))) } catch {
                throw ReadError(path: file(Self.timelineFile).path, reason: "line \(index + 1): \(Self.reason(error))")
            }
        }
        return records
    }

    public func readTrajectory() throws(ReadError) -> TrajectoryTable {
        let text = String(decoding: try contents(of: Self.trajectoryFile), as: UTF8.self)
        do { return try TrajectoryTable(csv: text) } catch {
            throw ReadError(path: file(Self.trajectoryFile).path, reason: error.reason)
        }
    }

    public func readComparison() throws(ReadError) -> CompareRecord {
        do { return try JSONDecoder().decode(CompareRecord.self, from: try contents(of: Self.compareFile)) } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(path: file(Self.compareFile).path, reason: Self.reason(error))
        }
    }

    private func contents(of name: String) throws(ReadError) -> Data {
        do { return try Data(contentsOf: file(name)) } catch {
            throw ReadError(path: file(name).path, reason: "cannot read (is this a run folder?)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if case DecodingError.keyNotFound(let key, _) = error { return "missing key '\(key.stringValue)'" }
        if case DecodingError.typeMismatch(_, let context) = error {
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        }
        if case DecodingError.valueNotFound(_, let context) = error {
            return "null at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        }
        return "malformed JSON"
    }
}

/// The fields every summary.json has, a flow's or a GD run's.
public protocol RunSummaryFields: Sendable {
    /// `completed`, `steady_state`, `interrupted` or `failed`.
    var status: String { get }
    var scenario: String { get }
    var finalTime: Double { get }
    var finalLoss: Double { get }
    var plateaus: [PlateauRecord] { get }
}

extension RunSummaryRecord: RunSummaryFields {}
extension DescentSummaryRecord: RunSummaryFields {}
