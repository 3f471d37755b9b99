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
            knot exits, plateaus) and summary.json; `reluflow report` reads it like a flow run.
            """)

    @Argument(help: "Scenario YAML file.")
    var scenario: String

    @Option(help: "Comma-separated GD step sizes, e.g. 0.1,0.01,0.001.")
    var lr: String

    @Option(name: .shortAndLong, help: "Output folder (default: runs/<scenario name>-compare).")
    var out: String?

    @Option(help: "σ'(0) for GD: 0 (PyTorch, the papers) or 1.")
    var reluDerivativeAtZero: Double = 0

    func run() throws {
        let rates = lr.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !rates.isEmpty, rates.count == lr.split(separator: ",").count, rates.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            RunCommand.printError("--lr: expected positive numbers separated by commas, got '\(lr)'")
            throw ExitCode(2)
        }
        let report: ComparisonReport
        do {
            let loaded = try Scenario.load(from: URL(fileURLWithPath: scenario))
            let folder = URL(fileURLWithPath: out ?? "runs/\(loaded.name)-compare")
            report = try ScenarioRun.withModel(of: loaded, FlowAndDescent(
                scenario: loaded, folder: folder, learningRates: rates, reluDerivativeAtZero: reluDerivativeAtZero))
        } catch let error as ScenarioError {
            RunCommand.printError(error.description)
            throw ExitCode(2)
        }
        print(report.text)
    }
}

/// Runs the flow (writing its folder) and GD at each step size on the same model.
struct FlowAndDescent: ScenarioRun.ModelConsumer {
    /// About this many GD iterates per step size are compared with the flow's state.
    static let gridPoints = 500

    let scenario: Scenario
    let folder: URL
    let learningRates: [Double]
    let reluDerivativeAtZero: Double

    func consume<Model: GatedNetwork>(_ model: Model, data: Dataset?) throws -> ComparisonReport {
        let initial = try scenario.initialization.load(for: model, scenarioFile: scenario.file.path)
        // The flow stops exactly at every GD time of the comparison grid on its way.
        let endTime = scenario.endTime
        let strides = learningRates.map { max(1, Int((endTime / $0).rounded()) / Self.gridPoints) }
        let gridTimes = Set(zip(learningRates, strides).flatMap { eta, stride in
            stride.multiples(upTo: Int((endTime / eta).rounded())).map { eta * Double($0) }
        }).filter { $0 <= endTime }.sorted()
        var flowStates = [Double: [Double]]()
        var settings = ScenarioRun.Settings(outputFolder: folder.appendingPathComponent("flow"), showProgress: false)
        settings.outputTimes = gridTimes
        settings.didReachOutputTime = { t, state in flowStates[t] = Array(state) }
        guard let flow = try ScenarioRun.execute(scenario, model: model, data: data, settings: settings) else {
            preconditionFailure("a flow run returns its outcome")
        }
        let result = flow.summary.result
        /// max_i |θ_i − θ'_i| in the network's own weights (`comparableParameters`).
        func deviation(_ theta: [Double], _ other: [Double]) -> Double {
            zip(model.comparableParameters(theta), model.comparableParameters(other)).map { abs($0 - $1) }.max() ?? 0
        }
        let rows = try zip(learningRates, strides).map { eta, stride -> ComparisonReport.Row in
            let iterations = Int((result.finalTime / eta).rounded())
            // GD's modified equation at this η, on this η's grid.
            let grid = stride.multiples(upTo: iterations).map { eta * Double($0) }.filter { $0 <= result.finalTime }
            var modifiedStates = [Double: [Double]]()
            _ = try FlowSimulator(
                problem: FlowProblem(system: ModifiedEquationFlow(model, learningRate: eta), initialState: initial,
                                     endTime: result.finalTime, outputTimes: grid),
                options: scenario.options
            ).run(observer: FlowObserver(didReachOutputTime: { t, state in modifiedStates[t] = Array(state) }))
            var parameterDeviation = 0.0, lossDeviation = 0.0, modifiedDeviation = 0.0
            var lossCurve: [(Double, Double)] = [(0, model.loss(at: initial))]
            // GD's own run folder, in the flow's formats (t = η·k), its iterates on the grid.
            let writer = try RunWriter(folder: folder.appendingPathComponent("gd-eta-\(eta)"), layout: model.parameterLayout)
            var writeError: Error?
            func writeRow(_ t: Double, _ theta: [Double]) {
                do {
                    try theta.withUnsafeBufferPointer { try writer.appendTrajectoryRow(time: t, loss: model.loss(at: theta), parameters: $0) }
                } catch { writeError = writeError ?? error }
            }
            writeRow(0, initial)
            let initialGates = model.signGates(at: initial, atZero: reluDerivativeAtZero)
            var previousGates = initialGates
            var lossAtFlips: [Int: Double] = [:]
            let descent = GradientDescent(network: model, learningRate: eta, reluDerivativeAtZero: reluDerivativeAtZero)
                .run(from: initial, iterations: iterations, lossEvery: max(iterations, 1)) { k, theta, gates in
                    if gates != previousGates {
                        lossAtFlips[k] = model.loss(at: theta)
                        previousGates = gates
                    }
                    guard k % stride == 0 else { return }
                    lossCurve.append((eta * Double(k), model.loss(at: theta)))
                    writeRow(eta * Double(k), theta)
                    guard let flowState = flowStates[eta * Double(k)] else { return }
                    parameterDeviation = max(parameterDeviation, deviation(theta, flowState))
                    if let modifiedState = modifiedStates[eta * Double(k)] {
                        modifiedDeviation = max(modifiedDeviation, deviation(theta, modifiedState))
                    }
                    lossDeviation = max(lossDeviation, abs(model.loss(at: theta) - model.loss(at: flowState)))
                }
            if iterations % stride != 0 { writeRow(eta * Double(iterations), descent.finalParameters) }
            if let writeError {
                writer.discard()
                throw writeError
            }
            let timeline = DescentTimeline(
                model: model, learningRate: eta, initial: initial, initialGates: initialGates, flips: descent.flips,
                lossAtFlips: lossAtFlips, lossCurve: lossCurve.map { (time: $0.0, loss: $0.1) },
                plateauDetector: scenario.plateauDetector)
            try writer.finish(summaryJSON: timeline.summaryJSON(
                scenario: scenario, model: model, iterations: iterations, reluDerivativeAtZero: reluDerivativeAtZero,
                finalParameters: descent.finalParameters), timeline: timeline.entries)
            let comparison = FlowGDComparison(flowEvents: result.timeline, gdFlips: descent.flips, learningRate: eta)
            let finalDifference = deviation(descent.finalParameters, result.finalState)
            return ComparisonReport.Row(
                learningRate: eta, iterations: iterations, comparison: comparison, finalParameterDifference: finalDifference,
                finalLossDifference: abs(model.loss(at: descent.finalParameters) - model.loss(at: result.finalState)),
                maxParameterDeviation: parameterDeviation, maxLossDeviation: lossDeviation,
                maxModifiedFlowDeviation: modifiedDeviation, lossCurve: lossCurve, plateaus: timeline.plateaus)
        }
        let report = ComparisonReport(flowTime: result.finalTime, flowEventCount: result.timeline.count, rows: rows)
        let file = try OutputFile(folder.appendingPathComponent("compare.json"))
        try file.write(report.json + "\n")
        try file.commit()
        return report
    }
}

/// What `reluflow compare` prints and writes.
struct ComparisonReport {
    struct Row {
        let learningRate: Double
        let iterations: Int
        let comparison: FlowGDComparison
        let finalParameterDifference: Double
        let finalLossDifference: Double
        /// max over the common time grid t = η·k of |θ_GD(k) − θ_flow(t)| and of the loss gap.
        let maxParameterDeviation: Double
        let maxLossDeviation: Double
        /// The same against the modified-equation flow of GD (loss L + (η/4)‖∇L‖²).
        let maxModifiedFlowDeviation: Double
        /// GD's loss on the comparison grid, as (η·k, L).
        let lossCurve: [(Double, Double)]
        /// The plateaus of that loss curve.
        let plateaus: [PlateauDetector.Plateau]
    }

    let flowTime: Double
    let flowEventCount: Int
    let rows: [Row]

    var eventOrder: Double? {
        FlowGDComparison.observedOrder(learningRates: rows.map(\.learningRate), gaps: rows.map(\.comparison.maxTimeDifference))
    }

    var trajectoryOrder: Double? {
        FlowGDComparison.observedOrder(learningRates: rows.map(\.learningRate), gaps: rows.map(\.maxParameterDeviation))
    }

    var modifiedFlowOrder: Double? {
        FlowGDComparison.observedOrder(learningRates: rows.map(\.learningRate), gaps: rows.map(\.maxModifiedFlowDeviation))
    }

    var finalPointOrder: Double? {
        FlowGDComparison.observedOrder(learningRates: rows.map(\.learningRate), gaps: rows.map(\.finalParameterDifference))
    }

    var json: String {
        let entries = rows.map { row in
            JSONText.object([
                ("learning_rate", JSONText.number(row.learningRate)),
                ("iterations", "\(row.iterations)"),
                ("matched_events", "\(row.comparison.matches.count)"),
                ("max_event_time_difference", JSONText.number(row.comparison.maxTimeDifference)),
                ("events", "[" + row.comparison.matches.map { match in
                    JSONText.object([("surface", "\(match.surface)"),
                                     ("into", JSONText.string(match.into.activationWord)),
                                     ("flow_t", JSONText.number(match.flowTime)), ("gd_iteration", "\(match.gdIteration)"),
                                     ("time_difference", JSONText.number(match.timeDifference))])
                }.joined(separator: ", ") + "]"),
                ("flow_only_events", "\(row.comparison.flowOnly.count)"),
                ("gd_only_flips", "\(row.comparison.gdOnly.count)"),
                ("max_parameter_deviation", JSONText.number(row.maxParameterDeviation)),
                ("max_loss_deviation", JSONText.number(row.maxLossDeviation)),
                ("max_modified_flow_deviation", JSONText.number(row.maxModifiedFlowDeviation)),
                ("final_parameter_difference", JSONText.number(row.finalParameterDifference)),
                ("final_loss_difference", JSONText.number(row.finalLossDifference)),
                ("gd_plateaus", RunSummary.plateausJSON(row.plateaus)),
                ("gd_loss", "[" + row.lossCurve.map { "[\(JSONText.number($0.0)), \(JSONText.number($0.1))]" }
                    .joined(separator: ", ") + "]"),
            ])
        }
        return JSONText.object([
            ("flow_time", JSONText.number(flowTime)),
            ("flow_events", "\(flowEventCount)"),
            ("runs", "[\n    " + entries.joined(separator: ",\n    ") + "\n  ]"),
            ("observed_order_event_time", eventOrder.map(JSONText.number) ?? "null"),
            ("observed_order_trajectory", trajectoryOrder.map(JSONText.number) ?? "null"),
            ("observed_order_modified_flow", modifiedFlowOrder.map(JSONText.number) ?? "null"),
            ("observed_order_final_point", finalPointOrder.map(JSONText.number) ?? "null"),
        ], indent: "")
    }

    var text: String {
        var lines = ["flow: t = \(flowTime), \(flowEventCount) events",
                     "        eta  iterations  matched  flow-only  gd-only  max |eta*k - t|  max |θ_gd - θ_flow|  final |θ_gd - θ_flow|"]
        for row in rows {
            lines.append(String(format: "%11.4g  %10d  %7d  %9d  %7d  %15.3e  %19.3e  %21.3e", row.learningRate,
                                row.iterations, row.comparison.matches.count, row.comparison.flowOnly.count,
                                row.comparison.gdOnly.count, row.comparison.maxTimeDifference, row.maxParameterDeviation,
                                row.finalParameterDifference))
        }
        func format(_ order: Double?) -> String { order.map { String(format: "%.2f", $0) } ?? "-" }
        lines.append("observed order in eta: event times \(format(eventOrder)), trajectory \(format(trajectoryOrder)), "
            + "final point \(format(finalPointOrder)); GD against its modified-equation flow "
            + "\(format(modifiedFlowOrder))")
        return lines.joined(separator: "\n")
    }
}

extension Int {
    /// self, 2·self, … up to `limit`.
    func multiples(upTo limit: Int) -> StrideTo<Int> { Swift.stride(from: self, to: limit + 1, by: self) }
}
