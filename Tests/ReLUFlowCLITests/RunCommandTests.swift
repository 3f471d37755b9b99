import Foundation
import Testing
import _TestSupport

/// `reluflow run` end to end: the run-folder contract of DESIGN.md, the default scenario,
/// bad input and failed runs.
@Suite struct RunCommandTests {
    static let ex52Scenario = ReLUFlowProcess.packageRoot
        .appendingPathComponent("scenarios/support-vectors/ex5.2-fig12-deactivation.yaml").path

    /// Issue 12 item 12: the digest printed every final parameter (45 MB at width 1e6).
    @Test("The digest gives each parameter group its shape, norm and 4 leading values, however wide the model")
    func digestSummarisesParameterGroups() throws {
        let scratch = try ScratchFolder()
        let kernel = ReLUFlowProcess.packageRoot
            .appendingPathComponent("scenarios/univariate/fig3-square-wave-kernel-small.yaml").path
        let output = try ReLUFlowProcess.run(["run", kernel, "--out", scratch.path("run")])
        #expect(output.status == 0, "\(output.stderr)")
        let summary = try scratch.json("run/summary.json")
        let parameters = try #require(summary["final_params"] as? [String: Any])
        let groupLines = output.stdout.split(separator: "\n").filter { $0.contains("  norm ") }
        #expect(groupLines.count == parameters.count, "\(output.stdout)")
        for line in groupLines {
            // Width 200: each group shows 4 values, then how many more there are.
            #expect(line.contains("[200]") && line.hasSuffix("(196 more)"), "\(line)")
        }
        #expect(output.stdout.utf8.count < 8_000)
    }

    @Test("Example 5.2 writes timeline.jsonl, summary.json and trajectory.csv as the contract says")
    func runWritesTheContractFiles() throws {
        let scratch = try ScratchFolder()
        let output = try ReLUFlowProcess.run(["run", Self.ex52Scenario, "--out", scratch.path("run")])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("deactivation"))

        let lines = try scratch.lines("run/timeline.jsonl")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.map { $0["t"] as! Double } == lines.map { $0["t"] as! Double }.sorted())
        let timeline = lines.filter { $0["sample"] != nil }
        #expect(timeline.count == 1)
        let event = try #require(timeline.first)
        #expect(event["kind"] as? String == "deactivation")
        #expect(event["neuron"] as? Int == 0)
        #expect(event["sample"] as? Int == 0)
        #expect(event["loss"] is Double)
        let exact = SingleNeuronInstanceFixture.ex52.exactFlow()
        // rk8pd at rtol 1e-12 (the scenario's setting): event times within 1e-9 of exact.
        #expect(abs((event["t"] as! Double) - exact.events[0].time) <= 1e-9)

        // The converged stretch, L = 0.00125 from t ≈ 10 to 50, is a plateau in the timeline.
        let plateauEnds = lines.filter { $0["kind"] as? String == "plateau_end" }
        #expect(plateauEnds.contains { ($0["t"] as? Double) == 50 && abs(($0["loss"] as? Double ?? 0) - 0.00125) < 1e-6 })
        let summary = try scratch.json("run/summary.json")
        for key in ["final_time", "final_loss", "final_params", "steps", "rhs_evaluations", "wall_seconds"] {
            #expect(summary[key] != nil, "summary.json lacks \(key)")
        }
        #expect(summary["status"] as? String == "completed")
        #expect(summary["final_time"] as? Double == 50)
        let parameters = try #require((summary["final_params"] as? [String: Any])?["w"] as? [Double])
        for (engine, reference) in zip(parameters, exact.finalParameters) { #expect(abs(engine - reference) <= 1e-9) }

        let trajectory = try scratch.lines("run/trajectory.csv")
        #expect(trajectory.first == "t,loss,w1,w2,w3")
        #expect(trajectory.count > 10)
        #expect(trajectory.last?.hasPrefix("50.0,") == true)
        #expect(!scratch.exists("run/.timeline.jsonl.partial"))
    }

    @Test("A sliding run writes slide_start with its gate and lists the pair under final_sliding")
    func slidingRunWritesSlideEvents() throws {
        let scratch = try ScratchFolder()
        let scenario = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/sliding/negative-label.yaml").path
        let output = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"])
        #expect(output.status == 0, "\(output.stderr)")
        let timeline = try scratch.lines("run/timeline.jsonl")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.filter { $0["sample"] != nil }
        #expect(timeline.map { $0["kind"] as? String } == ["activation", "slide_start"])
        #expect(timeline.map { $0["sample"] as? Int } == [2, 1])
        let gate = try #require(timeline[1]["gate"] as? Double)
        #expect(gate > 0 && gate < 1)
        let summary = try scratch.json("run/summary.json")
        let sliding = try #require(summary["final_sliding"] as? [[String: Any]])
        #expect(sliding.count == 1 && sliding[0]["sample"] as? Int == 1)
        #expect((summary["max_sliding_drift"] as? Double ?? 1) <= 1e-12)
    }

    @Test("A two-layer run writes W, b, a in the init file's shapes and keeps every layer balance")
    func twoLayerRunKeepsLayerBalance() throws {
        let scratch = try ScratchFolder()
        let folder = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/two-layer")
        let output = try ReLUFlowProcess.run(
            ["run", folder.appendingPathComponent("teacher-student.yaml").path, "--out", scratch.path("run"), "--quiet"])
        #expect(output.status == 0, "\(output.stderr)")
        let initial = try JSONSerialization.jsonObject(
            with: Data(contentsOf: folder.appendingPathComponent("teacher-student-init.json"))) as! [String: Any]
        let final = try #require(try scratch.json("run/summary.json")["final_params"] as? [String: Any])
        func balances(_ p: [String: Any]) -> [Double] {
            let w = p["W"] as! [[Double]], b = p["b"] as! [Double], a = p["a"] as! [Double]
            return a.indices.map { a[$0] * a[$0] - w[$0].reduce(0) { $0 + $1 * $1 } - b[$0] * b[$0] }
        }
        #expect((final["W"] as? [[Double]])?.map(\.count) == [2, 2, 2])
        // Conserved by the flow through 17 events, sliding included (measured drift ~1e-15).
        for (before, after) in zip(balances(initial), balances(final)) { #expect(abs(after - before) <= 1e-12) }
        let timeline = try scratch.lines("run/timeline.jsonl").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        let kinds = timeline.map { $0["kind"] as? String }
        #expect(kinds.contains("slide_start") && kinds.contains("slide_end"))
        // Neuron 2 starts active on no sample; neuron 0 loses its last sample at t ≈ 51.09.
        let deaths = timeline.filter { $0["kind"] as? String == "neuron_death" }
        #expect(deaths.map { $0["neuron"] as? Int } == [2, 0])
        #expect(deaths.allSatisfy { $0["sample"] == nil })
        #expect(deaths.first?["t"] as? Double == 0)
        let summary = try scratch.json("run/summary.json")
        let mapping = try #require(summary["time_mapping"] as? [String: Any])
        #expect(mapping["half_sum_time_factor"] as? Double == 1.0 / 16)  // half_mean on 16 samples
    }

    @Test("A generated scenario with --dump-init writes data.csv and init.json that replay the same run")
    func dumpedInputsReplayTheRun() throws {
        let scratch = try ScratchFolder()
        try scratch.write("generated.yaml", """
            model: {kind: two_layer, width: 3, bias: true}
            data: {generator: gaussian, samples: 12, dimension: 2, seed: 4, labels: teacher, teacher: {width: 2, bias: true}}
            init: {scheme: he, seed: 5}
            loss: {normalization: half_mean}
            flow: {t_end: 20, rtol: 1.0e-12, atol: 1.0e-14}
            """)
        let first = try ReLUFlowProcess.run(
            ["run", scratch.path("generated.yaml"), "--out", scratch.path("first"), "--dump-init", "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try scratch.lines("first/data.csv").first == "x1,x2,y")
        #expect(try scratch.lines("first/data.csv").count == 13)
        try scratch.write("replay.yaml", """
            model: {kind: two_layer, width: 3, bias: true}
            data: {file: first/data.csv}
            init: {file: first/init.json}
            loss: {normalization: half_mean}
            flow: {t_end: 20, rtol: 1.0e-12, atol: 1.0e-14}
            """)
        let replay = try ReLUFlowProcess.run(["run", scratch.path("replay.yaml"), "--out", scratch.path("replay"), "--quiet"])
        #expect(replay.status == 0, "\(replay.stderr)")
        // Shortest round-trip printing makes the files exact copies of the drawn values.
        #expect(try scratch.lines("first/timeline.jsonl") == scratch.lines("replay/timeline.jsonl"))
        #expect(try scratch.lines("first/timeline.jsonl").count >= 3)
    }

    @Test("A population run with --dump-init writes teacher.json with the scenario's w* and v*")
    func dumpedTeacherIsTheScenarios() throws {
        let scratch = try ScratchFolder()
        try scratch.write("population.yaml", """
            model: {kind: population_single_neuron, teacher: {w: [1.5, -0.25, 2], v: [0.75]}}
            init: {scheme: balanced, scale: 0.5, seed: 2}
            flow: {t_end: 0.1}
            """)
        let run = try ReLUFlowProcess.run(
            ["run", scratch.path("population.yaml"), "--out", scratch.path("run"), "--dump-init", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try scratch.lines("run/teacher.json") == [#"{"w": [1.5, -0.25, 2.0], "v": [0.75]}"#])
    }

    @Test("A --dump-init run on teacher-labelled data writes teacher.json, whose teacher gives data.csv's labels")
    func dumpedDataTeacherGivesTheLabels() throws {
        let scratch = try ScratchFolder()
        let teachers = [("single", "{kind: single_neuron, bias: true}", ["w", "b"]),
                        ("deep", "{kind: deep_single_neuron, depth: 2, scale: 0.5}", ["w", "v"])]
        for (name, teacher, keys) in teachers {
            try scratch.write("\(name).yaml", """
                model: {kind: deep_single_neuron, depth: 1}
                data: {generator: gaussian, samples: 20, dimension: 3, seed: 1, labels: teacher, teacher: \(teacher)}
                init: {scheme: balanced, scale: 0.5, seed: 2}
                flow: {t_end: 0.01}
                """)
            let run = try ReLUFlowProcess.run(
                ["run", scratch.path("\(name).yaml"), "--out", scratch.path(name), "--dump-init", "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            let parameters = try scratch.json("\(name)/teacher.json")
            #expect(parameters.keys.sorted() == keys.sorted())
            let w = try #require(parameters["w"] as? [Double])
            let b = parameters["b"] as? Double ?? 0
            let v = parameters["v"] as? [Double] ?? []
            let rows = try scratch.lines("\(name)/data.csv").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
            #expect(rows.count == 20 && rows.contains { $0[3] > 0 })
            for row in rows {
                // σ(w·x + b), then v_1 σ(v_2 ⋯ σ(v_m σ(w·x))) for a deep neuron.
                var output = max(zip(w, row).reduce(b) { $0 + $1.0 * $1.1 }, 0)
                for k in v.indices.reversed() { output = k == 0 ? v[k] * output : max(v[k] * output, 0) }
                // Both files hold every double to the last digit: the labels agree up to a
                // few roundings of a 3-term dot product and two products.
                #expect(abs(output - row[3]) <= 1e-14 * max(abs(row[3]), 1), "\(name): \(row)")
            }
        }
    }

    @Test("SIGINT stops a long run with exit 130 and writes everything computed so far")
    func interruptedRunKeepsResults() throws {
        let scratch = try ScratchFolder()
        let scenario = try RunOutcomeTests.longExplicitRun(into: scratch)
        let output = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"], interruptAfter: 1.5)
        #expect(output.status == 130, "\(output.stderr)")
        #expect(output.stderr.contains("interrupted"))
        let summary = try scratch.json("run/summary.json")
        #expect(summary["status"] as? String == "interrupted")
        let finalTime = try #require(summary["final_time"] as? Double)
        #expect(finalTime > 0 && finalTime < 100_000)
        #expect(try scratch.lines("run/trajectory.csv").count > 2)
    }

    @Test("compare on Ex. 5.2 matches the deactivation at every step size, with a gap of order 1 in η")
    func compareMatchesEventsAndMeasuresTheOrder() throws {
        let scratch = try ScratchFolder()
        let output = try ReLUFlowProcess.run(["compare", Self.ex52Scenario, "--lr", "0.02,0.01,0.005,0.0025",
                                              "--out", scratch.path("cmp")])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try scratch.json("cmp/compare.json")
        let runs = try #require(report["runs"] as? [[String: Any]])
        #expect(runs.map { $0["matched_events"] as? Int } == [1, 1, 1, 1])
        // Support-vector notes §4.2: GD flips at iterations 37, 76, 154, 310.
        #expect(runs.compactMap { (($0["events"] as? [[String: Any]])?.first?["gd_iteration"]) as? Int } == [37, 76, 154, 310])
        let order = try #require(report["observed_order_event_time"] as? Double)
        #expect(abs(order - 1) < 0.2)
        // On the common grid t = η·k the parameters part by O(η): measured order 1.02.
        let trajectoryOrder = try #require(report["observed_order_trajectory"] as? Double)
        #expect(abs(trajectoryOrder - 1) < 0.1)
        #expect(runs.allSatisfy { ($0["max_parameter_deviation"] as? Double ?? 0) > 0 })
        // The final points differ by O(η) along the frozen kernel direction (notes: w_3 = −0.218705
        // at η = 0.02 against −0.212071 for the flow).
        #expect(abs((runs[0]["final_parameter_difference"] as? Double ?? 0) - 0.006634) < 2e-4)
        #expect(FileManager.default.fileExists(atPath: scratch.path("cmp/flow/timeline.jsonl")))
        // GD's iterates on the grid, in the trajectory's format, starting at θ0 at t = 0.
        let flowRows = try scratch.lines("cmp/flow/trajectory.csv")
        let gdRows = try scratch.lines("cmp/gd-eta-0.02/trajectory.csv")
        #expect(gdRows.first == flowRows.first)
        #expect(gdRows.dropFirst().first?.split(separator: ",").dropFirst(2) == flowRows.dropFirst().first?.split(separator: ",").dropFirst(2))
        #expect(gdRows.count == (try #require(runs[0]["gd_loss"] as? [Any])).count + 1)
        // The GD folder reads like a flow run: report gives its stages and the flip at k = 37.
        let gdReport = try ReLUFlowProcess.run(["report", scratch.path("cmp/gd-eta-0.02")])
        #expect(gdReport.status == 0 && gdReport.stdout.contains("1 deactivation"), "\(gdReport.stdout)\(gdReport.stderr)")
    }

    /// The teacher–student flow slides on several pairs and kills neurons 2 (at t = 0) and 0
    /// (t = 51.09). GD cannot slide: it chatters across those pairs, and kills the same
    /// neurons, the second O(η) later.
    @Test("compare writes GD's own timeline: flips with iterations, chattering where the flow slides, the same deaths")
    func compareWritesTheDescentTimeline() throws {
        let scratch = try ScratchFolder()
        let scenario = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/two-layer/teacher-student.yaml").path
        let output = try ReLUFlowProcess.run(["compare", scenario, "--lr", "0.02", "--out", scratch.path("cmp")])
        #expect(output.status == 0, "\(output.stderr)")
        let entries = try scratch.lines("cmp/gd-eta-0.02/timeline.jsonl")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let flips = entries.filter { ["activation", "deactivation"].contains($0["kind"] as? String) }
        #expect(flips.allSatisfy { flip in
            guard let k = flip["iteration"] as? Int, let t = flip["t"] as? Double else { return false }
            return abs(t - 0.02 * Double(k)) <= 1e-12 * t
        })
        #expect(flips.contains { $0["chattering"] as? Bool == true })
        let flowDeaths = try scratch.lines("cmp/flow/timeline.jsonl")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["kind"] as? String == "neuron_death" }
        let deaths = entries.filter { $0["kind"] as? String == "neuron_death" }
        #expect(deaths.compactMap { $0["neuron"] as? Int } == flowDeaths.compactMap { $0["neuron"] as? Int })
        for (gd, flow) in zip(deaths, flowDeaths) {
            // Measured: t = 51.46 against 51.09 for neuron 0.
            #expect(abs((gd["t"] as? Double ?? 0) - (flow["t"] as? Double ?? 0)) <= 0.5)
        }
        let report = try scratch.json("cmp/compare.json")
        #expect(((report["runs"] as? [[String: Any]])?.first?["gd_plateaus"] as? [Any]) != nil)
    }

    @Test("report digests a run folder: Ex. 5.3 has 3 stages between its two events, and its plateaus")
    func reportDigestsARun() throws {
        let scratch = try ScratchFolder()
        let scenario = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/default.yaml").path
        #expect(try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"]).status == 0)
        let output = try ReLUFlowProcess.run(["report", scratch.path("run")])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("stages   3 "))
        #expect(output.stdout.contains("[0, 0.0437287)"))
        #expect(output.stdout.contains("1 activation, 1 deactivation"))
        #expect(output.stdout.contains("plateaus "))
        let missing = try ReLUFlowProcess.run(["report", scratch.path("absent")])
        #expect(missing.status == 2 && missing.stderr.contains("summary.json"))
    }

    /// Runs an orthogonal-data scenario; returns its summary and stage events.
    private func runOrthogonal(_ name: String) throws -> (summary: [String: Any], stages: [[String: Any]], report: String) {
        let scratch = try ScratchFolder()
        let scenario = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/orthogonal-data/\(name).yaml").path
        #expect(try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"]).status == 0)
        let stages = try scratch.lines("run/timeline.jsonl")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["kind"] as? String == "stage" }
        return (try scratch.json("run/summary.json"), stages, try ReLUFlowProcess.run(["report", scratch.path("run")]).stdout)
    }

    /// Fig. 1 small (λ = e^-100): Algorithm 1 predicts four jumps; the flow makes them in
    /// that order, each a `stage` event, and the plateau detector finds the first plateau
    /// and one after each jump that leaves loss behind (the last fits everything, L → 0),
    /// at the predicted levels.
    @Test("Orthogonal data: one stage event per predicted jump, in order, and one plateau per jump at the predicted level")
    func orthogonalDataPlateausFollowTheJumpProcess() throws {
        let (summary, stages, report) = try runOrthogonal("fig1-small")
        let prediction = try #require(summary["jump_process"] as? [String: Any])
        let jumps = try #require(prediction["jumps"] as? [[String: Any]])
        #expect(jumps.count == 4)
        #expect(stages.allSatisfy { $0["side"] as? String == "above" })
        #expect(stages.compactMap { $0["neuron"] as? Int } == jumps.compactMap { $0["neuron"] as? Int })
        for jump in jumps {
            // O(1) early in original time (measured 12–90 at t ≈ 600–1800): O(1/log(1/λ)) relatively.
            let predicted = try #require(jump["t_predicted"] as? Double), flow = try #require(jump["t_flow"] as? Double)
            #expect(flow < predicted && predicted - flow <= 0.06 * predicted)
        }
        let levels = [try #require(prediction["initial_loss"] as? Double)]
            + jumps.compactMap { $0["loss_after"] as? Double }.filter { $0 > 0 }
        let plateaus = try #require(summary["plateaus"] as? [[String: Any]])
        #expect(plateaus.count == levels.count)
        for (plateau, level) in zip(plateaus, levels) {
            // The geometric mean over a plateau of the flow's loss, against the limit
            // process's L(θ^k): measured within 3.5e-5 relative.
            #expect(abs((plateau["level"] as? Double ?? 0) - level) <= 1e-4 * level)
        }
        #expect(report.contains("jumps"))
    }

    /// The paper's size and scale (λ = e^-500, n = 64): representable only in the scaled
    /// data coordinates. The prediction's jump times hold to 1.5% and eq. (15)'s ‖θ_∞‖²
    /// to 1e-6; the final loss is the last plateau's, with the one uncovered point unfitted.
    @Test("Fig. 1 at the paper's size runs from λ = e^-500 and ends where Algorithm 1 says")
    func orthogonalDataAtPaperSize() throws {
        let (summary, stages, _) = try runOrthogonal("fig1-paper")
        #expect(summary["status"] as? String == "completed")
        let prediction = try #require(summary["jump_process"] as? [String: Any])
        let jumps = try #require(prediction["jumps"] as? [[String: Any]])
        #expect(jumps.count == 4 && stages.count == 4)
        for jump in jumps {
            let predicted = try #require(jump["t_predicted"] as? Double), flow = try #require(jump["t_flow"] as? Double)
            #expect(abs(flow - predicted) <= 0.015 * predicted)
        }
        let predictedNorm = try #require(prediction["predicted_squared_norm"] as? Double)
        let flowNorm = try #require(prediction["flow_squared_norm"] as? Double)
        #expect(abs(flowNorm - predictedNorm) <= 1e-6 * predictedNorm)
        let lastLevel = try #require(jumps.last?["loss_after"] as? Double)
        #expect(abs((summary["final_loss"] as? Double ?? 0) - lastLevel) <= 1e-9 * lastLevel)
        #expect((prediction["unfitted_samples"] as? [Int])?.count == 1)
        #expect((summary["plateaus"] as? [[String: Any]])?.count == 5)
    }

    @Test("On the sin(πx) knot model every plateau sits above its Q_0 floor, which is below the fixed-knot floor")
    func knotPlateausSitAboveTheirFloors() throws {
        let scratch = try ScratchFolder()
        let scenario = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/plateau/e5-fig7-sin-pi-small.yaml").path
        #expect(try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"]).status == 0)
        let plateaus = try scratch.lines("run/timeline.jsonl")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["kind"] as? String == "plateau_start" }
        // One plateau, on the floor from t = 275 (the stretch [0.001, 0.006] once reported
        // before it was the first descent).
        #expect(plateaus.count == 1)
        for plateau in plateaus {
            let floor = try #require(plateau["projection_floor"] as? Double)
            let fixedKnots = try #require(plateau["fixed_knot_floor"] as? Double)
            let level = try #require(plateau["loss"] as? Double)
            // Plateau notes §3.1(b): L(θ) ≥ Q_0(P(θ)) for every θ, so the level is above the
            // floor; the last plateau converges onto it (gap 9e-8 at L = 6.3e-3, measured).
            #expect(level >= floor && floor > 0)
            // A continuous fit with the same knots is one of Q_0's piecewise-affine fits;
            // 1e-14 relative for the rounding of two different computations.
            #expect(fixedKnots >= floor * (1 - 1e-14))
        }
    }

    @Test("Without a scenario, run uses scenarios/default.yaml")
    func runWithoutScenarioUsesDefault() throws {
        let scratch = try ScratchFolder()
        let output = try ReLUFlowProcess.run(["run", "--out", scratch.path("run"), "--quiet"])
        #expect(output.status == 0, "\(output.stderr)")
        let summary = try scratch.json("run/summary.json")
        #expect((summary["scenario"] as? String)?.hasSuffix("scenarios/default.yaml") == true)
        #expect(try scratch.lines("run/timeline.jsonl").filter { $0.contains("\"sample\"") }.count == 2)
    }

    @Test("A run that fails part way exits 1 and keeps what it computed")
    func failedRunKeepsResults() throws {
        let scratch = try ScratchFolder()
        try BadInputCase.writeValidFiles(in: scratch)
        try scratch.write("scenario.yaml", BadInputCase.validScenario.replacingOccurrences(
            of: "stepper: rk8pd}", with: "stepper: rk8pd, max_steps: 5}"))
        let output = try ReLUFlowProcess.run(["run", scratch.path("scenario.yaml"), "--out", scratch.path("run")])
        #expect(output.status == 1)
        #expect(output.stderr.contains("step limit"))
        let summary = try scratch.json("run/summary.json")
        #expect(summary["status"] as? String == "failed")
        #expect((summary["error"] as? String)?.contains("step limit") == true)
        #expect((summary["final_time"] as? Double ?? 0) > 0)
        #expect(try scratch.lines("run/trajectory.csv").count == 7)  // header, t = 0, five steps
    }

    @Test("Bad input gives one clear message naming file and field, exit 2, and writes nothing",
          arguments: BadInputCase.allCases)
    func badInputIsRejected(_ badInput: BadInputCase) throws {
        let scratch = try ScratchFolder()
        try BadInputCase.writeValidFiles(in: scratch)
        try badInput.apply(to: scratch)
        let output = try ReLUFlowProcess.run(["run", scratch.path("scenario.yaml"), "--out", scratch.path("run")])
        #expect(output.status == 2)
        let message = output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(message.hasPrefix("error: "))
        #expect(message.split(separator: "\n").count == 1, "\(message)")
        for fragment in badInput.expectedFragments {
            #expect(message.contains(fragment), "\(message) lacks '\(fragment)'")
        }
        #expect(!scratch.exists("run"))
    }
}

/// Ex. 5.2 of the support-vector paper, the same data as its scenario file.
enum SingleNeuronInstanceFixture {
    static let ex52 = SingleNeuronInstance(
        rows: [[1, 0, 2], [1, 2, 0], [2, 0, 0]], targets: [0.05, 6, 0.5], bias: false, normalization: .halfSum,
        initial: [5.488135e-05, 7.1518937e-05, 6.0276338e-05], endTime: 50)
}

/// One way of getting a scenario wrong, applied to an otherwise valid set of files.
enum BadInputCase: String, CaseIterable, CustomTestStringConvertible {
    case unknownScenarioKey, unknownFlowKey, malformedYAML, missingDataFile, missingInitFile, wrongColumnCount
    case badHeader, notANumber, nanInData, infiniteTarget, wrongInitLength, unknownInitKey, malformedJSON
    case zeroRelativeTolerance, impossibleRelativeTolerance, negativeAbsoluteTolerance, nonPositiveEndTime
    case unknownStepper, unknownModel, missingEndTime, biasWithoutInitialBias, unknownRepellingRule
    case twoLayerWithoutWidth, unknownTrainedGroup, widthOnSingleNeuron, unknownGenerator, unknownInitScheme
    case unknownTeacherKind, univariateTeacherOnVectorInputs
    case nonOrthonormalData, plateauSpanNotAboveOne, rescaleOnSingleNeuron, nonPositiveSteadyState
    case explicitStiffStepper

    var testDescription: String { rawValue }

    static let validScenario = """
        model: {kind: single_neuron, bias: false}
        data: {file: data.csv}
        init: {file: init.json}
        loss: {normalization: half_sum}
        flow: {t_end: 10, rtol: 1.0e-10, atol: 1.0e-12, stepper: rk8pd}
        """

    static func writeValidFiles(in scratch: ScratchFolder) throws {
        try scratch.write("scenario.yaml", validScenario)
        try scratch.write("data.csv", "x1,x2,y\n1,0,1\n0.5,1,2\n-1,1,0.5\n")
        try scratch.write("init.json", #"{"w": [0.3, -0.2]}"#)
    }

    /// Gaussian inputs of the valid scenario's dimension, labelled by `teacher`.
    static func teacherData(_ teacher: String) -> String {
        "{generator: gaussian, samples: 3, dimension: 2, seed: 1, labels: teacher, teacher: \(teacher)}"
    }

    func apply(to scratch: ScratchFolder) throws {
        func editScenario(_ old: String, _ new: String) throws {
            try scratch.write("scenario.yaml", Self.validScenario.replacingOccurrences(of: old, with: new))
        }
        switch self {
        case .unknownScenarioKey: try editScenario("loss:", "los:")
        case .unknownFlowKey: try editScenario("rtol:", "rtl:")
        case .malformedYAML: try editScenario("{t_end: 10,", "{t_end: [10,")
        case .missingDataFile: try editScenario("data.csv", "absent.csv")
        case .missingInitFile: try editScenario("init.json", "absent.json")
        case .wrongColumnCount: try scratch.write("data.csv", "x1,x2,y\n1,0,1\n0.5,2\n")
        case .badHeader: try scratch.write("data.csv", "a,b,y\n1,0,1\n")
        case .notANumber: try scratch.write("data.csv", "x1,x2,y\n1,zero,1\n")
        case .nanInData: try scratch.write("data.csv", "x1,x2,y\n1,nan,1\n")
        case .infiniteTarget: try scratch.write("data.csv", "x1,x2,y\n1,0,inf\n")
        case .wrongInitLength: try scratch.write("init.json", #"{"w": [0.3, -0.2, 1]}"#)
        case .unknownInitKey: try scratch.write("init.json", #"{"w": [0.3, -0.2], "v": 1}"#)
        case .malformedJSON: try scratch.write("init.json", #"{"w": [0.3, -0.2"#)
        case .zeroRelativeTolerance: try editScenario("rtol: 1.0e-10", "rtol: 0")
        case .impossibleRelativeTolerance: try editScenario("rtol: 1.0e-10", "rtol: 1.0e-20")
        case .negativeAbsoluteTolerance: try editScenario("atol: 1.0e-12", "atol: -1.0e-12")
        case .nonPositiveEndTime: try editScenario("t_end: 10", "t_end: 0")
        case .unknownStepper: try editScenario("rk8pd", "rk9")
        case .unknownModel: try editScenario("single_neuron", "three_neurons")
        case .missingEndTime: try editScenario("t_end: 10, ", "")
        case .biasWithoutInitialBias: try editScenario("bias: false", "bias: true")
        case .unknownRepellingRule: try editScenario("stepper: rk8pd}", "stepper: rk8pd, repelling_rule: random}")
        case .explicitStiffStepper: try editScenario("stepper: rk8pd}", "stepper: rk8pd, stiff_stepper: rkf45}")
        case .twoLayerWithoutWidth: try editScenario("single_neuron", "two_layer")
        case .unknownTrainedGroup: try editScenario("kind: single_neuron", "kind: two_layer, width: 2, train: [W, c]")
        case .widthOnSingleNeuron: try editScenario("bias: false", "bias: false, width: 3")
        case .unknownGenerator: try editScenario("{file: data.csv}", "{generator: cauchy, samples: 3, dimension: 2}")
        case .unknownInitScheme: try editScenario("{file: init.json}", "{scheme: xavier, seed: 1}")
        case .unknownTeacherKind: try editScenario("{file: data.csv}", Self.teacherData("{kind: transformer}"))
        case .univariateTeacherOnVectorInputs: try editScenario("{file: data.csv}", Self.teacherData("{kind: univariate, width: 2}"))
        case .nonOrthonormalData: try editScenario("kind: single_neuron, bias: false", "kind: two_layer_orthogonal, width: 2")
        case .plateauSpanNotAboveOne: try editScenario("loss:", "plateaus: {span: 1}\nloss:")
        case .rescaleOnSingleNeuron: try editScenario("{file: init.json}", "{file: init.json, rescale: 2}")
        case .nonPositiveSteadyState: try editScenario("stepper: rk8pd}", "stepper: rk8pd, steady_state: -1}")
        }
    }

    /// What the message must name: the file, and the field, line or column.
    var expectedFragments: [String] {
        switch self {
        case .unknownScenarioKey: ["scenario.yaml", "los", "unknown key"]
        case .unknownFlowKey: ["scenario.yaml", "flow.rtl", "unknown key"]
        case .malformedYAML: ["scenario.yaml", "malformed YAML"]
        case .missingDataFile: ["absent.csv", "cannot read"]
        case .missingInitFile: ["absent.json", "cannot read"]
        case .wrongColumnCount: ["data.csv", "line 3", "expected 3 columns"]
        case .badHeader: ["data.csv", "line 1", "x1,x2,y"]
        case .notANumber: ["data.csv", "line 2, column x2", "not a number"]
        case .nanInData: ["data.csv", "line 2, column x2", "not finite"]
        case .infiniteTarget: ["data.csv", "line 2, column y", "not finite"]
        case .wrongInitLength: ["init.json", "w", "expected 2 values, found 3"]
        case .unknownInitKey: ["init.json", "v", "unknown key"]
        case .malformedJSON: ["init.json", "malformed JSON"]
        case .zeroRelativeTolerance: ["scenario.yaml", "flow.rtol", "positive"]
        case .impossibleRelativeTolerance: ["scenario.yaml", "flow.rtol", "double precision"]
        case .negativeAbsoluteTolerance: ["scenario.yaml", "flow.atol", "positive"]
        case .nonPositiveEndTime: ["scenario.yaml", "flow.t_end", "positive"]
        case .unknownStepper: ["scenario.yaml", "flow.stepper", "rk9", "rk8pd"]
        case .unknownModel: ["scenario.yaml", "model.kind", "three_neurons"]
        case .missingEndTime: ["scenario.yaml", "flow.t_end", "missing"]
        case .biasWithoutInitialBias: ["init.json", "b", "missing"]
        case .unknownRepellingRule: ["scenario.yaml", "flow.repelling_rule", "random", "inactive, active, fail"]
        case .explicitStiffStepper: ["scenario.yaml", "flow.stiff_stepper", "rkf45", "msbdf", "none"]
        case .twoLayerWithoutWidth: ["scenario.yaml", "model.width", "missing"]
        case .unknownTrainedGroup: ["scenario.yaml", "model.train", "unknown group 'c'"]
        case .widthOnSingleNeuron: ["scenario.yaml", "model.width", "unknown key"]
        case .unknownGenerator: ["scenario.yaml", "data.generator", "cauchy"]
        case .unknownInitScheme: ["scenario.yaml", "init.scheme", "xavier"]
        case .unknownTeacherKind: ["scenario.yaml", "data.teacher.kind", "transformer", "deep_single_neuron"]
        case .univariateTeacherOnVectorInputs: ["scenario.yaml", "data.teacher.kind", "1-D inputs"]
        case .nonOrthonormalData: ["scenario.yaml", "model", "not orthonormal"]
        case .plateauSpanNotAboveOne: ["scenario.yaml", "plateaus.span", "above 1"]
        case .rescaleOnSingleNeuron: ["scenario.yaml", "init.rescale", "no layer pair"]
        case .nonPositiveSteadyState: ["scenario.yaml", "flow.steady_state", "positive"]
        }
    }
}
