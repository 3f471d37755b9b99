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

    @Test("Every small bundled scenario runs to its end time, or to the steady state it asks for")
    func smallScenariosRun() throws {
        let scratch = try ScratchFolder()
        for file in Self.scenarioFiles where !file.lastPathComponent.hasSuffix("-paper.yaml") {
            let folder = scratch.path(file.deletingPathExtension().lastPathComponent)
            let output = try ReLUFlowProcess.run(["run", file.path, "--out", folder, "--quiet"])
            #expect(output.status == 0, "\(file.lastPathComponent): \(output.stderr)")
            let summary = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("summary.json"))) as? [String: Any]
            // A scenario with `steady_state:` in its flow block may end there instead.
            let asksForSteadyState = try String(contentsOf: file, encoding: .utf8).contains("steady_state:")
            let expected = asksForSteadyState ? ["completed", "steady_state"] : ["completed"]
            #expect(expected.contains(summary?["status"] as? String ?? ""), "\(file.lastPathComponent)")
        }
    }
}
