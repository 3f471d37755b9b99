import Foundation
import Testing

/// What `run` and `compare` promise about their outcomes beyond a plain success: a write
/// failure after the run, a failed modified-equation run, and a trajectory row at every
/// event whatever `trajectory_every` skips.
@Suite struct RunOutcomeTests {
    /// Copies a bundled scenario and its input files into `scratch`, editing the scenario.
    static func copyScenario(_ folder: String, _ name: String, inputs: [String], into scratch: ScratchFolder,
                             editing edit: (String) -> String = { $0 }) throws -> String {
        let source = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/\(folder)")
        for input in inputs {
            try scratch.write(input, String(contentsOf: source.appendingPathComponent(input), encoding: .utf8))
        }
        try scratch.write("scenario.yaml", edit(String(contentsOf: source.appendingPathComponent(name), encoding: .utf8)))
        return scratch.path("scenario.yaml")
    }

    /// E5 at paper size with rk8pd throughout (`stiff_stepper: none`): about 40 s, long enough
    /// to be interrupted (with its msbdf endgame it takes 3 s).
    static func longExplicitRun(into scratch: ScratchFolder) throws -> String {
        try copyScenario("plateau", "e5-fig7-sin-pi-paper.yaml", inputs: [], into: scratch) {
            $0.replacingOccurrences(of: "stepper: rk8pd}", with: "stepper: rk8pd, stiff_stepper: none}")
        }
    }

    @Test("A run whose summary.json cannot be moved into place exits 1 and names the file")
    func writeFailureAfterTheRunExitsOne() throws {
        let scratch = try ScratchFolder()
        // A non-empty folder where summary.json should go: rename(2) onto it fails.
        try FileManager.default.createDirectory(atPath: scratch.path("run/summary.json/occupied"),
                                                withIntermediateDirectories: true)
        let output = try ReLUFlowProcess.run(["run", RunCommandTests.ex52Scenario, "--out", scratch.path("run"), "--quiet"])
        #expect(output.status == 1, "\(output.stderr)")
        #expect(output.stderr.contains(scratch.path("run/summary.json")), "\(output.stderr)")
    }

    @Test("compare reports a modified-equation run that stops early: compare.json, stderr and exit 1")
    func compareReportsAFailedModifiedEquationRun() throws {
        let scratch = try ScratchFolder()
        // With rk8pd throughout, 200 steps suffice for the flow (161 with the grid stops at
        // eta = 1), not for the stiffer modified-equation flow, which stops at the step limit
        // near t = 20.
        let scenario = try Self.copyScenario(
            "support-vectors", "ex5.2-fig12-deactivation.yaml", inputs: ["ex5.2-data.csv", "small-init-d3.json"],
            into: scratch) {
                $0.replacingOccurrences(of: "stepper: rk8pd}", with: "stepper: rk8pd, stiff_stepper: none, max_steps: 200}")
            }
        let output = try ReLUFlowProcess.run(["compare", scenario, "--lr", "1", "--out", scratch.path("cmp")])
        #expect(output.status == 1)
        #expect(output.stderr.contains("modified-equation flow for eta = 1.0") && output.stderr.contains("step limit"),
                "\(output.stderr)")
        #expect(try scratch.json("cmp/flow/summary.json")["status"] as? String == "completed")
        let runs = try #require(try scratch.json("cmp/compare.json")["runs"] as? [[String: Any]])
        #expect((runs.first?["modified_flow_error"] as? String)?.contains("step limit") == true)
    }

    /// The issue-10 reproduction: sample 2 of the two-layer teacher–student data repeated as
    /// sample 16 made the flow fail at t = 13.91 ("sliding gates on surfaces [2, 16] are not
    /// unique"), and compare exited 0 over the failed flow.
    @Test("A repeated sample: run and compare complete, and the repeat's surfaces switch with the original's")
    func repeatedSampleRunsAndCompares() throws {
        let scratch = try ScratchFolder()
        let data = try String(contentsOf: ReLUFlowProcess.packageRoot.appendingPathComponent(
            "scenarios/two-layer/teacher-student-data.csv"), encoding: .utf8)
        let rows = data.split(separator: "\n")
        try scratch.write("repeated.csv", data + rows[3] + "\n")
        let scenario = try Self.copyScenario("two-layer", "teacher-student.yaml", inputs: ["teacher-student-init.json"],
                                             into: scratch) {
            $0.replacingOccurrences(of: "teacher-student-data.csv", with: "repeated.csv")
        }
        let output = try ReLUFlowProcess.run(["compare", scenario, "--lr", "0.5", "--out", scratch.path("cmp")])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(try scratch.json("cmp/flow/summary.json")["status"] as? String == "completed")
        #expect(try scratch.json("cmp/compare.json")["flow_status"] as? String == "completed")
        let events = try scratch.lines("cmp/flow/timeline.jsonl")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        func switches(of sample: Int) -> [String] {
            events.filter { $0["sample"] as? Int == sample }
                .map { "\($0["t"] as? Double ?? -1) \($0["kind"] as? String ?? "") \($0["neuron"] as? Int ?? -1)" }
        }
        #expect(!switches(of: 2).isEmpty && switches(of: 16) == switches(of: 2))
    }

    @Test("With trajectory_every > 1 every event still has a trajectory row at its time")
    func everyEventHasATrajectoryRow() throws {
        let scratch = try ScratchFolder()
        let scenario = try Self.copyScenario(
            "two-layer", "teacher-student.yaml", inputs: ["teacher-student-data.csv", "teacher-student-init.json"],
            into: scratch) { $0 + "output: {trajectory_every: 1000}\n" }
        let output = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"])
        #expect(output.status == 0, "\(output.stderr)")
        // JSONDecoder reads the times exactly (JSONSerialization may be an ulp off).
        struct Event: Decodable { let t: Double; let sample: Int? }
        let eventTimes = try scratch.lines("run/timeline.jsonl")
            .map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }.filter { $0.sample != nil }.map(\.t)
        let rowTimes = Set(try scratch.lines("run/trajectory.csv").dropFirst().map { Double($0.split(separator: ",")[0])! })
        #expect(eventTimes.count == 17)
        #expect(eventTimes.allSatisfy(rowTimes.contains), "\(eventTimes.filter { !rowTimes.contains($0) })")
        // The first row, the events', the every-1000th step's and the last: far fewer than the 268 steps.
        #expect(rowTimes.count < 30)
    }

    @Test("Issue 10's S4: a neuron dying on its last active sample (inactive-side speed exactly 0) runs to t_end")
    func neuronDyingOnItsLastSampleRunsToTheEnd() throws {
        let scratch = try ScratchFolder()
        let scenario = ReLUFlowProcess.packageRoot
            .appendingPathComponent("scenarios/two-layer/student-s4-last-sample-death.yaml").path
        let output = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"])
        // Before the fix: status failed at t = 0.18275, the screen re-finding the departing
        // pair (14, 7) at a double-crossing witness, 1000 events accumulated (chattering).
        #expect(output.status == 0, "\(output.stderr)")
        let summary = try scratch.json("run/summary.json")
        #expect(summary["status"] as? String == "completed")
        #expect(summary["final_time"] as? Double == 1000)
        struct Event: Decodable { let t: Double; let kind: String; let neuron: Int? }
        let events = try scratch.lines("run/timeline.jsonl").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
        let deaths = events.filter { $0.kind == "neuron_death" && $0.neuron == 14 }
        // Neuron 14 dies once, near t = 0.18275, and stays dead.
        #expect(deaths.count == 1 && abs((deaths.first?.t ?? 0) - 0.18275) < 1e-5, "\(deaths.map(\.t))")
        #expect(!events.contains { $0.kind == "neuron_revival" && $0.neuron == 14 })
    }
}
