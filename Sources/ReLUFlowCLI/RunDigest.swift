import Experiments
import Foundation

/// The human-readable account of a run printed on stdout: settings, the timeline as a
/// table, and where the run ended.
struct RunDigest {
    let outcome: ScenarioRun.Outcome
    static let shownEvents = 40

    init(_ outcome: ScenarioRun.Outcome) { self.outcome = outcome }

    /// Right-aligns (or left-aligns) `text` in a column of `width` characters.
    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + fill : fill + text
    }

    var text: String {
        let summary = outcome.summary
        let result = outcome.result
        let statistics = result.statistics
        var lines = [
            "scenario  \(summary.scenario)",
            "model     \(summary.model), loss \(summary.lossNormalization), stepper \(summary.stepper) "
                + "(rtol \(summary.relativeTolerance), atol \(summary.absoluteTolerance)), t_end \(summary.endTime)",
            "",
            "timeline: " + TimelineCounts(outcome.entries).text,
        ]
        if !outcome.entries.isEmpty {
            lines.append("  " + Self.pad("t", 16) + "  " + Self.pad("kind", 13, left: true) + Self.pad("neuron", 7)
                + Self.pad("sample", 7) + Self.pad("loss", 16))
            let entries = outcome.entries
            let half = Self.shownEvents / 2
            let shown = entries.count <= Self.shownEvents ? Array(entries.indices)
                : Array(0..<half) + Array((entries.count - half)..<entries.count)
            for (position, index) in shown.enumerated() {
                if position == half, entries.count > Self.shownEvents {
                    lines.append("  ... \(entries.count - Self.shownEvents) more in timeline.jsonl ...")
                }
                let entry = entries[index]
                lines.append("  " + Self.pad(String(format: "%.10f", entry.time), 16) + "  "
                    + Self.pad(entry.kind, 13, left: true) + Self.pad(entry.neuron.map { "\($0)" } ?? "-", 7)
                    + Self.pad(entry.sample.map { "\($0)" } ?? "-", 7)
                    + Self.pad(String(format: "%.8g", entry.lossValue), 16))
            }
        }
        lines += [
            "",
            "\(summary.status) at t = \(result.finalTime): loss \(summary.finalLoss)",
        ]
        lines += Self.parameterLines(summary.finalParameters)
        lines += [
            "active     \(summary.finalActive.count) of \(result.finalGates.count) (neuron, sample) pairs"
                + (summary.finalSliding.isEmpty ? "" : ", \(summary.finalSliding.count) sliding"),
            "work       \(statistics.stepCount) steps (\(statistics.failedStepCount) rejected"
                + (statistics.implicitStepCount > 0 ? ", \(statistics.implicitStepCount) implicit" : "") + "), "
                + "\(statistics.rhsEvaluationCount) field evaluations, \(statistics.restepCount) event re-steps, "
                + String(format: "%.3f s", summary.wallSeconds),
            "output     \(outcome.folder.path)/{timeline.jsonl, summary.json, trajectory.csv}",
        ]
        return lines.joined(separator: "\n")
    }

    /// Values shown per parameter group; the full vector is `final_params` in summary.json.
    static let shownValues = 4

    /// One line per parameter group: its shape, its Euclidean norm and its first values,
    /// so that the digest stays a few lines at any width.
    static func parameterLines(_ parameters: ParameterValues) -> [String] {
        let nameWidth = parameters.groups.map(\.name.count).max() ?? 0
        let rows = parameters.groups.map { group in
            let values = group.value.flattened
            let shape = "[" + shapeOf(group.value).map(String.init).joined(separator: ", ") + "]"
            let leading = values.prefix(shownValues).map { String(format: "%.6g", $0) }.joined(separator: ", ")
            let rest = values.count > shownValues ? ", … (\(values.count - shownValues) more)" : ""
            return "  " + pad(group.name, nameWidth, left: true) + "  " + pad(shape, 10, left: true)
                + "  norm " + pad(String(format: "%.6g", norm(values)), 12, left: true) + "  " + leading + rest
        }
        return ["parameters (shape, Euclidean norm, first values; all in summary.json final_params)"] + rows
    }

    /// The nested arrays' lengths, outermost first; [] for a scalar.
    private static func shapeOf(_ value: ParameterValues.Value) -> [Int] {
        guard case .array(let items) = value else { return [] }
        return [items.count] + (items.first.map(shapeOf) ?? [])
    }

    /// ‖v‖₂, scaled by max|v_i| first so that entries near the double range do not overflow.
    private static func norm(_ values: [Double]) -> Double {
        let scale = values.reduce(0) { max($0, abs($1)) }
        guard scale > 0, scale.isFinite else { return scale }
        return scale * values.reduce(0) { $0 + ($1 / scale) * ($1 / scale) }.squareRoot()
    }
}
