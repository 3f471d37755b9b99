import ArgumentParser
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a digest of a run folder: stages, plateaus, jump times, neuron deaths, events by kind.")

    @Argument(help: "A run folder written by `reluflow run`.")
    var folder: String

    func run() throws {
        let url = URL(fileURLWithPath: folder)
        do {
            print(try RunReport(folder: url).text)
        } catch let error as ScenarioError {
            RunCommand.printError(error.description)
            throw ExitCode(2)
        }
    }
}

/// The digest of a run folder. Stages are the maximal intervals with a constant activation
/// pattern: their boundaries are the surface events (those with a sample or neuron pair).
struct RunReport {
    struct Stage {
        let start: Double
        let end: Double
        let lossAtStart: Double
    }

    let summary: [String: Any]
    let events: [[String: Any]]
    /// L(θ0), from the first row of trajectory.csv.
    let initialLoss: Double

    init(folder: URL) throws(ScenarioError) {
        func json(_ name: String) throws(ScenarioError) -> Data {
            do { return try Data(contentsOf: folder.appendingPathComponent(name)) } catch {
                throw ScenarioError(file: folder.appendingPathComponent(name).path, "cannot read (is this a run folder?)")
            }
        }
        let summaryData = try json("summary.json"), timelineData = try json("timeline.jsonl")
        guard let summary = try? JSONSerialization.jsonObject(with: summaryData) as? [String: Any] else {
            throw ScenarioError(file: folder.appendingPathComponent("summary.json").path, "malformed JSON")
        }
        var events: [[String: Any]] = []
        for line in String(decoding: timelineData, as: UTF8.self).split(separator: "\n") {
            guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ScenarioError(file: folder.appendingPathComponent("timeline.jsonl").path, "malformed line '\(line)'")
            }
            events.append(event)
        }
        self.summary = summary
        self.events = events
        let trajectory = String(decoding: try json("trajectory.csv"), as: UTF8.self).split(separator: "\n")
        initialLoss = trajectory.dropFirst().first.flatMap { Double($0.split(separator: ",")[1]) } ?? .nan
    }

    var stages: [Stage] {
        let finalTime = summary["final_time"] as? Double ?? 0
        var boundaries: [(Double, Double)] = []
        for event in events where event["sample"] != nil {
            let t = event["t"] as? Double ?? 0
            if boundaries.last?.0 != t { boundaries.append((t, event["loss"] as? Double ?? .nan)) }
        }
        var stages: [Stage] = []
        var start = 0.0, loss = initialLoss
        for (t, lossThere) in boundaries where t > start {
            stages.append(Stage(start: start, end: t, lossAtStart: loss))
            (start, loss) = (t, lossThere)
        }
        if finalTime > start { stages.append(Stage(start: start, end: finalTime, lossAtStart: loss)) }
        return stages
    }

    /// The five stages ended by an event whose loss fell most (relatively) over them, with
    /// the loss at their end, in time order.
    func largestDrops(_ stages: [Stage]) -> [(Stage, Double)] {
        let ends = zip(stages, stages.dropFirst()).map { ($0, $1.lossAtStart) }
        return ends.filter { $0.0.lossAtStart > $0.1 }
            .sorted { ($0.0.lossAtStart - $0.1) / $0.0.lossAtStart > ($1.0.lossAtStart - $1.1) / $1.0.lossAtStart }
            .prefix(5).sorted { $0.0.start < $1.0.start }
    }

    var text: String {
        var lines = ["run      \(summary["scenario"] as? String ?? "?")",
                     "status   \(summary["status"] as? String ?? "?") at t = \(summary["final_time"] ?? "?"), "
                        + "loss \(summary["final_loss"] ?? "?")"]
        var counts: [String: Int] = [:]
        for event in events { counts[event["kind"] as? String ?? "?", default: 0] += 1 }
        lines.append("events   " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        let stages = self.stages
        lines.append("")
        lines.append("stages   \(stages.count) (constant activation pattern); the longest:")
        for stage in stages.sorted(by: { $0.end - $0.start > $1.end - $1.start }).prefix(8).sorted(by: { $0.start < $1.start }) {
            lines.append(String(format: "  [%.6g, %.6g)  duration %.4g  loss at start %.6g", stage.start, stage.end,
                                stage.end - stage.start, stage.lossAtStart))
        }
        let plateaus = summary["plateaus"] as? [[String: Any]] ?? []
        lines.append("")
        lines.append("plateaus \(plateaus.count)")
        for plateau in plateaus {
            lines.append(String(format: "  [%.6g, %.6g]  level %.6g", plateau["start"] as? Double ?? .nan,
                                plateau["end"] as? Double ?? .nan, plateau["level"] as? Double ?? .nan))
        }
        let jumps = events.filter { $0["kind"] as? String == "stage" }
        if !jumps.isEmpty {
            lines.append("")
            lines.append("jumps    (a neuron's norm crossing the watched level)")
            for jump in jumps {
                lines.append(String(format: "  t = %.6g  neuron %@ %@, loss %.6g", jump["t"] as? Double ?? .nan,
                                    "\(jump["neuron"] ?? "?")", "\(jump["side"] ?? "?")", jump["loss"] as? Double ?? .nan))
            }
        }
        if let prediction = summary["jump_process"] as? [String: Any],
           let predicted = prediction["jumps"] as? [[String: Any]], !predicted.isEmpty {
            lines.append("")
            lines.append("jump process (Algorithm 1) against the flow")
            for jump in predicted {
                let flow = (jump["t_flow"] as? Double).map { String(format: "%.6g", $0) } ?? "-"
                lines.append(String(format: "  neuron %@ fits %d samples: predicted t = %.6g, flow %@, plateau after %.6g",
                                    "\(jump["neuron"] ?? "?")", (jump["fitted_samples"] as? [Any])?.count ?? 0,
                                    jump["t_predicted"] as? Double ?? .nan, flow, jump["loss_after"] as? Double ?? .nan))
            }
        }
        let drops = largestDrops(stages)
        if !drops.isEmpty {
            lines.append("")
            lines.append("largest events (the loss drops over the stage each one ends)")
            for (stage, lossAfter) in drops {
                let event = events.first { ($0["t"] as? Double) == stage.end && $0["sample"] != nil }
                let name = event.map { "\($0["kind"] ?? "?") neuron \($0["neuron"] ?? "?") sample \($0["sample"] ?? "?")" } ?? "the end"
                lines.append(String(format: "  t = %.6g  %@: loss %.6g → %.6g over [%.6g, %.6g)", stage.end, name,
                                    stage.lossAtStart, lossAfter, stage.start, stage.end))
            }
        }
        let deaths = events.filter { $0["kind"] as? String == "neuron_death" }
        if !deaths.isEmpty {
            lines.append("")
            lines.append("neuron deaths " + deaths.map { "\($0["neuron"] ?? "?") at t = \($0["t"] ?? "?")" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
