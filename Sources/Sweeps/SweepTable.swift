import Foundation

/// `sweep.csv`: one row per point, in index order — the axis and derived values, then the
/// status, final time and loss, events by kind, plateau count and levels, jump times and
/// ‖θ‖² (with eq. (15)'s ‖θ_∞‖² and ‖θ*‖² for orthogonal data), steps and wall time. A point
/// run as `reluflow compare` (its scenario has a `gd` block) has one row per step size, with
/// GD's gaps to the flow and the point's observed orders in η. Only the wall time depends on
/// how the sweep was run.
public struct SweepTable: Sendable {
    public let manifest: SweepManifest
    public let summaries: [RunFolderSummary]

    /// Reads every point's folder; throws naming the points with no summary.
    public init(manifest: SweepManifest, layout: SweepLayout) throws(SweepError) {
        var summaries: [RunFolderSummary] = []
        var missing: [String] = []
        for entry in manifest.points {
            if let summary = try RunFolderSummary.read(layout.pointFolder(entry.name)) { summaries.append(summary) } else { missing.append(entry.name) }
        }
        guard missing.isEmpty else {
            throw SweepError("\(missing.count) of \(manifest.points.count) points have no results: "
                + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : ""))
        }
        self.manifest = manifest
        self.summaries = summaries
    }

    public var csv: String {
        let kinds = Set(summaries.flatMap(\.eventCounts.keys)).sorted()
        let compares = summaries.contains { $0.comparison != nil }
        let header = ["point"] + manifest.columns + (compares ? ["learning_rate"] : [])
            + ["status", "final_time", "final_loss"] + kinds.map { "events_\($0)" }
            + ["plateaus", "plateau_levels", "jump_times", "squared_norm", "eq15_squared_norm", "minimum_norm_squared"]
            + (compares ? Self.comparisonColumns : []) + ["steps", "wall_seconds"]
        let blank = Array(repeating: "", count: Self.comparisonColumns.count + 1)
        let rows = zip(manifest.points, summaries).flatMap { entry, summary -> [[String]] in
            let results = Self.resultFields(summary, kinds: kinds)
            let comparisonRows: [[String]] = compares ? summary.comparison.map(Self.comparisonFields) ?? [blank] : [[]]
            return comparisonRows.map { comparison -> [String] in
                let lead: [String] = [entry.name] + entry.values + comparison.prefix(1)
                let trail: [String] = comparison.dropFirst() + [summary.steps.map(String.init) ?? "", Self.text(summary.wallSeconds)]
                return lead + results + trail
            }
        }
        return ([header] + rows).map { $0.map(Self.quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// From the status to ‖θ*‖².
    private static func resultFields(_ summary: RunFolderSummary, kinds: [String]) -> [String] {
        let outcome = [summary.status, text(summary.finalTime), text(summary.finalLoss)]
        let events = kinds.map { String(summary.eventCounts[$0] ?? 0) }
        let shape = [summary.plateauCount.map(String.init) ?? "", list(summary.plateauLevels), list(summary.jumpTimes)]
        let norms = [text(summary.squaredNorm), text(summary.predictedSquaredNorm), text(summary.minimumNormSquared)]
        return outcome + events + shape + norms
    }

    /// A compare point's columns after ‖θ*‖²: GD at the row's step size against the flow,
    /// then the point's observed orders in η (the same on each of its rows).
    private static let comparisonColumns = [
        "gd_iterations", "matched_events", "max_event_time_difference", "max_parameter_deviation", "final_parameter_difference",
        "order_event_time", "order_trajectory", "order_final_point", "order_modified_flow",
    ]

    /// One row per step size: the step size first, then `comparisonColumns`.
    private static func comparisonFields(_ comparison: RunFolderSummary.Comparison) -> [[String]] {
        let orders = [comparison.eventTimeOrder, comparison.trajectoryOrder, comparison.finalPointOrder, comparison.modifiedFlowOrder]
        return comparison.rows.map { row in
            ["\(row.learningRate)", row.iterations.map(String.init) ?? "", row.matchedEvents.map(String.init) ?? "",
             text(row.maxEventTimeDifference), text(row.maxParameterDeviation), text(row.finalParameterDifference)]
                + orders.map(text)
        }
    }

    private static func list(_ numbers: [Double]) -> String { numbers.map { "\($0)" }.joined(separator: ";") }

    private static func text(_ number: Double?) -> String { number.map { "\($0)" } ?? "" }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { ",\"\n".contains($0) }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
