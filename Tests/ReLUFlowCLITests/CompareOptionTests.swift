import Foundation
import Testing

/// `compare --lr`: a typed list, given as separate values or comma-separated.
@Suite struct CompareOptionTests {
    @Test("--lr takes step sizes as separate values and comma-separated alike")
    func stepSizesAsValuesOrCommaSeparated() throws {
        let scratch = try ScratchFolder()
        let output = try ReLUFlowProcess.run(["compare", RunCommandTests.ex52Scenario, "--lr", "0.02", "0.01,0.005",
                                              "--out", scratch.path("cmp")])
        #expect(output.status == 0, "\(output.stderr)")
        let runs = try #require(try scratch.json("cmp/compare.json")["runs"] as? [[String: Any]])
        #expect(runs.map { $0["learning_rate"] as? Double } == [0.02, 0.01, 0.005])
    }

    @Test("An empty, non-numeric or non-positive step size is a usage error (exit 64) naming --lr",
          arguments: ["0.1,,0.2", "0.1,x", "0,0.1", "0.1,inf"])
    func badStepSizesAreUsageErrors(_ argument: String) throws {
        let scratch = try ScratchFolder()
        let output = try ReLUFlowProcess.run(["compare", RunCommandTests.ex52Scenario, "--lr", argument,
                                              "--out", scratch.path("cmp")])
        #expect(output.status == 64)
        #expect(output.stderr.contains("--lr"), "\(output.stderr)")
        #expect(!scratch.exists("cmp"))
    }

    @Test("σ'(0) outside [0, 1] is a usage error")
    func reluDerivativeOutsideTheUnitInterval() throws {
        let scratch = try ScratchFolder()
        let output = try ReLUFlowProcess.run(["compare", RunCommandTests.ex52Scenario, "--lr", "0.1",
                                              "--relu-derivative-at-zero", "2", "--out", scratch.path("cmp")])
        #expect(output.status == 64 && output.stderr.contains("--relu-derivative-at-zero"), "\(output.stderr)")
    }

    @Test("Without --lr, compare takes the scenario's gd.learning_rates and σ'(0); with neither, exit 2 naming both")
    func stepSizesFromTheScenario() throws {
        let scratch = try ScratchFolder()
        let folder = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/support-vectors").path
        let scenario = try String(contentsOfFile: RunCommandTests.ex52Scenario, encoding: .utf8)
            .replacingOccurrences(of: "file: ex5.2-data.csv", with: "file: \(folder)/ex5.2-data.csv")
            .replacingOccurrences(of: "file: small-init-d3.json", with: "file: \(folder)/small-init-d3.json")
        try scratch.write("plain.yaml", scenario)
        try scratch.write("gd.yaml", scenario + "gd: {learning_rates: [0.02, 0.01], relu_derivative_at_zero: 1}\n")
        let fromScenario = try ReLUFlowProcess.run(["compare", scratch.path("gd.yaml"), "--out", scratch.path("cmp")])
        #expect(fromScenario.status == 0, "\(fromScenario.stderr)")
        let runs = try #require(try scratch.json("cmp/compare.json")["runs"] as? [[String: Any]])
        #expect(runs.map { $0["learning_rate"] as? Double } == [0.02, 0.01])
        #expect(try scratch.json("cmp/gd-eta-0.02/summary.json")["relu_derivative_at_zero"] as? Double == 1)
        let neither = try ReLUFlowProcess.run(["compare", scratch.path("plain.yaml"), "--out", scratch.path("none")])
        #expect(neither.status == 2 && neither.stderr.contains("give --lr, or gd.learning_rates"), "\(neither.stderr)")
        #expect(!scratch.exists("none"))
    }
}
