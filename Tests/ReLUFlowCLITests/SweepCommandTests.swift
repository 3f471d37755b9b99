import Foundation
import Testing

/// `reluflow sweep` on a six-point teacher-student grid that runs in about a second.
@Suite struct SweepCommandTests {
    static func sweepFile(mode: String = "product", axes: String = "data.seed: {seeds: 2}\n  init.seed: [1, 2, 3]",
                          derived: String = "model.width: \"init.seed + 1\"") -> String {
        """
        base:
          model: {kind: two_layer, width: 3, bias: true}
          data: {generator: gaussian, samples: 8, dimension: 2, seed: 1, labels: teacher, teacher: {width: 2, bias: true, scale: 1.0}}
          init: {scheme: balanced, scale: 0.5, seed: 1}
          loss: {normalization: half_mean}
          flow: {t_end: 50, rtol: 1.0e-10, atol: 1.0e-12, stepper: rk8pd}
        mode: \(mode)
        axes:
          \(axes)
        derived:
          \(derived)
        """
    }

    /// sweep.csv without its last column, the wall time (the one value that depends on the machine's load).
    static func tableWithoutWallTime(_ folder: ScratchFolder, _ name: String) throws -> [String] {
        let lines = try folder.lines(name)
        #expect(lines.first?.hasSuffix(",wall_seconds") == true)
        return lines.map { String($0[..<$0.lastIndex(of: ",")!]) }
    }

    /// The status column of out/sweep.csv for the resume test's points: "<name>",seed,t_end,width,status,…
    static func statuses(_ folder: ScratchFolder) throws -> [String] {
        try folder.lines("out/sweep.csv").dropFirst().map { row in String(row.split(separator: "\"")[1].split(separator: ",")[3]) }
    }

    @Test func theTableIsTheSameForOneOrTwoJobs() throws {
        let folder = try ScratchFolder()
        try folder.write("sweep.yaml", Self.sweepFile())
        let one = try ReLUFlowProcess.run(["sweep", folder.path("sweep.yaml"), "--out", folder.path("one"), "--jobs", "1"])
        let two = try ReLUFlowProcess.run(["sweep", folder.path("sweep.yaml"), "--out", folder.path("two"), "--jobs", "2"])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        let table = try Self.tableWithoutWallTime(folder, "one/sweep.csv")
        #expect(table.count == 7)
        #expect(table[1].hasPrefix("\"0-data.seed=1,init.seed=1\",1,1,2,completed,50.0,"))
        #expect(try Self.tableWithoutWallTime(folder, "two/sweep.csv") == table)
        #expect(try folder.json("one/runs/5-data.seed=2,init.seed=3/summary.json")["status"] as? String == "completed")
        #expect(two.stderr.contains("[6/6]"))
    }

    @Test func threeShardsCollectedGiveTheLocalTable() throws {
        let folder = try ScratchFolder()
        try folder.write("sweep.yaml", Self.sweepFile())
        let local = try ReLUFlowProcess.run(["sweep", folder.path("sweep.yaml"), "--out", folder.path("local")])
        #expect(local.status == 0, "\(local.stderr)")
        for shard in ["2/3", "0/3"] {
            let run = try ReLUFlowProcess.run(["sweep", folder.path("sweep.yaml"), "--out", folder.path("shards"), "--shard", shard])
            #expect(run.status == 0, "\(run.stderr)")
        }
        #expect(!folder.exists("shards/sweep.csv"))
        let early = try ReLUFlowProcess.run(["sweep", "collect", folder.path("shards")])
        #expect(early.status == 1 && early.stderr.contains("2 of 6 points have no results: 1-data.seed=1,init.seed=2, 4-"))
        #expect(!folder.exists("shards/sweep.csv"))
        let last = try ReLUFlowProcess.run(["sweep", folder.path("sweep.yaml"), "--out", folder.path("shards"), "--shard", "1/3"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(try ReLUFlowProcess.run(["sweep", "collect", folder.path("shards")]).status == 0)
        #expect(try Self.tableWithoutWallTime(folder, "shards/sweep.csv") == Self.tableWithoutWallTime(folder, "local/sweep.csv"))
    }

    @Test func aResumedSweepKeepsFinishedPointsAndRerunsChangedOnes() throws {
        let folder = try ScratchFolder()
        // Point 1 runs far longer than the test waits (rk8pd throughout: about 65,000 steps to
        // t = 6491, 20 s); points 0 and 2 take a blink.
        let axes = "init.seed: [1, 2, 3]\n  flow.t_end: [50, 1.0e+7, 50]"
        let sweep = Self.sweepFile(mode: "zip", axes: axes, derived: "model.width: 5")
            .replacingOccurrences(of: "stepper: rk8pd}", with: "stepper: rk8pd, stiff_stepper: none}")
        try folder.write("sweep.yaml", sweep)
        let arguments = ["sweep", folder.path("sweep.yaml"), "--out", folder.path("out"), "--jobs", "1"]
        let interrupted = try ReLUFlowProcess.run(arguments, interruptAfter: 2.5)
        #expect(interrupted.status == 130, "\(interrupted.stderr)")
        #expect(try folder.json("out/runs/0-seed=1,t_end=50/summary.json")["status"] as? String == "completed")
        #expect(try folder.json("out/runs/1-seed=2,t_end=1.0e+7/summary.json")["status"] as? String == "interrupted")
        #expect(!folder.exists("out/runs/2-seed=3,t_end=50/summary.json"))
        #expect(!folder.exists("out/sweep.csv"))

        let resumed = try ReLUFlowProcess.run(arguments)
        #expect(resumed.status == 1, "an interrupted point is left as it is without --retry-failed")
        #expect(resumed.stderr.contains("1 to run with 1 jobs, kept 1 finished, 1 interrupted"))
        #expect(try Self.statuses(folder) == ["completed", "interrupted", "completed"])

        try folder.write("sweep.yaml", sweep.replacingOccurrences(of: "1.0e+7", with: "60"))
        try FileManager.default.moveItem(atPath: folder.path("out/runs/1-seed=2,t_end=1.0e+7"), toPath: folder.path("out/runs/1-seed=2,t_end=60"))
        let rerun = try ReLUFlowProcess.run(arguments)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        // The interrupted run now sits under the new point's name, but its saved scenario differs: rerun, not kept.
        #expect(rerun.stderr.contains("1 to run with 1 jobs, kept 2 finished"))
        #expect(try Self.statuses(folder) == ["completed", "completed", "completed"])
    }

    @Test func aBadPointIsNamedWithItsKeyAndNothingIsWritten() throws {
        let folder = try ScratchFolder()
        try folder.write("sweep.yaml", Self.sweepFile(axes: "model.bias: [true, sometimes]", derived: "{}"))
        let run = try ReLUFlowProcess.run(["sweep", folder.path("sweep.yaml"), "--out", folder.path("out")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("point 1-bias=sometimes: model.bias:"), "\(run.stderr)")
        #expect(!folder.exists("out"))
    }

    @Test("--check passes every bundled sweep and writes nothing")
    func everyBundledSweepPassesCheck() throws {
        let folder = try ScratchFolder()
        let sweeps = ReLUFlowProcess.packageRoot.appendingPathComponent("sweeps")
        let files = try FileManager.default.contentsOfDirectory(atPath: sweeps.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let check = try ReLUFlowProcess.run(["sweep", sweeps.appendingPathComponent(file).path, "--out", folder.path(file), "--check"])
            #expect(check.status == 0 && check.stdout.contains("valid points"), "\(file): \(check.stderr)")
            #expect(!folder.exists(file))
        }
    }

    @Test("--check names a bad point and exits 2")
    func checkNamesABadPoint() throws {
        let folder = try ScratchFolder()
        try folder.write("sweep.yaml", Self.sweepFile(axes: "gd.learning_rates: [[0.1, 0.05], [0.1, -1]]", derived: "{}"))
        let check = try ReLUFlowProcess.run(["sweep", folder.path("sweep.yaml"), "--out", folder.path("out"), "--check"])
        #expect(check.status == 2 && check.stderr.contains("point 1-learning_rates=0.1_-1: gd.learning_rates:"), "\(check.stderr)")
        #expect(!folder.exists("out"))
    }

    /// The raw text of `key`'s number in a JSON file the CLI wrote (one key per line).
    static func jsonNumberText(_ folder: ScratchFolder, _ name: String, key: String) throws -> String? {
        try folder.lines(name).first { $0.contains("\"\(key)\":") }.map {
            String($0.split(separator: ":")[1]).trimmingCharacters(in: CharacterSet(charactersIn: " ,"))
        }
    }

    @Test("A sweep over GD step sizes gives, per step size, the rows and orders of a direct `reluflow compare` on Ex. 5.2")
    func gdSweepGivesTheOrdersOfCompare() throws {
        let folder = try ScratchFolder()
        let sweep = ReLUFlowProcess.packageRoot.appendingPathComponent("sweeps/gd-orders-ex52.yaml").path
        let run = try ReLUFlowProcess.run(["sweep", sweep, "--out", folder.path("out"), "--jobs", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let direct = try ReLUFlowProcess.run(["compare", RunCommandTests.ex52Scenario, "--lr", "0.02,0.01,0.005,0.0025",
                                              "--out", folder.path("cmp")])
        #expect(direct.status == 0, "\(direct.stderr)")
        let lines = try folder.lines("out/sweep.csv")
        let header = lines[0].split(separator: ",").map(String.init)
        // No field of these rows has a comma (the ladder is `;`-separated), so none is quoted.
        let rows = lines.dropFirst().filter { $0.hasPrefix("1-") }.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 4 && rows.allSatisfy { $0.count == header.count })
        func field(_ row: [String], _ column: String) -> String { row[header.firstIndex(of: column)!] }
        #expect(rows.map { field($0, "learning_rate") } == ["0.02", "0.01", "0.005", "0.0025"])
        #expect(rows.map { field($0, "gd_iterations") } == ["2500", "5000", "10000", "20000"])
        for (column, key) in [("order_event_time", "observed_order_event_time"), ("order_trajectory", "observed_order_trajectory"),
                              ("order_final_point", "observed_order_final_point"), ("order_modified_flow", "observed_order_modified_flow")] {
            let expected = try #require(try Self.jsonNumberText(folder, "cmp/compare.json", key: key))
            #expect(rows.allSatisfy { field($0, column) == expected }, "\(column): \(rows.map { field($0, column) }) against \(expected)")
        }
        #expect(try folder.json("out/runs/1-learning_rates=0.02_0.01_0.005_0.0025/compare.json")["runs"] != nil)
    }

    @Test func emitSlurmWritesAnArrayScriptAndRunsNothing() throws {
        let folder = try ScratchFolder()
        try folder.write("sweep.yaml", Self.sweepFile())
        let run = try ReLUFlowProcess.run(["sweep", folder.path("sweep.yaml"), "--out", folder.path("out"), "--emit-slurm",
                                           folder.path("sweep.sbatch"), "--array-tasks", "3", "--time", "00:10:00", "--mem", "1G"])
        #expect(run.status == 0, "\(run.stderr)")
        let script = try folder.lines("sweep.sbatch")
        for line in ["#SBATCH --array=0-2", "#SBATCH --time=00:10:00", "#SBATCH --mem=1G", "#SBATCH --cpus-per-task=1"] {
            #expect(script.contains(line))
        }
        #expect(script.last?.contains("sweep '\(folder.path("sweep.yaml"))' --out '\(folder.path("out"))'") == true)
        #expect(!folder.exists("out/runs"))
    }
}
