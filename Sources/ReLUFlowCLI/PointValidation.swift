import ArgumentParser
import Foundation
import Sweeps

/// Checks points before anything runs: each resolved scenario is written to a temporary
/// folder and read by `reluflow run --check`, so the scenario rules live in one place. The
/// first bad point is reported with the child's message (which names the key); nothing is
/// written to the sweep's folder.
struct PointValidation {
    let width: Int

    func check(_ points: [SweepPoint]) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("reluflow-sweep-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var jobs: [ChildProcessPool.Job] = []
        for point in points {
            let folder = scratch.appendingPathComponent(point.name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let scenario = folder.appendingPathComponent(SweepLayout.scenarioFile)
            try point.scenarioText.write(to: scenario, atomically: true, encoding: .utf8)
            jobs.append(.init(arguments: ["run", scenario.path, "--check", "--quiet"], log: folder.appendingPathComponent(SweepLayout.logFile)))
        }
        var failures: [(index: Int, message: String)] = []
        let completed = try ChildProcessPool(width: width).run(jobs) { index, status in
            guard status != 0 else { return }
            let log = (try? String(contentsOf: jobs[index].log, encoding: .utf8)) ?? ""
            let message = log.split(separator: "\n").first.map {
                String($0).replacingOccurrences(of: "error: ", with: "").replacingOccurrences(of: jobs[index].arguments[1] + ": ", with: "")
            }
            failures.append((index, message ?? "reluflow run --check exited with status \(status)"))
        }
        guard completed else { throw ExitCode(130) }
        guard let first = failures.min(by: { $0.index < $1.index }) else { return }
        let more = failures.count > 1 ? " (and \(failures.count - 1) more bad points)" : ""
        RunCommand.printError("point \(points[first.index].name): \(first.message)\(more); nothing was run or written")
        throw ExitCode(2)
    }
}
