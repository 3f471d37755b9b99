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
}
