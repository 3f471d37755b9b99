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
}
