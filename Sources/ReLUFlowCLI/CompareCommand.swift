import ArgumentParser
import Experiments
import FlowEngine
import Foundation
import Models

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run a scenario's flow and full-batch GD at several step sizes, and compare them.",
        discussion: """
            Writes the flow's run folder to DIR/flow and DIR/compare.json: for each step size \
            the matched events (same surface, same direction, in order) with their time \
            differences eta*k - t, the events only one side has, and the final-point and \
            final-loss differences; and the observed order of the gaps in eta (about 1). \
            Each GD run also gets a run folder DIR/gd-eta-<eta> in the flow's formats \
            (t = eta*k): trajectory.csv (its iterates on the comparison grid), timeline.jsonl \
            (every flip with its iteration and chattering mark, neuron deaths and revivals, \
            knot exits, plateaus) and summary.json; `reluflow report` reads it like a flow run. \
            A folder holding an earlier run is refused unless --force. GD shows its progress \
            on stderr and stops on SIGINT or SIGTERM like the flow, writing what it computed. \
            Exit status: 0 done; 1 the flow failed, or GD's modified-equation flow stopped \
            early at some step size (compare.json says why: flow_status, flow_error, \
            modified_flow_error), or a file could not be written after the runs; 2 bad input \
            (a step size above t_end, or more than --max-iterations GD steps); 64 a malformed \
            option; 130 interrupted.
            """)

    @Argument(help: "Scenario YAML file.")
    var scenario: String

    @Option(parsing: .upToNextOption,
            help: "GD step sizes, positive: --lr 0.1 0.01 0.001, or comma-separated, --lr 0.1,0.01,0.001 (default: the scenario's gd.learning_rates).")
    var lr: [StepSizes] = []

    @Option(name: .shortAndLong, help: "Output folder (default: runs/<scenario name>-compare).")
    var out: String?

    @Option(help: "σ'(0) for GD, in [0, 1]: 0 (PyTorch, the papers) or 1 (default: the scenario's gd.relu_derivative_at_zero, else 0).")
    var reluDerivativeAtZero: Double?

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    @Option(help: "The most GD iterations at any step size, t_end/eta (a guard against a step size too small to finish).")
    var maxIterations: Double = 1e8

    @Flag(help: "Replace an earlier comparison in the output folder (its run files are deleted first).")
    var force = false

    /// Every step size given, in order.
    var learningRates: [Double] { lr.flatMap(\.values) }

    func validate() throws {
        if let bad = learningRates.first(where: { !($0 > 0 && $0.isFinite) }) {
            throw ValidationError("--lr: step sizes must be positive and finite, got \(bad)")
        }
        if let sigma = reluDerivativeAtZero, !(0...1).contains(sigma) {
            throw ValidationError("--relu-derivative-at-zero: σ'(0) must be in [0, 1], got \(sigma)")
        }
        guard maxIterations >= 1, maxIterations <= Double(Int.max / 2) else {
            throw ValidationError("--max-iterations: must be at least 1 and below 4.6e18, got \(maxIterations)")
        }
        if out?.isEmpty == true { throw ValidationError("--out: give a folder (an empty path would write here)") }
    }

    /// - Throws: `ScenarioError` naming the scenario when a step size exceeds its t_end or
    ///   needs more than `maxIterations` iterations to reach it.
    func checkStepSizes(_ learningRates: [Double], against scenario: Scenario) throws(ScenarioError) {
        let endTime = scenario.endTime
        for eta in learningRates {
            guard eta <= endTime else {
                throw ScenarioError(file: scenario.file.path, "flow.t_end",
                                    "step size \(eta) is above t_end = \(endTime): GD would not take a single step within it")
            }
            let iterations = endTime / eta
            guard iterations <= maxIterations else {
                throw ScenarioError(file: scenario.file.path, "flow.t_end", String(
                    format: "step size %g needs t_end/eta = %.3g GD iterations, above --max-iterations %.3g "
                        + "(raise it, or give a larger step size)", eta, iterations, maxIterations))
            }
        }
    }

    func run() throws {
        let record: CompareRecord
        var folder: URL?
        InterruptSignal.installDuringSetUp()
        do {
            let loaded = try Scenario.load(from: URL(fileURLWithPath: scenario))
            let outputFolder = URL(fileURLWithPath: out ?? "runs/\(loaded.name)-compare")
            folder = outputFolder
            let rates = learningRates.isEmpty ? loaded.descent?.learningRates ?? [] : learningRates
            guard !rates.isEmpty else {
                throw ScenarioError(file: loaded.file.path, "no GD step sizes: give --lr, or gd.learning_rates in the scenario")
            }
            try checkStepSizes(rates, against: loaded)
            record = try ScenarioRun.withModel(of: loaded, FlowAndDescent(
                scenario: loaded, folder: outputFolder, learningRates: rates,
                reluDerivativeAtZero: reluDerivativeAtZero ?? loaded.descent?.reluDerivativeAtZero ?? 0,
                replacesEarlierRun: force))
        } catch let error as ScenarioError {
            RunCommand.printError(error.description)
            throw ExitCode(2)
        } catch let error as OutputFileError {
            RunCommand.printError("the runs are done, but their results are not all written: \(error)")
            throw ExitCode(1)
        } catch {
            RunCommand.printError("the runs are done, but their results are not all written: \(Scenario.reason(error))")
            throw ExitCode(1)
        }
        if !quiet { print(ComparisonTable(record).text) }
        for failure in record.failures { RunCommand.printError(failure) }
        if InterruptSignal.isRaised {
            RunCommand.printError("interrupted: what was computed is in \(folder?.path ?? "the output folder")")
            throw ExitCode(130)
        }
        guard record.failures.isEmpty else { throw ExitCode(1) }
    }
}

/// One `--lr` argument: a step size, or several separated by commas ("0.1,0.01").
struct StepSizes: ExpressibleByArgument {
    let values: [Double]

    init?(argument: String) {
        let items = argument.split(separator: ",", omittingEmptySubsequences: false)
        let values = items.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == items.count else { return nil }
        self.values = values
    }
}

/// Runs the flow (writing its folder `flow/`), then GD at each step size on the same model
/// (`FlowVersusDescent`, writing `gd-eta-<η>/`), and writes `compare.json`.
struct FlowAndDescent: ScenarioRun.ModelConsumer {
    let scenario: Scenario
    let folder: URL
    let learningRates: [Double]
    let reluDerivativeAtZero: Double
    let replacesEarlierRun: Bool

    func consume<Model: GatedNetwork>(_ model: Model, data: Dataset?, watching watched: (any WatchedFunctions)?) throws -> CompareRecord {
        let initial = try scenario.initialization.load(for: model, scenarioFile: scenario.file.path)
        try OutputFolder.prepare(folder, replacing: replacesEarlierRun)
        var flowStates = [Double: [Double]]()
        var settings = ScenarioRun.Settings(outputFolder: folder.appendingPathComponent(RunFolder.flowFolder),
                                            showProgress: false)
        settings.outputTimes = FlowVersusDescent<Model>.gridTimes(learningRates: learningRates,
                                                                  endTime: scenario.endTime)
        settings.didReachOutputTime = { t, state in flowStates[t] = Array(state) }
        guard let flow = try ScenarioRun.execute(scenario, model: model, data: data, watching: watched, settings: settings) else {
            preconditionFailure("a flow run returns its outcome")
        }
        let versus = FlowVersusDescent(model: model, initial: initial, options: scenario.options,
                                       reluDerivativeAtZero: reluDerivativeAtZero,
                                       plateauDetector: scenario.plateauDetector)
        let runs = try learningRates.map { eta in
            let descentFolder = folder.appendingPathComponent(RunFolder.descentFolder(learningRate: eta))
            try OutputFolder.prepare(descentFolder, replacing: false)
            let writer = try RunWriter(folder: descentFolder, layout: model.parameterLayout)
            let progress = ProgressReporter(endTime: flow.result.finalTime, isEnabled: true, label: "GD eta = \(eta):")
            defer { progress.finish() }
            var writeError: Error?
            let initialGates = model.signGates(at: initial, atZero: reluDerivativeAtZero)
            let comparison = try versus.compare(
                learningRate: eta, flow: flow.result, flowEndTime: scenario.endTime, flowStates: flowStates,
                implied: NeuronLevelEvents(model: model, initialGates: initialGates, initial: initial),
                shouldStop: { InterruptSignal.isRaised }
            ) { t, theta in
                progress.report(time: t)
                do {
                    try theta.withUnsafeBufferPointer {
                        try writer.appendTrajectoryRow(time: t, loss: model.loss(at: theta), parameters: $0)
                    }
                } catch { writeError = writeError ?? error }
            }
            if let writeError {
                writer.discard()
                throw writeError
            }
            let summary = DescentSummaryRecord(
                // Interrupted in the flow, GD stops where the flow did: short of t_end too.
                status: comparison.wasInterrupted || InterruptSignal.isRaised ? "interrupted" : "completed",
                scenario: scenario.file.path, model: scenario.model.name, learningRate: eta,
                iterations: comparison.iterations, reluDerivativeAtZero: reluDerivativeAtZero,
                finalLoss: model.loss(at: comparison.finalParameters),
                finalParameters: ParameterValues(comparison.finalParameters, layout: model.parameterLayout),
                plateaus: comparison.timeline.plateaus.map { PlateauRecord($0) },
                flipCount: comparison.timeline.flipCount)
            try writer.finish(summary: summary, timeline: comparison.timeline.entries)
            return comparison.record
        }
        let record = CompareRecord(flowTime: flow.result.finalTime, flowTransitions: TimelineCounts(flow.entries).transitions,
                                   flowStatus: flow.summary.status, flowError: flow.summary.error, runs: runs)
        let file = try OutputFile(folder.appendingPathComponent(RunFolder.compareFile))
        try file.write(try JSONTextEncoder(layout: .linePerKey(expandedKeys: ["runs"])).encode(record) + "\n")
        try file.commit()
        return record
    }
}

extension NeuronLevelEvents: ImpliedTimelineEntries {}

/// What `reluflow compare` prints: a row per step size and the observed orders.
struct ComparisonTable {
    let record: CompareRecord

    init(_ record: CompareRecord) { self.record = record }

    var text: String {
        var lines = ["flow: t = \(record.flowTime), \(record.flowTransitions) transition\(record.flowTransitions == 1 ? "" : "s")",
                     "        eta  iterations  matched  flow-only  gd-only  max |eta*k - t|  max |θ_gd - θ_flow|  final |θ_gd - θ_flow|"]
        for run in record.runs {
            lines.append(String(format: "%11.4g  %10d  %7d  %9d  %7d  %15.3e  %19.3e  %21.3e", run.learningRate,
                                run.iterations, run.matchedEventCount, run.flowOnlyEventCount, run.gdOnlyFlipCount,
                                run.maxEventTimeDifference, run.maxParameterDeviation, run.finalParameterDifference))
        }
        func format(_ order: Double?) -> String { order.map { String(format: "%.2f", $0) } ?? "-" }
        lines.append("observed order in eta: event times \(format(record.eventTimeOrder)), "
            + "trajectory \(format(record.trajectoryOrder)), final point \(format(record.finalPointOrder)); "
            + "GD against its modified-equation flow \(format(record.modifiedFlowOrder))")
        return lines.joined(separator: "\n")
    }
}
