import Foundation
import Testing
import Sweeps

@Suite struct RunFolderSummaryTests {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweeps-summary-\(UUID().uuidString)")

    private func write(_ name: String, _ text: String) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("Numbers are read exactly as written: each shortest-form double comes back bit for bit")
    func numbersRoundTripExactly() throws {
        var generator = SystemRandomNumberGenerator()
        let numbers = (0..<2000).map { _ in Double(bitPattern: generator.next() >> 2 | 0x3000_0000_0000_0000) } + [19.314057710386847, 0.1, 1e-300]
        let text = "[" + numbers.map { "\($0)" }.joined(separator: ", ") + "]"
        let read = try #require(JSONValue.parse(Data(text.utf8))?.array)
        #expect(read.map(\.double) == numbers.map { $0 })
    }

    @Test("A two-layer run's jump times are each neuron's first upward crossing of the watched level, sorted; plateau levels in order")
    func levelJumpTimesAndPlateauLevels() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("summary.json", """
            {"status": "completed", "final_time": 10.0, "final_loss": 0.25, "steps": 7, "wall_seconds": 0.5,
             "final_params": {"W": [[1.0, 2.0]], "a": [2.0]},
             "plateaus": [{"start": 1, "end": 2, "level": 0.5, "duration": 1}, {"start": 4, "end": 9, "level": 0.25, "duration": 5}]}
            """)
        try write("timeline.jsonl", """
            {"t": 1.5, "kind": "stage", "neuron": 2, "side": "above"}
            {"t": 2.5, "kind": "stage", "neuron": 2, "side": "below"}
            {"t": 3.0, "kind": "stage", "neuron": 0, "side": "below"}
            {"t": 3.5, "kind": "stage", "neuron": 0, "side": "above"}
            {"t": 4.0, "kind": "stage", "neuron": 2, "side": "above"}
            {"t": 5.0, "kind": "deactivation", "neuron": 1, "sample": 0}

            """)
        let summary = try #require(try RunFolderSummary.read(folder))
        #expect(summary.jumpTimes == [1.5, 3.5])
        #expect(summary.plateauLevels == [0.5, 0.25] && summary.plateauCount == 2)
        #expect(summary.eventCounts == ["stage": 5, "deactivation": 1])
        #expect(summary.squaredNorm == 9 && summary.steps == 7)
        #expect(summary.comparison == nil)
    }

    @Test("A compare point is finished only with its compare.json, read as a row per step size and the orders")
    func comparePointNeedsItsComparison() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("flow/summary.json", #"{"status": "completed", "final_time": 50.0, "final_loss": 0.00125, "plateaus": []}"#)
        #expect(try RunFolderSummary.read(folder)?.status == RunFolderSummary.incompleteStatus)
        try write("compare.json", """
            {"runs": [{"learning_rate": 0.02, "iterations": 2500, "matched_events": 1, "max_event_time_difference": 0.04},
                      {"learning_rate": 0.01, "iterations": 5000, "matched_events": 1, "max_event_time_difference": 0.02}],
             "observed_order_event_time": 1.0, "observed_order_trajectory": null}
            """)
        let summary = try #require(try RunFolderSummary.read(folder))
        #expect(summary.isFinished)
        let comparison = try #require(summary.comparison)
        #expect(comparison.rows.map(\.learningRate) == [0.02, 0.01] && comparison.rows.map(\.iterations) == [2500, 5000])
        #expect(comparison.eventTimeOrder == 1.0 && comparison.trajectoryOrder == nil)
    }
}
