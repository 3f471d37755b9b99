import Experiments
import Foundation
import FlowEngine
import Models

/// Wires a scenario to a model and the flow engine, and the engine's callbacks to the
/// run files, progress on stderr and the digest on stdout.
enum ScenarioRun {
    struct Outcome {
        let summary: RunSummaryRecord
        let result: FlowResult
        let entries: [TimelineRecord]
        let folder: URL
    }

    /// How a scenario is run.
    struct Settings {
        var outputFolder: URL
        var showProgress = true
        /// Also write the data and initial parameters used (`--dump-init`).
        var dumpInputs = false
        /// Stop once every input is read and the problem is set up (`--check`).
        var checkOnly = false
        /// Replace an earlier run in the output folder (`--force`, `OutputFolder`).
        var replacesEarlierRun = false
        /// Times the flow stops at exactly, each handed to `didReachOutputTime` with the state.
        var outputTimes: [Double] = []
        var didReachOutputTime: ((Double, UnsafeBufferPointer<Double>) -> Void)?
    }

    /// Reads every input first: nothing is written unless all of it is valid.
    /// - Returns: nil after a check only.
    static func execute(_ scenario: Scenario, settings: Settings) throws -> Outcome? {
        try withModel(of: scenario, FlowRun(scenario: scenario, settings: settings))
    }

    /// What to do with a scenario's model once it is built: `watched` are the functions the
    /// scenario watches along the flow (`watch.neuron_norm_level`), if any.
    protocol ModelConsumer {
        associatedtype Output
        func consume<Model: GatedNetwork>(_ model: Model, data: Dataset?, watching watched: (any WatchedFunctions)?) throws -> Output
    }

    /// Integrates the flow and writes the run folder.
    struct FlowRun: ModelConsumer {
        let scenario: Scenario
        let settings: Settings

        func consume<Model: GatedNetwork>(_ model: Model, data: Dataset?, watching watched: (any WatchedFunctions)?) throws -> Outcome? {
            try ScenarioRun.execute(scenario, model: model, data: data, watching: watched, settings: settings)
        }
    }

    /// Builds the scenario's model from its data and hands it to `consumer`.
    static func withModel<Consumer: ModelConsumer>(of scenario: Scenario, _ consumer: Consumer) throws -> Consumer.Output {
        try withModel(of: scenario.model, scenario: scenario, consumer)
    }

    private static func withModel<Kind: ModelKind, Consumer: ModelConsumer>(
        of kind: Kind, scenario: Scenario, _ consumer: Consumer
    ) throws -> Consumer.Output {
        let planned = scenario.data?.plannedSize
        try checkMemory(scenario, kind, samples: planned?.samples ?? 0, dimension: planned?.dimension ?? 1)
        let data = try scenario.data?.load(scenarioFile: scenario.file.path)
        // A data file's size is known once it is read (its text took as much memory already).
        if planned == nil, let data { try checkMemory(scenario, kind, samples: data.sampleCount, dimension: data.inputDimension) }
        let network = try build(scenario) { () throws(ModelError) in
            try kind.network(data: data, normalization: scenario.normalization)
        }
        return try kind.hand(network, to: Delivery(consumer: consumer, data: data, scenario: scenario))
    }

    /// Refuses sizes whose `MemoryEstimate` exceeds the memory available.
    private static func checkMemory(_ scenario: Scenario, _ kind: some ModelKind, samples n: Int, dimension d: Int)
        throws(ScenarioError)
    {
        try MemoryEstimate(samples: n, dimension: d, neurons: kind.neuronCount)
            .check(scenarioFile: scenario.file.path, sizes: "\(n) samples of dimension \(d), \(kind.neuronCount) neurons")
    }

    private static func build<Model>(_ scenario: Scenario, _ make: () throws(ModelError) -> Model) throws(ScenarioError) -> Model {
        do { return try make() } catch { throw ScenarioError(file: scenario.file.path, "model", error.description) }
    }

    /// Hands a built network to a `ModelConsumer`, watched by neuron-norm levels where the
    /// scenario asks for them.
    private struct Delivery<Consumer: ModelConsumer>: NetworkConsumer {
        let consumer: Consumer
        let data: Dataset?
        let scenario: Scenario

        func consume<Network: GatedNetwork>(_ network: Network) throws -> Consumer.Output {
            try consumer.consume(network, data: data, watching: nil)
        }

        func consume<Network: NeuronNorms>(normed network: Network) throws -> Consumer.Output {
            guard let level = scenario.neuronNormLevel else { return try consume(network) }
            let levels = try build(scenario) { () throws(ModelError) in try NeuronNormLevels(network, level: level) }
            return try consumer.consume(network, data: data, watching: levels)
        }
    }

    static func execute<Model: GatedNetwork>(
        _ scenario: Scenario, model: Model, data: Dataset?, watching watched: (any WatchedFunctions)?, settings: Settings
    ) throws -> Outcome? {
        let initial = try scenario.initialization.load(for: model, scenarioFile: scenario.file.path)
        let initialLoss = model.loss(at: initial)
        guard initialLoss.isFinite else {
            throw ScenarioError(file: scenario.file.path, "init", "the initial loss is \(initialLoss): "
                + "the initial parameters are too large for double precision")
        }
        let saveTimes = scenario.trajectory.outputTimes
        func makeSimulator() throws -> FlowSimulator<Model> {
            do {
                return try FlowSimulator(
                    problem: FlowProblem(system: model, initialState: initial, endTime: scenario.endTime,
                                         outputTimes: Set(saveTimes + settings.outputTimes).sorted(),
                                         watching: watched),
                    options: scenario.options)
            } catch {
                throw ScenarioError(file: scenario.file.path, error.description)
            }
        }
        guard !settings.checkOnly else {
            _ = try makeSimulator()
            return nil
        }
        // Before the engine's buffers exist: the initial gates' pass has buffers of that size too.
        var neuronEvents = NeuronLevelEvents(model: model, initialGates: model.signGates(at: initial), initial: initial)
        // Optional so that the run can let it go: its buffers (8 MB per million switching
        // functions each) are freed before the run files are built.
        var simulator: FlowSimulator<Model>? = try makeSimulator()
        let outputFolder = settings.outputFolder
        let writer: RunWriter
        // From here on a signal stops the run, which still writes what it computed.
        InterruptSignal.keepResults()
        try OutputFolder.prepare(outputFolder, replacing: settings.replacesEarlierRun)
        do {
            // Before the run: a folder that cannot be written is bad input (exit status 2).
            writer = try RunWriter(folder: outputFolder, layout: model.parameterLayout)
            if settings.dumpInputs {
                try writer.writeInputs(data: data, initial: initial)
                if let population = model as? PopulationSingleNeuron {
                    try writer.writeTeacher(population.teacherWeights + population.teacherScalarWeights,
                                            layout: population.parameterLayout)
                } else if let teacher = scenario.data?.teacher {
                    try writer.writeTeacher(teacher.parameters, layout: teacher.network.parameterLayout)
                }
            }
        } catch {
            throw ScenarioError(file: outputFolder.path, "cannot write the run folder: \(OutputFileError.reason(error))")
        }
        var entries: [TimelineRecord] = []
        var writeError: Error?
        var plateaus = RunPlateaus(detector: scenario.plateauDetector, floorProvider: model.plateauFloorProvider)
        entries += neuronEvents.initialEntries
        var advanceCount = 0
        // The observer asks for the loss at one state up to three times (an event's entry,
        // the plateau scan, the trajectory row): O(n·p) each, so it is computed once.
        // The state is copied into one array kept for the run (no allocation per step).
        var lastLoss: Double?
        var lastLossState: [Double] = []
        func loss(at state: UnsafeBufferPointer<Double>) -> Double {
            if let lastLoss, lastLossState.elementsEqual(state) { return lastLoss }
            let value = model.loss(at: state.baseAddress!)
            if lastLossState.count == state.count {
                lastLossState.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: state) }
            } else {
                lastLossState = Array(state)
            }
            lastLoss = value
            return value
        }
        var lastRowTime = -Double.infinity
        // Every event gets a trajectory row, whatever the schedule skips: the engine
        // reports the state after an event through `didAdvance` right after recording it.
        var hasEventSinceLastAdvance = false
        let keptTimes = Set(saveTimes)
        func appendRow(_ t: Double, _ state: UnsafeBufferPointer<Double>) {
            guard t != lastRowTime else { return }
            do {
                try writer.appendTrajectoryRow(time: t, loss: loss(at: state), parameters: state)
                lastRowTime = t
            } catch { writeError = writeError ?? error }
        }
        let progress = ProgressReporter(endTime: scenario.endTime, isEnabled: settings.showProgress)
        let start = Date()
        let observer = FlowObserver(
            didAdvance: { t, state in
                defer { advanceCount += 1 }
                progress.report(time: t, eventCount: entries.count)
                plateaus.add(time: t, loss: loss(at: state), state: state)
                defer { hasEventSinceLastAdvance = false }
                guard advanceCount == 0 || hasEventSinceLastAdvance
                    || scenario.trajectory.keepsStep(advanceCount, at: t, lastRowTime: lastRowTime, endTime: scenario.endTime)
                else { return }
                appendRow(t, state)
            },
            didRecordEvent: { event, state in
                hasEventSinceLastAdvance = true
                let value = loss(at: state)
                entries.append(TimelineRecord(event, label: NeuronLevelEvents.label(of: event, in: model), loss: value))
                entries += neuronEvents.entries(after: event, loss: value)
            },
            didReachOutputTime: { t, state in
                settings.didReachOutputTime?(t, state)
                if keptTimes.contains(t) { appendRow(t, state) }
            },
            shouldStop: { InterruptSignal.isRaised })
        let result = simulator.take()!.run(observer: observer)
        progress.finish()
        if lastRowTime != result.finalTime { result.finalState.withUnsafeBufferPointer { appendRow(result.finalTime, $0) } }
        let analysis = FlowRunAnalysis(events: entries, plateaus: plateaus.finish())
        let pairs = FlowRunAnalysis.finalPairs(gates: result.finalGates, label: model.surfaceLabel)
        let summary = RunSummaryRecord(
            scenario: scenario.file.path, model: scenario.model.name,
            lossNormalization: data == nil ? "population" : scenario.normalization.rawValue,
            stepper: scenario.options.stepper.rawValue, repellingRule: scenario.options.repellingRule.word,
            relativeTolerance: scenario.options.relativeTolerance, absoluteTolerance: scenario.options.absoluteTolerance,
            endTime: scenario.endTime,
            halfSumTimeFactor: data.map { scenario.normalization.gradientFactor(sampleCount: $0.sampleCount) },
            result: result, finalLoss: model.loss(at: result.finalState),
            finalParameters: ParameterValues(result.finalState, layout: model.parameterLayout),
            finalActive: pairs.active, finalSliding: pairs.sliding, plateaus: analysis.plateauRecords,
            jumpProcess: model.jumpProcessNetwork.map { network in
                JumpProcessRecord(prediction: JumpProcessPrediction(network: network, start: initial),
                                  timeline: analysis.timeline,
                                  flowSquaredNorm: network.squaredParameterNorm(at: result.finalState))
            },
            timeline: analysis.timeline, wallSeconds: Date().timeIntervalSince(start),
            surfaceName: { model.surfaceLabel($0).name })
        if let writeError {
            writer.discard()
            throw writeError
        }
        try writer.finish(summary: summary, timeline: analysis.timeline)
        return Outcome(summary: summary, result: result, entries: analysis.timeline, folder: outputFolder)
    }
}

/// Prints "t = ... of t_end" to stderr at most every two seconds of wall time, so that only
/// long runs show it.
final class ProgressReporter {
    private let endTime: Double
    private let isEnabled: Bool
    /// What the lines start with ("GD eta = 0.01:"), if anything.
    private let label: String
    private let start = Date()
    private var lastReport = Date()
    private var hasReported = false

    init(endTime: Double, isEnabled: Bool, label: String = "") {
        self.endTime = endTime
        self.isEnabled = isEnabled
        self.label = label.isEmpty ? "" : label + " "
    }

    func report(time: Double, eventCount: Int? = nil) {
        guard isEnabled, Date().timeIntervalSince(lastReport) >= 2 else { return }
        lastReport = Date()
        hasReported = true
        let percent = 100 * time / endTime
        let events = eventCount.map { ", \($0) timeline entries" } ?? ""
        FileHandle.standardError.write(Data(String(
            format: "  %@t = %.6g of %.6g (%.1f%%)%@, %.0f s\n", label, time, endTime, percent, events,
            Date().timeIntervalSince(start)).utf8))
    }

    func finish() {
        guard hasReported else { return }
        FileHandle.standardError.write(Data("  done in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n".utf8))
    }
}
