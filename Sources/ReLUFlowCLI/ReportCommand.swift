import ArgumentParser
import Experiments
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a digest of a run folder: stages, plateaus, jump times, neuron deaths, events by kind.")

    @Argument(help: "A run folder written by `reluflow run` (or a GD run folder of `reluflow compare`).")
    var folder: String

    func run() throws {
        do {
            print(try RunReport(RunFolder(URL(fileURLWithPath: folder))).text)
        } catch {
            RunCommand.printError(error.description)
            throw ExitCode(2)
        }
    }
}

/// The digest of a run folder, read through the run-folder schema (`RunFolder`): events by
/// kind, the stages (`StageAnalysis`), plateaus, jumps, Algorithm 1 against the flow, the
/// largest loss drops and the neuron deaths.
struct RunReport {
    let summary: RunFolder.Summary
    let timeline: [TimelineRecord]
    let stages: StageAnalysis

    init(_ folder: RunFolder) throws(RunFolder.ReadError) {
        summary = try folder.readSummary()
        timeline = try folder.readTimeline()
        let initialLoss = try folder.readTrajectory().initialLoss ?? .nan
        stages = StageAnalysis(timeline: timeline, finalTime: summary.common.finalTime, initialLoss: initialLoss)
    }

    var text: String {
        let common = summary.common
        var lines = ["run      \(common.scenario)",
                     "status   \(common.status) at t = \(common.finalTime), loss \(common.finalLoss)"]
        let counts = Dictionary(grouping: timeline, by: \.kind).mapValues(\.count)
        lines.append("timeline " + TimelineCounts(timeline).text)
        lines.append("events   " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        lines += ["", "stages   \(stages.stages.count) (constant activation pattern); the longest:"]
        for stage in stages.longest(8) {
            lines.append(String(format: "  [%.6g, %.6g)  duration %.4g  loss at start %.6g", stage.start, stage.end,
                                stage.duration, stage.lossAtStart))
        }
        lines += ["", "plateaus \(common.plateaus.count)"]
        for plateau in common.plateaus {
            var line = String(format: "  [%.6g, %.6g]  level %.6g", plateau.start, plateau.end, plateau.level)
            if let projection = plateau.projectionFloor, let fixedKnots = plateau.fixedKnotFloor {
                line += String(format: "  projection floor %.6g, fixed-knot floor %.6g", projection, fixedKnots)
            }
            lines.append(line)
        }
        let jumps = timeline.filter { $0.kind == "stage" }
        if !jumps.isEmpty {
            lines += ["", "jumps    (a neuron's norm crossing the watched level)"]
            for jump in jumps {
                lines.append(String(format: "  t = %.6g  neuron %@ %@, loss %.6g", jump.time, Self.text(jump.neuron),
                                    jump.side ?? "?", jump.lossValue))
            }
        }
        if let predicted = summary.jumpProcess?.jumps, !predicted.isEmpty {
            lines += ["", "jump process (Algorithm 1) against the flow"]
            for jump in predicted {
                let flow = jump.flowTime.map { String(format: "%.6g", $0) } ?? "-"
                lines.append(String(format: "  neuron %d fits %d samples: predicted t = %.6g, flow %@, plateau after %.6g",
                                    jump.neuron, jump.fittedSamples.count, jump.predictedTime, flow, jump.lossAfter))
            }
        }
        let drops = stages.largestDrops()
        if !drops.isEmpty {
            lines += ["", "largest events (the loss drops over the stage each one ends)"]
            for drop in drops {
                let name = drop.event.map { "\($0.kind) neuron \(Self.text($0.neuron)) sample \(Self.text($0.sample))" }
                    ?? "the end"
                lines.append(String(format: "  t = %.6g  %@: loss %.6g → %.6g over [%.6g, %.6g)", drop.stage.end, name,
                                    drop.stage.lossAtStart, drop.lossAfter, drop.stage.start, drop.stage.end))
            }
        }
        let deaths = timeline.filter { $0.kind == "neuron_death" }
        if !deaths.isEmpty {
            lines += ["", "neuron deaths " + deaths.map { "\(Self.text($0.neuron)) at t = \($0.time)" }.joined(separator: ", ")]
        }
        return lines.joined(separator: "\n")
    }

    private static func text(_ index: Int?) -> String { index.map { "\($0)" } ?? "?" }
}
