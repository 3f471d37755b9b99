import Experiments
import Foundation
import FlowEngine
import Models

/// Writes a run folder as DESIGN.md's contract says: `timeline.jsonl` (one event per line,
/// in time order), `trajectory.csv` (t, loss, parameters) and `summary.json`. All three go
/// to temporary files (the trajectory streamed as the run goes) and are renamed into place
/// together at the end, so a folder never holds a half-written file.
final class RunWriter {
    let folder: URL
    private let layout: ParameterLayout
    private let timeline: OutputFile
    private let trajectory: OutputFile

    init(folder: URL, layout: ParameterLayout) throws {
        self.folder = folder
        self.layout = layout
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        timeline = try OutputFile(folder.appendingPathComponent("timeline.jsonl"))
        trajectory = try OutputFile(folder.appendingPathComponent("trajectory.csv"))
        try trajectory.write((["t", "loss"] + layout.columnNames).joined(separator: ",") + "\n")
    }

    /// `data.csv` (header x1..xd,y) and `init.json` (the layout's keys): a replayable copy of
    /// the inputs, generated or read.
    func writeInputs(data: Dataset?, initial: [Double]) throws {
        if let data { try writeData(data) }
        let initFile = try OutputFile(folder.appendingPathComponent("init.json"))
        try initFile.write(JSONText.object(RunSummary.parameterFields(initial, layout: layout)) + "\n")
        try initFile.commit()
    }

    private func writeData(_ data: Dataset) throws {
        let dataFile = try OutputFile(folder.appendingPathComponent("data.csv"))
        let d = data.inputDimension
        try dataFile.write(((1...d).map { "x\($0)" } + ["y"]).joined(separator: ",") + "\n")
        for i in 0..<data.sampleCount {
            try dataFile.write((Array(data.input(i)) + [data.targets[i]]).map { "\($0)" }.joined(separator: ",") + "\n")
        }
        try dataFile.commit()
    }

    private func write(_ entry: TimelineEntry) throws {
        try timeline.write(entry.json + "\n")
    }

    func appendTrajectoryRow(time: Double, loss: Double, parameters: UnsafeBufferPointer<Double>) throws {
        let values = [time, loss] + parameters
        try trajectory.write(values.map { $0.isFinite ? "\($0)" : "nan" }.joined(separator: ",") + "\n")
    }

    /// Writes the timeline (in time order) and the summary, and moves all three files into place.
    func finish(summary: RunSummary, timeline entries: [TimelineEntry]) throws {
        try finish(summaryJSON: summary.json(layout: layout), timeline: entries)
    }

    /// The same with the summary already as JSON text (a GD run's, `DescentTimeline`).
    func finish(summaryJSON: String, timeline entries: [TimelineEntry]) throws {
        for entry in entries { try write(entry) }
        let summaryFile = try OutputFile(folder.appendingPathComponent("summary.json"))
        try summaryFile.write(summaryJSON + "\n")
        try timeline.commit()
        try trajectory.commit()
        try summaryFile.commit()
    }

    func discard() {
        timeline.discard()
        trajectory.discard()
    }
}

/// One line of `timeline.jsonl`, in the network's words.
struct TimelineEntry {
    let time: Double
    var kind: String
    /// `active` or `inactive`: the side a `slide_end` left to.
    var exit: String?
    /// `active` or `inactive`: the side a `choice` took; `above` or `below` for a `stage`
    /// (the neuron's norm rose above or fell below the watched level); `left` or `right` for
    /// a knot event.
    var side: String?
    /// The gate s after a slide start, slide end or chattering (an effective ReLU'(0)).
    var gate: Double?
    /// Where a knot left or entered the data range (`knot_exit`, `knot_entry`).
    var position: Double?
    let neuron: Int?
    var sample: Int?
    let loss: Double
    /// The plateau floor Q_0 (plateau entries of models that have one).
    var floor: Double?
    /// ∇g·F on the inactive and the active side, for surface events.
    var normalSpeeds: (inactive: Double, active: Double)?
    /// GD timelines only: the iteration k (t = η·k) and whether the flip undid one of the
    /// same pair within a few iterations.
    var iteration: Int?
    var isChattering: Bool?

    /// The entry as one line of JSON.
    var json: String {
        var fields: [(String, String)] = [("t", JSONText.number(time))]
        if let iteration { fields.append(("iteration", "\(iteration)")) }
        fields.append(("kind", JSONText.string(kind)))
        if let neuron { fields.append(("neuron", "\(neuron)")) }
        if let sample { fields.append(("sample", "\(sample)")) }
        if let exit { fields.append(("exit", JSONText.string(exit))) }
        if let side { fields.append(("side", JSONText.string(side))) }
        if let gate { fields.append(("gate", JSONText.number(gate))) }
        if let position { fields.append(("position", JSONText.number(position))) }
        if let isChattering { fields.append(("chattering", isChattering ? "true" : "false")) }
        if let floor { fields += [("floor", JSONText.number(floor)), ("gap", JSONText.number(loss - floor))] }
        fields.append(("loss", JSONText.number(loss)))
        if let normalSpeeds {
            fields += [("normal_speed_inactive", JSONText.number(normalSpeeds.inactive)),
                       ("normal_speed_active", JSONText.number(normalSpeeds.active))]
        }
        return JSONText.object(fields)
    }

    /// A surface event: `activation` when the surface's positive side (pre-activation > 0)
    /// is entered, `deactivation` for the negative side; `slide_start`, `slide_end`,
    /// `choice` (a repelling surface where a side had to be chosen) and `chattering`
    /// otherwise.
    init(_ event: TimelineEvent, label: SurfaceLabel, loss: Double) {
        time = event.time
        switch event.kind {
        case .crossing(into: .positive): kind = "activation"
        case .crossing(into: .negative): kind = "deactivation"
        case .slideStart:
            kind = "slide_start"
            gate = event.gate
        case .slideEnd(let exitSide):
            kind = "slide_end"
            exit = exitSide.activationWord
            gate = event.gate
        case .choice(let into):
            kind = "choice"
            side = into.activationWord
        case .chattering:
            kind = "chattering"
            gate = event.gate
        case .watched(let into):
            // A neuron's norm crossed the watched level: a jump (stage) time.
            kind = "stage"
            side = into.levelWord
        }
        neuron = label.neuron
        sample = label.sample == SurfaceLabel.everySample ? nil : label.sample
        self.loss = loss
        normalSpeeds = (event.negativeSideSpeed, event.positiveSideSpeed)
    }

    /// `plateau_start` or `plateau_end` of a loss plateau, with its level as the loss and,
    /// where the model has one, the floor Q_0 of the partition at the plateau's start.
    init(plateauBoundaryAt time: Double, isStart: Bool, level: Double, floor: Double?) {
        self.time = time
        kind = isStart ? "plateau_start" : "plateau_end"
        neuron = nil
        loss = level
        self.floor = floor
    }

    /// A knot event of a univariate model: `knot_exit` (the knot left the data range on
    /// `side`, its neuron active on every sample or on none) or `knot_entry`.
    init(_ change: KnotRange.Change, time: Double, loss: Double) {
        self.time = time
        kind = change.isInside ? "knot_entry" : "knot_exit"
        side = change.side?.rawValue
        position = change.position
        neuron = change.neuron
        self.loss = loss
    }

    /// `entries` (in time order) with a `plateau_start` and a `plateau_end` for every plateau
    /// (and its floor Q_0, if any) merged in; at equal times the other entries come first.
    static func merging(_ entries: [TimelineEntry], plateaus: [PlateauDetector.Plateau], floors: [Double?]) -> [TimelineEntry] {
        let plateauEntries = zip(plateaus, floors).flatMap { plateau, floor in
            [TimelineEntry(plateauBoundaryAt: plateau.start, isStart: true, level: plateau.level, floor: floor),
             TimelineEntry(plateauBoundaryAt: plateau.end, isStart: false, level: plateau.level, floor: floor)]
        }
        return (entries.enumerated().map { ($0.element, $0.offset) }
            + plateauEntries.enumerated().map { ($0.element, entries.count + $0.offset) })
            .sorted { ($0.0.time, $0.1) < ($1.0.time, $1.1) }.map(\.0)
    }

    /// A neuron event: `neuron_death` (active on no sample) or `neuron_revival`.
    init(_ change: NeuronActivity.Change, time: Double, loss: Double) {
        self.time = time
        kind = change.isAlive ? "neuron_revival" : "neuron_death"
        neuron = change.neuron
        self.loss = loss
    }
}

/// The contents of `summary.json`.
struct RunSummary {
    let scenario: String
    let model: String
    let stepper: String
    let repellingRule: String
    let relativeTolerance: Double
    let absoluteTolerance: Double
    let normalization: String
    /// s with ∇L = s·∇L_½Σ, so the flow at t is the ½Σ flow at s·t (plateau notes §1.5);
    /// nil for a population loss.
    let halfSumTimeFactor: Double?
    let endTime: Double
    let result: FlowResult
    let finalLoss: Double
    /// Loss plateaus found on the run's accepted steps (`PlateauDetector`), and their floors
    /// Q_0 where the model has one (`PlateauFloorProviding`).
    let plateaus: [PlateauDetector.Plateau]
    let plateauFloors: [Double?]
    /// Pairs on their active side at the end (gate 1).
    let activeSurfaces: [SurfaceLabel]
    /// Pairs slid on at the end, with their gates in (0, 1).
    let slidingSurfaces: [(label: SurfaceLabel, gate: Double)]
    /// Algorithm 1's prediction beside the flow (`two_layer_orthogonal` models only).
    let jumpProcess: JumpProcessReport?
    let wallSeconds: Double

    var status: String {
        switch result.termination {
        case .reachedEndTime: "completed"
        case .reachedSteadyState: "steady_state"
        case .interrupted: "interrupted"
        case .failed: "failed"
        }
    }

    var errorMessage: String? {
        switch result.termination {
        case .reachedEndTime, .reachedSteadyState: nil
        case .interrupted: "interrupted by a signal at t = \(result.finalTime)"
        case .failed(let error): error.description
        }
    }

    /// Plateaus as a JSON array of {start, end, level, duration[, floor]}.
    static func plateausJSON(_ plateaus: [PlateauDetector.Plateau], floors: [Double?]? = nil) -> String {
        "[" + plateaus.enumerated().map { index, plateau in
            JSONText.object([("start", JSONText.number(plateau.start)), ("end", JSONText.number(plateau.end)),
                             ("level", JSONText.number(plateau.level)), ("duration", JSONText.number(plateau.duration))]
                            + ((floors?[index]).flatMap { $0 }.map { [("floor", JSONText.number($0))] } ?? []))
        }.joined(separator: ", ") + "]"
    }

    /// The parameter groups as JSON fields, in the init file's format.
    static func parameterFields(_ parameters: [Double], layout: ParameterLayout) -> [(String, String)] {
        layout.split(parameters).map { group, values in
            (group.name, group.shape.isEmpty ? JSONText.number(values.first!) : nested(Array(values), shape: group.shape))
        }
    }

    func json(layout: ParameterLayout) -> String {
        let parameters = Self.parameterFields(result.finalState, layout: layout)
        let statistics = result.statistics
        let active = "[" + activeSurfaces.map { JSONText.object([("neuron", "\($0.neuron)"), ("sample", "\($0.sample)")]) }
            .joined(separator: ", ") + "]"
        let sliding = "[" + slidingSurfaces.map {
            JSONText.object([("neuron", "\($0.label.neuron)"), ("sample", "\($0.label.sample)"), ("gate", JSONText.number($0.gate))])
        }.joined(separator: ", ") + "]"
        let plateauList = Self.plateausJSON(plateaus, floors: plateauFloors)
        let prediction: [(String, String)] = jumpProcess.map { [("jump_process", $0.json())] } ?? []
        let head: [(String, String)] = [
            ("status", JSONText.string(status)),
            ("error", errorMessage.map(JSONText.string) ?? "null"),
            ("scenario", JSONText.string(scenario)),
            ("model", JSONText.string(model)),
            ("loss_normalization", JSONText.string(normalization)),
            ("stepper", JSONText.string(stepper)),
            ("repelling_rule", JSONText.string(repellingRule)),
            ("rtol", JSONText.number(relativeTolerance)),
            ("atol", JSONText.number(absoluteTolerance)),
            ("t_end", JSONText.number(endTime)),
            ("time_mapping", JSONText.object([
                ("gd_iteration", JSONText.string("k = t / eta for full-batch GD with step eta on this loss")),
                ("half_sum_time_factor", halfSumTimeFactor.map(JSONText.number) ?? "null"),
                ("meaning", JSONText.string("this flow at time t is the half_sum loss's flow at time half_sum_time_factor * t")),
            ])),
            ("final_time", JSONText.number(result.finalTime)),
            ("final_loss", JSONText.number(finalLoss)),
            ("final_params", JSONText.object(parameters)),
            ("final_active", active),
            ("final_sliding", sliding),
            ("plateaus", plateauList),
        ]
        let counts: [(String, String)] = [
            ("events", "\(statistics.eventCount)"),
            ("steps", "\(statistics.stepCount)"),
            ("failed_steps", "\(statistics.failedStepCount)"),
            ("rhs_evaluations", "\(statistics.rhsEvaluationCount)"),
            ("event_resteps", "\(statistics.restepCount)"),
            ("sliding_steps", "\(statistics.slidingStepCount)"),
            ("max_sliding_drift", JSONText.number(statistics.maxSlidingDrift)),
            ("wall_seconds", JSONText.number(wallSeconds)),
        ]
        return JSONText.object(head + prediction + counts, indent: "")
    }

    private static func nested(_ values: [Double], shape: [Int]) -> String {
        guard shape.count > 1 else { return JSONText.array(values) }
        let stride = values.count / shape[0]
        return "[" + (0..<shape[0]).map {
            nested(Array(values[($0 * stride)..<(($0 + 1) * stride)]), shape: Array(shape.dropFirst()))
        }.joined(separator: ", ") + "]"
    }
}
