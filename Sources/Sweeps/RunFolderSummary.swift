import Foundation

/// What the sweep table reads from one point's folder: a run folder's summary.json and
/// timeline.jsonl, or for a point run as `reluflow compare`, its flow/ run folder and
/// compare.json.
///
/// All reading of the run-folder files is here, through `JSONValue`, so that it can switch
/// to the shared run-folder schema in one place.
public struct RunFolderSummary: Equatable, Sendable {
    public var status: String
    public var finalTime: Double?
    public var finalLoss: Double?
    public var steps: Int?
    public var wallSeconds: Double?
    public var plateauCount: Int?
    /// The plateaus' loss levels, in time order.
    public var plateauLevels: [Double]
    /// Timeline entries by `kind`.
    public var eventCounts: [String: Int]
    /// Jump times in increasing order: the jump process's (`jump_process.jumps[].t_flow`)
    /// for orthogonal data, else each neuron's first `stage` event upward through the
    /// scenario's `watch.neuron_norm_level` (a neuron that never grows there has none).
    public var jumpTimes: [Double]
    /// ‖θ‖² at the end: `jump_process.flow_squared_norm` when the run has it, else the sum of
    /// squares of every number in `final_params` — unless those are log-scale coordinates
    /// (a `log_scale` entry), whose squares are not ‖θ‖².
    public var squaredNorm: Double?
    /// Eq. (15)'s ‖θ_∞‖² (`jump_process.predicted_squared_norm`), for orthogonal data.
    public var predictedSquaredNorm: Double?
    /// ‖θ*‖² of the minimal-norm interpolator (`jump_process.minimum_norm_squared`).
    public var minimumNormSquared: Double?
    /// Flow against GD, for a point whose scenario has a `gd` block.
    public var comparison: Comparison?

    /// compare.json, as the table shows it: a row per step size and the observed orders.
    public struct Comparison: Equatable, Sendable {
        public struct Row: Equatable, Sendable {
            public var learningRate: Double
            public var iterations: Int?
            public var matchedEvents: Int?
            public var maxEventTimeDifference: Double?
            public var maxParameterDeviation: Double?
            public var finalParameterDifference: Double?
        }

        public var rows: [Row]
        /// The observed orders in η of the event-time gaps, the trajectory gaps, the final
        /// point's gap and GD's gap to its modified-equation flow (nil where compare.json
        /// has null).
        public var eventTimeOrder: Double?
        public var trajectoryOrder: Double?
        public var finalPointOrder: Double?
        public var modifiedFlowOrder: Double?
    }

    /// Statuses of a run that finished its integration.
    public static let finishedStatuses: Set<String> = ["completed", "steady_state"]
    /// The status of a compare point whose flow ran but whose compare.json is missing.
    public static let incompleteStatus = "incomplete"

    public var isFinished: Bool { Self.finishedStatuses.contains(status) }

    /// Reads a point's folder; nil when it has no summary.json (never run, or killed before
    /// writing).
    public static func read(_ folder: URL) throws(SweepError) -> RunFolderSummary? {
        let flowFolder = folder.appendingPathComponent(SweepLayout.compareFlowFolder)
        guard FileManager.default.fileExists(atPath: flowFolder.path) else { return try readRun(folder) }
        guard var summary = try readRun(flowFolder) else { return nil }
        let compareURL = folder.appendingPathComponent(SweepLayout.compareFile)
        guard FileManager.default.fileExists(atPath: compareURL.path) else {
            summary.status = incompleteStatus
            return summary
        }
        summary.comparison = try comparison(compareURL)
        return summary
    }

    private static func readRun(_ folder: URL) throws(SweepError) -> RunFolderSummary? {
        let summaryURL = folder.appendingPathComponent(SweepLayout.summaryFile)
        guard FileManager.default.fileExists(atPath: summaryURL.path) else { return nil }
        guard let summary = (try? Data(contentsOf: summaryURL)).flatMap(JSONValue.parse),
              let status = summary["status"]?.string else {
            throw SweepError("\(summaryURL.path): not a run summary")
        }
        let timeline = try timeline(folder.appendingPathComponent("timeline.jsonl"))
        let jumpProcess = summary["jump_process"]
        let plateaus = summary["plateaus"]?.array
        return RunFolderSummary(
            status: status,
            finalTime: summary["final_time"]?.double,
            finalLoss: summary["final_loss"]?.double,
            steps: summary["steps"]?.int,
            wallSeconds: summary["wall_seconds"]?.double,
            plateauCount: plateaus?.count,
            plateauLevels: plateaus?.compactMap { $0["level"]?.double } ?? [],
            eventCounts: timeline.reduce(into: [:]) { counts, entry in counts[entry.kind, default: 0] += 1 },
            jumpTimes: jumpProcess?["jumps"]?.array.map { $0.compactMap { $0["t_flow"]?.double } } ?? levelJumpTimes(timeline),
            squaredNorm: jumpProcess?["flow_squared_norm"]?.double ?? plainSquaredNorm(summary["final_params"]),
            predictedSquaredNorm: jumpProcess?["predicted_squared_norm"]?.double,
            minimumNormSquared: jumpProcess?["minimum_norm_squared"]?.double)
    }

    private static func comparison(_ url: URL) throws(SweepError) -> Comparison {
        guard let record = (try? Data(contentsOf: url)).flatMap(JSONValue.parse), let runs = record["runs"]?.array else {
            throw SweepError("\(url.path): not a compare record")
        }
        var rows: [Comparison.Row] = []
        for run in runs {
            guard let eta = run["learning_rate"]?.double else { throw SweepError("\(url.path): a run has no learning_rate") }
            rows.append(Comparison.Row(
                learningRate: eta, iterations: run["iterations"]?.int, matchedEvents: run["matched_events"]?.int,
                maxEventTimeDifference: run["max_event_time_difference"]?.double,
                maxParameterDeviation: run["max_parameter_deviation"]?.double,
                finalParameterDifference: run["final_parameter_difference"]?.double))
        }
        return Comparison(rows: rows, eventTimeOrder: record["observed_order_event_time"]?.double,
                          trajectoryOrder: record["observed_order_trajectory"]?.double,
                          finalPointOrder: record["observed_order_final_point"]?.double,
                          modifiedFlowOrder: record["observed_order_modified_flow"]?.double)
    }

    /// The timeline entries' kind, and for `stage` entries the neuron and the side.
    private struct TimelineEntry {
        let time: Double?
        let kind: String
        let neuron: Int?
        let side: String?
    }

    private static func timeline(_ url: URL) throws(SweepError) -> [TimelineEntry] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var entries: [TimelineEntry] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard let entry = JSONValue.parse(Data(line.utf8)), let kind = entry["kind"]?.string else {
                throw SweepError("\(url.path): a line is not an event")
            }
            entries.append(TimelineEntry(time: entry["t"]?.double, kind: kind, neuron: entry["neuron"]?.int, side: entry["side"]?.string))
        }
        return entries
    }

    /// Each neuron's first upward crossing of the watched norm level (`stage`, side `above`).
    private static func levelJumpTimes(_ timeline: [TimelineEntry]) -> [Double] {
        var first: [Int: Double] = [:]
        for entry in timeline where entry.kind == "stage" && entry.side == "above" {
            guard let neuron = entry.neuron, let time = entry.time, first[neuron] == nil else { continue }
            first[neuron] = time
        }
        return first.values.sorted()
    }

    private static func plainSquaredNorm(_ parameters: JSONValue?) -> Double? {
        guard let parameters, parameters["log_scale"] == nil else { return nil }
        return sumOfSquares(parameters)
    }

    private static func sumOfSquares(_ value: JSONValue) -> Double {
        switch value {
        case .number(let number): number * number
        case .array(let list): list.reduce(0) { $0 + sumOfSquares($1) }
        case .object(let object): object.keys.sorted().reduce(0) { $0 + sumOfSquares(object[$1]!) }
        case .null, .bool, .string: 0
        }
    }
}
