import Experiments
import Foundation
import FlowEngine
import Models

/// Writes a run folder in the schema of `RunFolder`: `timeline.jsonl` (one
/// `TimelineRecord` per line, in time order), `trajectory.csv` (a `TrajectoryTable`) and
/// `summary.json`. All three go to temporary files (the trajectory streamed as the run
/// goes) and are renamed into place together at the end, so a folder never holds a
/// half-written file.
final class RunWriter {
    let folder: URL
    private let layout: ParameterLayout
    private let timeline: OutputFile
    private let trajectory: OutputFile

    /// - Parameter folder: an existing folder (`OutputFolder.prepare`).
    init(folder: URL, layout: ParameterLayout) throws {
        self.folder = folder
        self.layout = layout
        timeline = try OutputFile(folder.appendingPathComponent(RunFolder.timelineFile))
        trajectory = try OutputFile(folder.appendingPathComponent(RunFolder.trajectoryFile))
        try trajectory.write(TrajectoryTable.headerLine(parameterNames: layout.columnNames) + "\n")
    }

    /// `data.csv` (header x1..xd,y) and `init.json` (the layout's keys): a replayable copy of
    /// the inputs, generated or read.
    func writeInputs(data: Dataset?, initial: [Double]) throws {
        if let data { try writeData(data) }
        try writeParameters(initial, layout: layout, to: RunFolder.initFile)
    }

    /// `teacher.json` of a `--dump-init` run with a teacher, in the closed-form loss or
    /// labelling the data: its parameters under its own layout (`{"w": w*, "v": [v*_1, ...]}`
    /// for a deep neuron), for the angle ∠(w, w*) (tools/plot-run.py).
    func writeTeacher(_ parameters: [Double], layout: ParameterLayout) throws {
        try writeParameters(parameters, layout: layout, to: RunFolder.teacherFile)
    }

    private func writeParameters(_ parameters: [Double], layout: ParameterLayout, to name: String) throws {
        let file = try OutputFile(folder.appendingPathComponent(name))
        try file.write(try JSONTextEncoder().encode(ParameterValues(parameters, layout: layout)) + "\n")
        try file.commit()
    }

    private func writeData(_ data: Dataset) throws {
        let dataFile = try OutputFile(folder.appendingPathComponent(RunFolder.dataFile))
        let d = data.inputDimension
        try dataFile.write(((1...d).map { "x\($0)" } + ["y"]).joined(separator: ",") + "\n")
        for i in 0..<data.sampleCount {
            try dataFile.write((Array(data.input(i)) + [data.targets[i]]).map { "\($0)" }.joined(separator: ",") + "\n")
        }
        try dataFile.commit()
    }

    func appendTrajectoryRow(time: Double, loss: Double, parameters: UnsafeBufferPointer<Double>) throws {
        try trajectory.write(TrajectoryTable.rowLine(time: time, loss: loss, parameters: parameters) + "\n")
    }

    /// Writes the timeline (in time order) and the summary (a `RunSummaryRecord` or a
    /// `DescentSummaryRecord`), and moves all three files into place.
    func finish(summary: some Encodable, timeline entries: [TimelineRecord]) throws {
        for entry in entries { try timeline.write(entry.jsonLine + "\n") }
        let summaryFile = try OutputFile(folder.appendingPathComponent(RunFolder.summaryFile))
        try JSONTextEncoder(layout: .linePerKey()).encode(summary) { try summaryFile.write($0) }
        try summaryFile.write("\n")
        try timeline.commit()
        try trajectory.commit()
        try summaryFile.commit()
    }

    func discard() {
        timeline.discard()
        trajectory.discard()
    }
}
