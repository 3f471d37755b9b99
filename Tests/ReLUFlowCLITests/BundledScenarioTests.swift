import Foundation
import Testing

/// Every scenario under `scenarios/` must stay valid, and the small ones must run.
@Suite struct BundledScenarioTests {
    /// All scenario files, paper-size versions (`*-paper.yaml`) included.
    static var scenarioFiles: [URL] {
        let root = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "yaml" } ?? []
        return files.sorted { $0.path < $1.path }
    }

    @Test("Every bundled scenario and its inputs pass --check")
    func everyScenarioIsValid() throws {
        let files = Self.scenarioFiles
        #expect(files.count >= 12)
        for file in files {
            let output = try ReLUFlowProcess.run(["run", file.path, "--check"])
            #expect(output.status == 0, "\(file.lastPathComponent): \(output.stderr)")
        }
    }

    @Test("Every small bundled scenario runs to its end time (or the steady state it asks for), with no plateau in its first descent")
    func smallScenariosRun() throws {
        let scratch = try ScratchFolder()
        let manager = FileManager.default
        for file in Self.scenarioFiles where !file.lastPathComponent.hasSuffix("-paper.yaml") {
            let name = file.deletingPathExtension().lastPathComponent
            // A copy with its folder's inputs, keeping every accepted step in trajectory.csv:
            // its rows are then the plateau detector's samples.
            let copy = scratch.url.appendingPathComponent(name)
            try manager.createDirectory(at: copy, withIntermediateDirectories: true)
            let source = file.deletingLastPathComponent()
            for input in try manager.contentsOfDirectory(atPath: source.path) where !input.hasSuffix(".yaml") {
                try manager.copyItem(at: source.appendingPathComponent(input), to: copy.appendingPathComponent(input))
            }
            let text = try String(contentsOf: file, encoding: .utf8) + "\noutput: {trajectory_every: 1}\n"
            try text.write(to: copy.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8)
            let folder = copy.appendingPathComponent("run").path
            let output = try ReLUFlowProcess.run(["run", copy.appendingPathComponent("scenario.yaml").path, "--out", folder,
                                                  "--quiet"])
            #expect(output.status == 0, "\(name): \(output.stderr)")
            let run = URL(fileURLWithPath: folder)
            let summary = try JSONSerialization.jsonObject(
                with: Data(contentsOf: run.appendingPathComponent("summary.json"))) as? [String: Any]
            // A scenario with `steady_state:` in its flow block may end there instead.
            let expected = text.contains("steady_state:") ? ["completed", "steady_state"] : ["completed"]
            #expect(expected.contains(summary?["status"] as? String ?? ""), "\(name)")
            let rows = try String(contentsOf: run.appendingPathComponent("trajectory.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(2).map { Double($0)! } }
            let starts = (summary?["plateaus"] as? [[String: Any]] ?? []).compactMap { $0["start"] as? Double }
            if let last = Self.lastFirstDescentTime(rows), let first = starts.min() {
                #expect(first >= last, "\(name): a plateau from t = \(first), in the first descent up to \(last)")
            }
        }
    }

    /// The time of the first descent's last row: the mean rate (L₀ − L(t))/t since t = 0
    /// stays within a factor 2 of the first row's rate c up to there (README, "Plateaus and
    /// their floors"). nil when the rows do not start at t = 0.
    static func lastFirstDescentTime(_ rows: [[Double]]) -> Double? {
        guard rows.count >= 2, rows[0][0] == 0 else { return nil }
        let l0 = rows[0][1]
        let c = (l0 - rows[1][1]) / rows[1][0]
        guard c > 0 else { return rows[0][0] }
        var last = rows[1][0]
        for row in rows.dropFirst(2) {
            let rate = (l0 - row[1]) / row[0]
            guard rate >= c / 2 && rate <= 2 * c else { break }
            last = row[0]
        }
        return last
    }
}
