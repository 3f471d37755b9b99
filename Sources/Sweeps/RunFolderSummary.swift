import Foundation

/// What the sweep table reads from one run folder's summary.json and timeline.jsonl.
///
/// All reading of the run-folder files is here, through JSONSerialization, so that it can
/// switch to the shared run-folder schema in one place.
public struct RunFolderSummary: Equatable, Sendable {
    public var status: String
    public var finalTime: Double?
    public var finalLoss: Double?
    public var steps: Int?
    public var wallSeconds: Double?
    public var plateauCount: Int?
    /// Timeline entries by `kind`.
    public var eventCounts: [String: Int]
    /// The flow's jump times (`jump_process.jumps[].t_flow`), for two-layer orthogonal runs.
    public var jumpTimes: [Double]
    /// ‖θ‖² at the end: `jump_process.flow_squared_norm` when the run has it, else the sum of
    /// squares of every number in `final_params` — unless those are log-scale coordinates
    /// (a `log_scale` entry), whose squares are not ‖θ‖².
    public var squaredNorm: Double?
    /// Eq. (15)'s ‖θ_∞‖² (`jump_process.predicted_squared_norm`), for orthogonal data.
    public var predictedSquaredNorm: Double?
    /// ‖θ*‖² of the minimal-norm interpolator (`jump_process.minimum_norm_squared`).
    public var minimumNormSquared: Double?

    /// Statuses of a run that finished its integration.
    public static let finishedStatuses: Set<String> = ["completed", "steady_state"]

    public var isFinished: Bool { Self.finishedStatuses.contains(status) }

    /// Reads `folder`; nil when it has no summary.json (never run, or killed before writing).
    public static func read(_ folder: URL) throws(SweepError) -> RunFolderSummary? {
        let summaryURL = folder.appendingPathComponent("summary.json")
        guard FileManager.default.fileExists(atPath: summaryURL.path) else { return nil }
        guard let data = try? Data(contentsOf: summaryURL),
              let summary = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let status = summary["status"] as? String else {
            throw SweepError("\(summaryURL.path): not a run summary")
        }
        let jumpProcess = summary["jump_process"] as? [String: Any]
        let jumps = jumpProcess?["jumps"] as? [[String: Any]] ?? []
        return RunFolderSummary(
            status: status,
            finalTime: summary["final_time"] as? Double,
            finalLoss: summary["final_loss"] as? Double,
            steps: summary["steps"] as? Int,
            wallSeconds: summary["wall_seconds"] as? Double,
            plateauCount: (summary["plateaus"] as? [Any])?.count,
            eventCounts: try eventCounts(folder.appendingPathComponent("timeline.jsonl")),
            jumpTimes: jumps.compactMap { $0["t_flow"] as? Double },
            squaredNorm: jumpProcess?["flow_squared_norm"] as? Double ?? plainSquaredNorm(summary["final_params"]),
            predictedSquaredNorm: jumpProcess?["predicted_squared_norm"] as? Double,
            minimumNormSquared: jumpProcess?["minimum_norm_squared"] as? Double)
    }

    private static func eventCounts(_ timeline: URL) throws(SweepError) -> [String: Int] {
        guard let text = try? String(contentsOf: timeline, encoding: .utf8) else { return [:] }
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard let entry = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let kind = entry["kind"] as? String else { throw SweepError("\(timeline.path): a line is not an event") }
            counts[kind, default: 0] += 1
        }
        return counts
    }

    private static func plainSquaredNorm(_ parameters: Any?) -> Double? {
        guard let parameters, (parameters as? [String: Any])?["log_scale"] == nil else { return nil }
        return sumOfSquares(parameters)
    }

    private static func sumOfSquares(_ value: Any) -> Double {
        switch value {
        case let number as Double: number * number
        case let list as [Any]: list.reduce(0) { $0 + sumOfSquares($1) }
        case let object as [String: Any]: object.keys.sorted().reduce(0) { $0 + sumOfSquares(object[$1]!) }
        default: 0
        }
    }
}
