import ArgumentParser
import Foundation
import Sweeps

/// `reluflow sweep SWEEP.yaml --out DIR`: validates every point (and stops there with
/// `--check`), then runs the points this
/// shard owns that are not finished, each as `reluflow run POINT/scenario.yaml` in a child
/// process, and writes DIR/sweep.csv (sharded runs leave that to `sweep collect`).
struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep file's points into DIR/runs/<index>-<key=value,...>/ and tabulate them in DIR/sweep.csv.",
        discussion: """
            A second invocation skips finished points (their resolved scenario unchanged). \
            Exit status: 0 every point finished, 1 some point failed or was left interrupted, 2 bad sweep (nothing is \
            written; with --check, 0 means every point is valid), 130 interrupted (finished runs stay; running ones are written as interrupted).
            """)

    @Argument(help: "Sweep YAML file: base, axes, and optionally mode and derived.")
    var sweep: String

    @Option(name: .shortAndLong, help: "Output folder, created if missing.")
    var out: String

    @Option(help: "Points run at once, each in its own process (default: the core count).")
    var jobs: Int?

    @Flag(help: "Also rerun points that failed or were interrupted.")
    var retryFailed = false

    @Option(help: "Run only shard i of N (0 <= i < N): the points whose index is i mod N. Default: from SLURM_ARRAY_TASK_ID/COUNT when set.")
    var shard: String?

    @Flag(help: "Only check the sweep: expand every point and check its resolved scenario; run and write nothing.")
    var check = false

    @Option(help: "Write an sbatch job-array script to FILE instead of running.")
    var emitSlurm: String?

    @Option(help: "With --emit-slurm: tasks in the array (default: one per point).")
    var arrayTasks: Int?

    @Option(help: "With --emit-slurm: time limit per task.")
    var time = "01:00:00"

    @Option(help: "With --emit-slurm: memory per task.")
    var mem = "2G"

    @Option(help: "With --emit-slurm: cores per task (the task's --jobs).")
    var cpusPerTask = 1

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let arrayTasks, arrayTasks < 1 { throw ValidationError("--array-tasks must be at least 1") }
        if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1") }
    }

    func run() throws {
        let sweepFile = URL(fileURLWithPath: sweep).standardizedFileURL
        let layout = SweepLayout(folder: URL(fileURLWithPath: out).standardizedFileURL)
        let width = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let definition: SweepDefinition, points: [SweepPoint], slice: Shard
        do {
            definition = try SweepDefinition.load(from: sweepFile)
            points = try definition.points()
            slice = try shard.map { text throws(SweepError) in try Shard(parsing: text) }
                ?? Shard(slurmEnvironment: ProcessInfo.processInfo.environment) ?? .whole
        } catch let error as SweepError {
            RunCommand.printError(error.description)
            throw ExitCode(2)
        }
        InterruptSignal.install()
        let owned = emitSlurm == nil && !check ? points.filter { slice.owns(pointIndex: $0.index) } : points
        try PointValidation(width: width).check(owned)
        if check {
            if !quiet { print("ok: \(sweepFile.path): \(points.count) valid points") }
            return
        }

        if let emitSlurm {
            let scriptFile = URL(fileURLWithPath: emitSlurm).standardizedFileURL
            let script = SlurmScript(scriptFile: scriptFile, executable: ChildProcessPool.executable, sweepFile: sweepFile,
                                     outputFolder: layout.folder, tasks: min(arrayTasks ?? points.count, points.count),
                                     time: time, memory: mem, cpusPerTask: cpusPerTask)
            try FileManager.default.createDirectory(at: layout.folder.appendingPathComponent("slurm"), withIntermediateDirectories: true)
            try script.text.write(to: scriptFile, atomically: true, encoding: .utf8)
            print("\(scriptFile.path): \(script.tasks) array tasks over \(points.count) points; submit it with sbatch")
            return
        }

        try FileManager.default.createDirectory(at: layout.runs, withIntermediateDirectories: true)
        try SweepManifest(definition: definition, points: points).write(to: layout.manifest)
        let outcome = try SweepExecution(layout: layout, width: width, quiet: quiet)
            .run(owned, retryFailed: retryFailed, shardLabel: slice == .whole ? nil : "shard \(slice.index)/\(slice.count)")
        if outcome.interrupted { throw ExitCode(130) }
        if slice == .whole {
            do {
                let table = try SweepTable(manifest: try SweepManifest.read(layout.manifest), layout: layout)
                try SweepCollectCommand.write(table, to: layout)
                let unfinished = table.summaries.filter { !$0.isFinished }.count
                if !quiet { print("\(layout.table.path): \(points.count) points, \(unfinished) not finished") }
                if unfinished > 0 { throw ExitCode(1) }
            } catch let error as SweepError {
                RunCommand.printError(error.description)
                throw ExitCode(1)
            }
        } else if !quiet {
            print("shard \(slice.index)/\(slice.count) done; when every shard has ended: reluflow sweep collect \(layout.folder.path)")
        }
        if outcome.failed > 0 { throw ExitCode(1) }
    }
}
