import Foundation

/// `sweep.csv`: one row per point, in index order — the axis and derived values, then the
/// status, final time and loss, events by kind, plateau count, jump times and ‖θ‖² (with
/// eq. (15)'s ‖θ_∞‖² and ‖θ*‖² for orthogonal data), steps and wall time. Only the wall
/// time depends on how the sweep was run.
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
        let header = ["point"] + manifest.columns + ["status", "final_time", "final_loss"] + kinds.map { "events_\($0)" }
            + ["plateaus", "jump_times", "squared_norm", "eq15_squared_norm", "minimum_norm_squared", "steps", "wall_seconds"]
        let rows = zip(manifest.points, summaries).map { entry, summary in
            [entry.name] + entry.values + [summary.status, Self.text(summary.finalTime), Self.text(summary.finalLoss)]
                + kinds.map { String(summary.eventCounts[$0] ?? 0) }
                + [summary.plateauCount.map(String.init) ?? "",
                   summary.jumpTimes.map { "\($0)" }.joined(separator: ";"),
                   Self.text(summary.squaredNorm), Self.text(summary.predictedSquaredNorm), Self.text(summary.minimumNormSquared),
                   summary.steps.map(String.init) ?? "", Self.text(summary.wallSeconds)]
        }
        return ([header] + rows).map { $0.map(Self.quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    private static func text(_ number: Double?) -> String { number.map { "\($0)" } ?? "" }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { ",\"\n".contains($0) }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
