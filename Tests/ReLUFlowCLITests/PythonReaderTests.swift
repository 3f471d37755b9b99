import Foundation
import Testing

/// `tools/reluflow_runs.py` reads fresh run and compare folders into pandas DataFrames.
/// `.ci/run` installs pandas, so this runs everywhere the test command does.
@Suite struct PythonReaderTests {
    /// Runs `script` with python3, `tools/` importable; returns its exit status and output.
    static func python(_ script: String, arguments: [String]) throws -> (status: Int32, output: String) {
        let scratch = try ScratchFolder()
        try scratch.write("check.py", script)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scratch.path("check.py")] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = ReLUFlowProcess.packageRoot.appendingPathComponent("tools").path
        process.environment = environment
        let output = scratch.url.appendingPathComponent("output")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
    }

    @Test("The reader gives the timeline with nullable neuron/sample columns, the trajectory in the network's parameters, and GD runs")
    func readerLoadsRunAndCompareFolders() throws {
        let scratch = try ScratchFolder()
        let teacherStudent = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/two-layer/teacher-student.yaml").path
        #expect(try ReLUFlowProcess.run(["run", teacherStudent, "--out", scratch.path("run"), "--quiet"]).status == 0)
        #expect(try ReLUFlowProcess.run(["compare", RunCommandTests.ex52Scenario, "--lr", "0.02", "0.01",
                                         "--out", scratch.path("cmp")]).status == 0)
        let orthogonal = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/orthogonal-data/fig1-small.yaml").path
        #expect(try ReLUFlowProcess.run(["run", orthogonal, "--out", scratch.path("orth"), "--quiet"]).status == 0)
        // A run with no timeline entries at all.
        try BadInputCase.writeValidFiles(in: scratch)
        try scratch.write("scenario.yaml", BadInputCase.validScenario.replacingOccurrences(of: "t_end: 10", with: "t_end: 0.01")
            + "\nplateaus: {span: 1.0e+12}\n")
        #expect(try ReLUFlowProcess.run(["run", scratch.path("scenario.yaml"), "--out", scratch.path("empty"), "--quiet"]).status == 0)

        let (status, output) = try Self.python("""
            import sys
            import reluflow_runs as r
            run, cmp, orth, empty = (r.load(path) for path in sys.argv[1:])
            t = run.timeline
            assert str(t["neuron"].dtype) == "Int64" and str(t["sample"].dtype) == "Int64", t.dtypes
            assert t["sample"].isna().any() and t["sample"].notna().any()
            assert (t["kind"] == "neuron_death").sum() == 2 and t.loc[t["kind"] == "neuron_death", "sample"].isna().all()
            assert list(run.trajectory.columns[:5]) == ["t", "loss", "W1_1", "W1_2", "W2_1"], run.trajectory.columns
            assert run.summary["status"] == "completed"
            # summary.json as a Series; the counts are integers, named as in the README.
            s = run.summary_series
            assert (s["transitions"], s["start_entries"], s["timeline_entries"]) == (17, 1, len(t)), s
            assert all(isinstance(s[key], int) for key in ("transitions", "start_entries", "timeline_entries", "steps"))
            assert s["time_mapping.half_sum_time_factor"] == run.summary["time_mapping"]["half_sum_time_factor"]
            assert s["error"] is None
            assert empty.summary_series["transitions"] == 0 and empty.summary_series["timeline_entries"] == 0
            assert sorted(cmp.gd) == [0.01, 0.02] and all(gd.is_descent for gd in cmp.gd.values())
            assert list(cmp.runs["learning_rate"]) == [0.02, 0.01] and list(cmp.matches["gd_iteration"]) == [37, 76]
            assert str(cmp.gd[0.02].timeline["iteration"].dtype) == "Int64"
            assert list(cmp.flow.trajectory.columns) == ["t", "loss", "w1", "w2", "w3"]
            # Orthogonal data: W in the data basis and a, not the stored scaled components.
            assert "component1_1" not in orth.trajectory.columns and {"W1_1", "a6"} <= set(orth.trajectory.columns)
            assert (orth.timeline["kind"] == "stage").sum() == 4
            assert empty.timeline.empty and list(empty.timeline.columns) == list(r.TIMELINE_COLUMNS)
            assert str(empty.timeline["sample"].dtype) == "Int64"
            print("ok")
            """, arguments: ["run", "cmp", "orth", "empty"].map(scratch.path))
        #expect(status == 0 && output.contains("ok"), "\(output)")
    }

    @Test("load_sweep gives sweep.csv typed: Int64 counts, string statuses, jump times and plateau levels as lists of the runs' exact numbers")
    func readerLoadsASweepTable() throws {
        let scratch = try ScratchFolder()
        try scratch.write("sweep.yaml", """
            base:
              model: {kind: two_layer, width: 4, bias: false}
              data: {generator: orthonormal, samples: 8, dimension: 8, identity: true, seed: 6, labels: normal}
              init: {scheme: balanced, scale: 0.001, seed: 1}
              loss: {normalization: half_mean}
              flow: {t_end: 300, rtol: 1.0e-10, atol: 1.0e-12, stepper: rk8pd}
              watch: {neuron_norm_level: 0.1}
            axes:
              init.seed: [1, 2]
            """)
        let sweep = try ReLUFlowProcess.run(["sweep", scratch.path("sweep.yaml"), "--out", scratch.path("out"), "--quiet"])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let (status, output) = try Self.python("""
            import json, sys
            import reluflow_runs as r
            sweep = r.load_sweep(sys.argv[1])
            t = sweep.table
            assert sweep.axes == ["init.seed"] and list(t["init.seed"]) == [1, 2], sweep.axes
            assert str(t["status"].dtype) == "string" and str(t["point"].dtype) == "string"
            for column in ["steps", "plateaus", "events_stage"]:
                assert str(t[column].dtype) == "Int64", (column, t[column].dtype)
            assert len(sweep.finished) == 2
            for _, row in t.iterrows():
                run = sweep.run(row["point"])
                # Each neuron's first upward crossing of the watched level, sorted, and the plateaus' levels.
                stages = run.timeline[(run.timeline["kind"] == "stage") & (run.timeline["side"] == "above")]
                assert row["jump_times"] == sorted(stages.groupby("neuron")["t"].min()), (row["jump_times"], stages)
                assert len(row["jump_times"]) >= 2
                assert row["plateau_levels"] == [p["level"] for p in run.summary["plateaus"]] and row["plateau_levels"]
                assert row["final_loss"] == run.summary["final_loss"] and row["steps"] == run.summary["steps"]
                assert row["eq15_squared_norm"] != row["eq15_squared_norm"]  # NaN: not orthogonal data
            print("ok")
            """, arguments: [scratch.path("out")])
        #expect(status == 0 && output.contains("ok"), "\(output)")
    }

    @Test("Each E1-small plateau's two floors agree with numpy's lstsq at the knots of its start, to 1e-12")
    func plateauFloorsMatchNumpy() throws {
        let scratch = try ScratchFolder()
        let scenario = try RunOutcomeTests.copyScenario("plateau", "e1-fig1-sin-5pi-small.yaml", inputs: [], into: scratch) {
            // Every accepted step, so that each plateau's start has its row.
            $0 + "\noutput: {trajectory_every: 1}\n"
        }
        let run = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet", "--dump-init"])
        #expect(run.status == 0, "\(run.stderr)")
        let (status, output) = try Self.python("""
            import sys
            import numpy as np, pandas as pd
            import reluflow_runs as r
            folder = sys.argv[1]
            run = r.load(folder)
            data = pd.read_csv(folder + "/data.csv")
            x, y = data["x1"].to_numpy(), data["y"].to_numpy()
            knots = run.knot_positions()
            plateaus = run.plateaus()
            assert len(plateaus) >= 1, plateaus
            worst = 0.0
            for _, p in plateaus.iterrows():
                row = (knots["t"] - p["start"]).abs().idxmin()
                assert abs(knots["t"][row] - p["start"]) <= 1e-15 * p["start"]
                b = knots.drop(columns="t").iloc[row].to_numpy(float)
                # Fixed knots: least squares over c on the features relu(x - b_k).
                phi = np.maximum(x[:, None] - b[None, :], 0)
                c = np.linalg.lstsq(phi, y, rcond=None)[0]
                fixed = np.sum((phi @ c - y) ** 2) / len(x)
                # Q_0: 0 left of every knot, any line on each cell (b_(l), b_(l+1)].
                cell = np.searchsorted(np.sort(b), x, side="left")
                total = np.sum(y[cell == 0] ** 2)
                for l in set(cell) - {0}:
                    design = np.stack([np.ones((cell == l).sum()), x[cell == l]], axis=1)
                    fit = np.linalg.lstsq(design, y[cell == l], rcond=None)[0]
                    total += np.sum((design @ fit - y[cell == l]) ** 2)
                projection = total / len(x)
                for mine, theirs in ((p["fixed_knot_floor"], fixed), (p["projection_floor"], projection)):
                    worst = max(worst, abs(mine - theirs) / theirs)
            print(f"worst relative difference {worst:.3g} over {len(plateaus)} plateaus")
            assert worst <= 1e-12, worst
            """, arguments: [scratch.path("run")])
        #expect(status == 0, "\(output)")
    }
}
