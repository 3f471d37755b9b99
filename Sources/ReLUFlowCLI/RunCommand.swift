import ArgumentParser
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Integrate a scenario's gradient flow and write its timeline.",
        discussion: """
            Writes DIR/timeline.jsonl (one event per line), DIR/summary.json and \
            DIR/trajectory.csv. A folder holding an earlier run is refused unless --force. \
            Exit status: 0 done, 1 the flow failed part way (what was computed is still \
            written) or a run file could not be written after the run (the message names \
            it), 2 bad input (nothing is written), 64 a malformed command line, 130 \
            interrupted by SIGINT or SIGTERM (during set-up nothing is written; during the \
            run what was computed is still written; a second signal stops at once).
            """)

    @Argument(help: "Scenario YAML file (default: scenarios/default.yaml).")
    var scenario: String?

    @Option(name: .shortAndLong, help: "Output folder, created if missing (default: runs/<scenario name>).")
    var out: String?

    @Flag(name: .shortAndLong, help: "Print no digest on stdout and no progress on stderr.")
    var quiet = false

    @Flag(help: "Also write DIR/data.csv and DIR/init.json, the training set and initial parameters used, so that the run can be replayed from files.")
    var dumpInit = false

    @Flag(help: "Only read and check the scenario and its inputs; integrate nothing, write nothing.")
    var check = false

    @Flag(help: "Replace an earlier run in the output folder (its run files are deleted first).")
    var force = false

    func validate() throws {
        if out?.isEmpty == true { throw ValidationError("--out: give a folder (an empty path would write here)") }
        if check && dumpInit { throw ValidationError("--check writes nothing, so --dump-init would do nothing: give one") }
    }

    func run() throws {
        let scenarioURL = scenario.map { URL(fileURLWithPath: $0) } ?? Self.defaultScenario
        let outcome: ScenarioRun.Outcome?
        InterruptSignal.installDuringSetUp()
        do {
            let loaded = try Scenario.load(from: scenarioURL)
            let settings = ScenarioRun.Settings(
                outputFolder: URL(fileURLWithPath: out ?? "runs/\(loaded.name)"), showProgress: !quiet,
                dumpInputs: dumpInit, checkOnly: check, replacesEarlierRun: force)
            outcome = try ScenarioRun.execute(loaded, settings: settings)
        } catch let error as ScenarioError {
            Self.printError(error.description)
            throw ExitCode(2)
        } catch let error as OutputFileError {
            Self.printError("the flow ran, but its results are not all written: \(error)")
            throw ExitCode(1)
        } catch {
            Self.printError("\(Scenario.reason(error))")
            throw ExitCode(2)
        }
        guard let outcome else {
            if !quiet { print("ok: \(scenarioURL.path) and its inputs are valid") }
            return
        }
        if !quiet { print(RunDigest(outcome).text) }
        if let message = outcome.summary.error {
            Self.printError("the flow stopped early: \(message); the results up to t = "
                + "\(outcome.result.finalTime) are in \(outcome.folder.path)")
            throw ExitCode(outcome.result.termination == .interrupted ? 130 : 1)
        }
    }

    /// `scenarios/default.yaml` in the working folder, else in the package this binary was
    /// built from.
    static var defaultScenario: URL {
        let local = URL(fileURLWithPath: "scenarios/default.yaml")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios/default.yaml")
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
