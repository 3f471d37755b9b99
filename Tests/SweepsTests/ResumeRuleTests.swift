import Foundation
import Testing
import Sweeps

@Suite struct ResumeRuleTests {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweeps-resume-\(UUID().uuidString)")

    private func write(scenario: String?, status: String?) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if let scenario { try scenario.write(to: folder.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8) }
        if let status {
            try "{\"status\": \"\(status)\", \"final_time\": 2.5, \"final_loss\": 0.125, \"steps\": 12, \"final_params\": {\"w\": [1.0, 2.0], \"b\": 2.0}, \"plateaus\": [], \"wall_seconds\": 0.5}"
                .write(to: folder.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
        }
    }

    @Test func finishedOnlyWithTheSameScenarioAndAFinishedStatus() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try PointProgress.of(pointFolder: folder, scenarioText: "a: 1\n") == .notRun)
        try write(scenario: "a: 1\n", status: nil)
        #expect(try PointProgress.of(pointFolder: folder, scenarioText: "a: 1\n") == .notRun)
        try write(scenario: "a: 1\n", status: "steady_state")
        #expect(try PointProgress.of(pointFolder: folder, scenarioText: "a: 1\n") == .finished)
        #expect(try PointProgress.of(pointFolder: folder, scenarioText: "a: 2\n") == .changed)
        try write(scenario: "a: 1\n", status: "interrupted")
        let stopped = try PointProgress.of(pointFolder: folder, scenarioText: "a: 1\n")
        #expect(stopped == .stopped("interrupted"))
        #expect(!stopped.needsRun(retryFailed: false) && stopped.needsRun(retryFailed: true))
        #expect(PointProgress.changed.needsRun(retryFailed: false) && !PointProgress.finished.needsRun(retryFailed: true))
    }

    @Test func theSummaryReaderTakesTheNormOfEveryFinalParameter() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(scenario: "a: 1\n", status: "completed")
        try "{\"kind\": \"activation\"}\n{\"kind\": \"activation\"}\n{\"kind\": \"plateau_start\"}\n"
            .write(to: folder.appendingPathComponent("timeline.jsonl"), atomically: true, encoding: .utf8)
        let summary = try #require(try RunFolderSummary.read(folder))
        #expect(summary.squaredNorm == 9 && summary.steps == 12 && summary.plateauCount == 0 && summary.finalLoss == 0.125)
        #expect(summary.eventCounts == ["activation": 2, "plateau_start": 1])
    }

    @Test func logScaleParametersGiveTheNormOnlyThroughTheJumpProcess() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let summary = { (jumps: String) in
            "{\"status\": \"completed\", \"final_params\": {\"log_scale\": [300.0], \"sign\": [1.0]}\(jumps)}"
        }
        try summary("").write(to: folder.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
        #expect(try RunFolderSummary.read(folder)?.squaredNorm == nil)
        try summary(", \"jump_process\": {\"flow_squared_norm\": 4.5, \"predicted_squared_norm\": 5.0, \"jumps\": [{\"t_flow\": 7.0}, {\"t_flow\": null}]}")
            .write(to: folder.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
        let read = try #require(try RunFolderSummary.read(folder))
        #expect(read.squaredNorm == 4.5 && read.predictedSquaredNorm == 5.0 && read.jumpTimes == [7.0])
    }
}
