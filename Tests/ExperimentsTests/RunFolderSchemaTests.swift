import Foundation
import Testing
import Experiments
import FlowEngine
import Models

/// The run-folder schema: what the records write, and that they read back what they wrote.
struct RunFolderSchemaTests {
    static func plateau(start: Double, end: Double, level: Double) -> PlateauDetector.Plateau {
        let detector = PlateauDetector(flatness: 0.05, minimumSpan: 3)
        let found = detector.plateaus(in: [(start, level), (end, level)])
        return found[0]
    }

    @Test("A timeline line keeps its key order, Swift's shortest numbers (50.0, 1e-12) and writes NaN as null")
    func timelineLineText() throws {
        var record = TimelineRecord(time: 50, kind: "deactivation", neuron: 0, sample: 2, loss: .nan)
        record.gate = 1e-12
        record.iteration = 7
        record.isChattering = true
        #expect(record.jsonLine
            == #"{"t": 50.0, "iteration": 7, "kind": "deactivation", "neuron": 0, "sample": 2, "gate": 1e-12, "chattering": true, "loss": null}"#)
        let decoded = try JSONDecoder().decode(TimelineRecord.self, from: Data(record.jsonLine.utf8))
        #expect(decoded.loss == nil && decoded.lossValue.isNaN)
        #expect(decoded.iteration == 7 && decoded.isChattering == true && decoded.sample == 2)
    }

    @Test("A plateau entry with floors writes projection_floor and fixed_knot_floor before the loss")
    func plateauEntryWritesItsFloors() {
        let floors = PlateauFloors(projection: 0.25, fixedKnots: 0.5)
        let record = TimelineRecord(plateauBoundaryAt: 2, isStart: true, level: 0.75, floors: floors)
        #expect(record.jsonLine
            == #"{"t": 2.0, "kind": "plateau_start", "projection_floor": 0.25, "fixed_knot_floor": 0.5, "loss": 0.75}"#)
    }

    @Test("A flow summary writes one key per line, null for a missing error, and reads back equal")
    func summaryRoundTrip() throws {
        let layout = ParameterLayout(groups: [.init(name: "W", shape: [2, 2]), .init(name: "b", shape: [])])
        let summary = RunSummaryRecord(
            status: "completed", error: nil, scenario: "s.yaml", model: "two_layer", lossNormalization: "half_sum",
            stepper: "rk8pd", repellingRule: "inactive", relativeTolerance: 1e-10, absoluteTolerance: 1e-12,
            endTime: 50, timeMapping: .init(halfSumTimeFactor: nil), finalTime: 50, finalLoss: 0.125,
            finalParameters: ParameterValues([1, 2, 3, 4, 0.5], layout: layout),
            finalActive: [.init(neuron: 0, sample: 1)], finalSliding: [.init(neuron: 1, sample: 0, gate: 0.25)],
            plateaus: [PlateauRecord(Self.plateau(start: 1, end: 10, level: 0.5))], jumpProcess: nil,
            counts: TimelineCounts([TimelineRecord(time: 0, kind: "neuron_death", neuron: 1, loss: 1),
                                    TimelineRecord(time: 2, kind: "activation", neuron: 0, sample: 1, loss: 0.5)]),
            stepCount: 100, failedStepCount: 1, rhsEvaluationCount: 1300, restepCount: 12,
            slidingStepCount: 5, implicitStepCount: 2, maxSlidingDrift: 0, wallSeconds: 0.5)
        let text = try JSONTextEncoder(layout: .linePerKey()).encode(summary)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "{" && lines[1] == #"  "status": "completed","# && lines[2] == #"  "error": null,"#)
        #expect(text.contains(#""half_sum_time_factor": null"#))
        #expect(text.contains(#""final_params": {"W": [[1.0, 2.0], [3.0, 4.0]], "b": 0.5}"#))
        #expect(text.contains(#""final_active": [{"neuron": 0, "sample": 1}]"#))
        #expect(!text.contains("jump_process"))
        #expect(text.contains(#""transitions": 1,"#) && text.contains(#""start_entries": 1,"#)
                && text.contains(#""timeline_entries": 2,"#))
        let decoded = try JSONDecoder().decode(RunSummaryRecord.self, from: Data(text.utf8))
        #expect(decoded == summary)
        #expect(decoded.finalParameters["W"]?.flattened == [1, 2, 3, 4])
    }

    @Test("A list of surface pairs, written as one text, is the text its elements encode to one by one")
    func surfacePairListText() throws {
        let pairs = [RunSummaryRecord.SurfacePair(neuron: 0, sample: 12),
                     RunSummaryRecord.SurfacePair(neuron: 7, sample: 3, gate: 0.25),
                     RunSummaryRecord.SurfacePair(neuron: 1, sample: 0, gate: .nan),
                     RunSummaryRecord.SurfacePair(neuron: 2, sample: 5, gate: 1e-12)]
        let elementByElement = try "[" + pairs.map { try JSONTextEncoder().encode($0) }.joined(separator: ", ") + "]"
        #expect(try JSONTextEncoder().encode(pairs) == elementByElement)
        #expect(try JSONTextEncoder().encode([RunSummaryRecord.SurfacePair]()) == "[]")
        #expect(elementByElement.contains(#"{"neuron": 7, "sample": 3, "gate": 0.25}"#)
                && elementByElement.contains(#""gate": null"#) && elementByElement.contains(#""gate": 1e-12"#))
    }

    @Test("compare.json puts each run on a line of its own and writes missing orders as null")
    func compareLayout() throws {
        let run = CompareRecord.Run(
            learningRate: 0.1, iterations: 10, matchedEventCount: 0, maxEventTimeDifference: 0, events: [],
            flowOnlyEventCount: 0, gdOnlyFlipCount: 0, maxParameterDeviation: 0.5, maxLossDeviation: 0.25,
            maxModifiedFlowDeviation: 0.125, finalParameterDifference: 0.5, finalLossDifference: 0.25,
            gdPlateaus: [], gdLoss: [[0, 1], [1, 0.5]], modifiedFlowError: nil)
        let record = CompareRecord(flowTime: 1, flowTransitions: 0, runs: [run, run])
        let text = try JSONTextEncoder(layout: .linePerKey(expandedKeys: ["runs"])).encode(record)
        #expect(text.contains("\"runs\": [\n    {\"learning_rate\": 0.1, "))
        #expect(text.contains("\"gd_loss\": [[0.0, 1.0], [1.0, 0.5]]},\n    {"))
        #expect(text.contains("\n  ],\n  \"observed_order_event_time\": null,"))
        #expect(!text.contains("modified_flow_error"))
        #expect(try JSONDecoder().decode(CompareRecord.self, from: Data(text.utf8)) == record)
    }

    @Test("A trajectory row writes nan for non-finite values and reads back")
    func trajectoryTable() throws {
        let text = TrajectoryTable.headerLine(parameterNames: ["w1", "b"]) + "\n"
            + TrajectoryTable.rowLine(time: 0, loss: 2.5, parameters: [1, -0.5]) + "\n"
            + TrajectoryTable.rowLine(time: 1, loss: .infinity, parameters: [1, .nan]) + "\n"
        #expect(text == "t,loss,w1,b\n0.0,2.5,1.0,-0.5\n1.0,nan,1.0,nan\n")
        #expect(TrajectoryTable.rowLine(time: 1e-12, loss: 0.1 + 0.2, parameters: [-1.5e300, -.infinity])
                == "1e-12,0.30000000000000004,-1.5e+300,nan")
        let table = try TrajectoryTable(csv: text)
        #expect(table.parameterNames == ["w1", "b"] && table.initialLoss == 2.5 && table.rows.count == 2)
        #expect(throws: TrajectoryTable.FormatError(reason: "line 1: the header is not t,loss,...")) {
            try TrajectoryTable(csv: "time,loss\n")
        }
        // A file cut short: the last row has fewer fields than the header.
        #expect(throws: TrajectoryTable.FormatError(reason: "line 3: 1 field(s), the header has 4")) {
            try TrajectoryTable(csv: String(text.dropLast(13)) + "\n")
        }
    }

    @Test("A folder's summary is read as a GD run's when it says method gradient_descent")
    func descentSummaryIsRecognised() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reluflow-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = DescentSummaryRecord(
            scenario: "s.yaml", model: "single_neuron", learningRate: 0.5, iterations: 4, reluDerivativeAtZero: 0,
            finalLoss: 0.125, finalParameters: ParameterValues([1], layout: ParameterLayout(groups: [.init(name: "w", shape: [1])])),
            plateaus: [], flipCount: 0)
        try (try JSONTextEncoder(layout: .linePerKey()).encode(summary)).write(
            to: folder.appendingPathComponent(RunFolder.summaryFile), atomically: true, encoding: .utf8)
        let read = try RunFolder(folder).readSummary()
        guard case .descent(let decoded) = read else { Issue.record("read as a flow summary"); return }
        #expect(decoded == summary && read.common.finalTime == 2)
        #expect(throws: RunFolder.ReadError.self) { try RunFolder(folder).readTimeline() }
    }

    @Test("TimelineCounts: transitions are surface kinds after t = 0; t = 0 bookkeeping and the rest apart")
    func timelineCountsSeparateTransitionsFromStartEntries() {
        let timeline = [
            TimelineRecord(time: 0, kind: "neuron_death", neuron: 3, loss: 2),
            TimelineRecord(time: 0, kind: "knot_exit", neuron: 4, loss: 2),
            TimelineRecord(time: 0, kind: "choice", neuron: 0, sample: 2, loss: 2),
            TimelineRecord(time: 0.5, kind: "plateau_start", loss: 2),
            TimelineRecord(time: 1, kind: "deactivation", neuron: 0, sample: 1, loss: 1),
            TimelineRecord(time: 1, kind: "neuron_death", neuron: 0, loss: 1),
            TimelineRecord(time: 2, kind: "slide_start", neuron: 1, sample: 1, loss: 0.5),
            TimelineRecord(time: 3, kind: "stage", neuron: 1, loss: 0.25),
        ]
        let counts = TimelineCounts(timeline)
        #expect(counts.transitions == 2 && counts.startEntries == 3 && counts.timelineEntries == 8)
        #expect(counts.text == "2 transitions, 3 start entries (t = 0), 8 timeline entries")
    }
}
