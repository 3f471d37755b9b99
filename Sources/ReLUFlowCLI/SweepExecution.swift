import Foundation
import Sweeps

/// Runs a sweep's points that need it, each as `reluflow run POINT/scenario.yaml --out
/// POINT --quiet --force` (a rerun replaces the point's earlier run) in a child process
/// (`reluflow compare` when the point's scenario has a `gd` block), at most `width` at once.
/// Every point's result depends
/// only on its scenario, so neither `width` nor the order changes it.
struct SweepExecution {
    struct Outcome {
        var failed = 0
        var interrupted = false
    }

    let layout: SweepLayout
    let width: Int
    let quiet: Bool

    func run(_ points: [SweepPoint], retryFailed: Bool, shardLabel: String?) throws -> Outcome {
        var toRun: [SweepPoint] = []
        var kept: [String: Int] = [:]
        for point in points {
            let progress = try PointProgress.of(pointFolder: layout.pointFolder(point.name), scenarioText: point.scenarioText)
            if progress.needsRun(retryFailed: retryFailed) { toRun.append(point) } else { kept[Self.label(progress), default: 0] += 1 }
        }
        var progress = SweepProgress(total: toRun.count, quiet: quiet)
        let keptText = kept.isEmpty ? "" : ", kept " + kept.sorted { $0.key < $1.key }.map { "\($1) \($0)" }.joined(separator: ", ")
        progress.say("\(points.count) points\(shardLabel.map { " in \($0)" } ?? ""): \(toRun.count) to run with \(width) jobs\(keptText)"
            + (kept.keys.contains { $0 != "finished" } ? " (rerun those with --retry-failed)" : ""))

        var jobs: [ChildProcessPool.Job] = []
        for point in toRun {
            let folder = layout.pointFolder(point.name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in SweepLayout.resultFiles { try? FileManager.default.removeItem(at: folder.appendingPathComponent(file)) }
            let scenario = folder.appendingPathComponent(SweepLayout.scenarioFile)
            try point.scenarioText.write(to: scenario, atomically: true, encoding: .utf8)
            jobs.append(.init(arguments: [Self.command(point), scenario.path, "--out", folder.path, "--quiet", "--force"],
                              log: folder.appendingPathComponent(SweepLayout.logFile)))
        }
        var outcome = Outcome()
        let completed = try ChildProcessPool(width: width).run(jobs, started: { _ in progress.started() }) { index, status in
            let name = toRun[index].name
            let summary = try? RunFolderSummary.read(layout.pointFolder(name))
            let ok = summary?.isFinished ?? false
            if !ok { outcome.failed += 1 }
            progress.finished(name, status: summary?.status ?? "no summary (exit status \(status), see \(SweepLayout.logFile))", ok: ok)
        }
        outcome.interrupted = !completed
        if !completed { progress.say("interrupted: finished runs are kept; rerun the same command (with --retry-failed) to go on") }
        return outcome
    }

    /// `compare` for a point whose scenario has a `gd` block (GD's step sizes), else `run`.
    static func command(_ point: SweepPoint) -> String { point.value(at: "gd") == nil ? "run" : "compare" }

    private static func label(_ progress: PointProgress) -> String {
        switch progress {
        case .finished: "finished"
        case .stopped(let status): status
        case .notRun, .changed: "to run"
        }
    }
}
