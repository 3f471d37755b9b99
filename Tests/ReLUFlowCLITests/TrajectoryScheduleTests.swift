import Foundation
import Testing
import _TestSupport

/// `output.save_at` and the default trajectory: rows at exactly the requested times (the flow
/// stops there), a row at every event, and a bounded row count by default.
@Suite struct TrajectoryScheduleTests {
    /// Ex. 5.2 (support-vector notes §4.2): sample 0 deactivates at t = 0.7818.
    static let ex52Rows: [[Double]] = [[1, 0, 2], [1, 2, 0], [2, 0, 0]]
    static let ex52Targets: [Double] = [0.05, 6, 0.5]
    static let ex52Initial: [Double] = [5.488135e-05, 7.1518937e-05, 6.0276338e-05]

    /// (t, w) of every trajectory row.
    static func rows(_ scratch: ScratchFolder, _ name: String) throws -> [(time: Double, parameters: [Double])] {
        try scratch.lines(name).dropFirst().map { line in
            let values = line.split(separator: ",").map { Double($0)! }
            return (values[0], Array(values.dropFirst(2)))
        }
    }

    static func runEx52(output: String, into scratch: ScratchFolder) throws -> [(time: Double, parameters: [Double])] {
        let scenario = try RunOutcomeTests.copyScenario(
            "support-vectors", "ex5.2-fig12-deactivation.yaml", inputs: ["ex5.2-data.csv", "small-init-d3.json"],
            into: scratch) { $0 + "output: \(output)\n" }
        let result = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        return try rows(scratch, "run/trajectory.csv")
    }

    @Test("save_at: rows at exactly the listed times, plus t = 0 and the event, each on the exact flow")
    func savedRowsAreTheExactFlowAtTheListedTimes() throws {
        let scratch = try ScratchFolder()
        let times: [Double] = [0.1, 0.5, 1, 2, 5, 20, 50]
        let rows = try Self.runEx52(output: "{save_at: [0.1, 0.5, 1, 2, 5, 20, 50]}", into: scratch)
        // JSONDecoder reads the time exactly (JSONSerialization may be an ulp off).
        struct Event: Decodable { let t: Double; let sample: Int? }
        let events = try scratch.lines("run/timeline.jsonl").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
            .filter { $0.sample != nil }
        #expect(events.count == 1 && abs(events[0].t - 0.7818) < 1e-4)
        #expect(rows.map(\.time) == [0, 0.1, 0.5, events[0].t, 1, 2, 5, 20, 50])
        for (time, parameters) in rows where times.contains(time) {
            let exact = ExactSingleNeuronFlow(rows: Self.ex52Rows, targets: Self.ex52Targets, bias: false,
                                              gradientFactor: 1, initial: Self.ex52Initial, until: time).finalParameters
            // rtol 1e-12 on |w| ≤ 3: measured 1.7e-14 at most (t ≥ 5, after the event); SciPy's expm
            // on the same rows differs by up to 2.2e-14, so the rows are exact to about 1e-14.
            let error = zip(parameters, exact).map { abs($0 - $1) }.max()!
            #expect(error <= 5e-14, "t = \(time): error \(error)")
        }
    }

    @Test("save_at as a log-spaced grid: rows at its 30 times, ends included")
    func logGridRowsAreAtTheGridTimes() throws {
        let scratch = try ScratchFolder()
        let rows = try Self.runEx52(output: "{save_at: {range: [1.0e-3, 50], count: 30, scale: log}}", into: scratch)
        let gridTimes = rows.map(\.time).filter { $0 != 0 && abs($0 - 0.7818) > 1e-4 }
        #expect(gridTimes.count == 30)
        #expect(gridTimes.first == 1e-3 && gridTimes.last == 50)
        // Equal ratios: 50/1e-3 = 5e4 over 29 steps.
        let ratio = pow(5e4, 1.0 / 29)
        #expect(zip(gridTimes, gridTimes.dropFirst()).allSatisfy { abs($1 / $0 / ratio - 1) < 1e-12 })
    }

    @Test("save_at and trajectory_every together, or a time beyond t_end, are refused naming the field")
    func conflictingOrOutOfRangeSaveTimesAreRefused() throws {
        for output in ["{save_at: [1, 2], trajectory_every: 3}", "{save_at: [1, 60]}"] {
            let scratch = try ScratchFolder()
            let scenario = try RunOutcomeTests.copyScenario(
                "support-vectors", "ex5.2-fig12-deactivation.yaml", inputs: ["ex5.2-data.csv", "small-init-d3.json"],
                into: scratch) { $0 + "output: \(output)\n" }
            let result = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"])
            #expect(result.status == 2 && result.stderr.contains("output.save_at"), "\(result.stderr)")
            #expect(!scratch.exists("run"))
        }
    }

    /// E5 small with rk8pd throughout (`stiff_stepper: none`; with the change to msbdf it
    /// takes about 5,000 steps).
    @Test("The default trajectory of a 98,000-step run has a row per grid cell (at most 1,101) besides the events")
    func defaultTrajectoryIsBounded() throws {
        let scratch = try ScratchFolder()
        let scenario = try RunOutcomeTests.copyScenario("plateau", "e5-fig7-sin-pi-small.yaml", inputs: [],
                                                        into: scratch) {
            $0.replacingOccurrences(of: "stepper: rk8pd}", with: "stepper: rk8pd, stiff_stepper: none}")
        }
        let result = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try scratch.json("run/summary.json")
        let steps = try #require(summary["steps"] as? Int)
        let rowCount = try scratch.lines("run/trajectory.csv").count - 1
        let eventTimes = Set(try scratch.lines("run/timeline.jsonl").compactMap {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["t"] as? Double
        })
        #expect(steps > 50_000)
        // A row per cell (at most 1,101, the start's included), per event time, and the end.
        #expect(rowCount <= 1_101 + eventTimes.count + 1, "\(rowCount) rows, \(eventTimes.count) event times")
        // Steps are far shorter than a linear cell (t_end/500 = 40), so each of those has a row.
        #expect(rowCount >= 500 && rowCount < steps / 100)
    }
}
