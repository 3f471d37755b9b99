import Experiments
import Foundation
import FlowEngine
import Models

/// Wires a scenario to a model and the flow engine, and the engine's callbacks to the
/// run files, progress on stderr and the digest on stdout.
enum ScenarioRun {
    struct Outcome {
        let summary: RunSummary
        let entries: [TimelineEntry]
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
        /// Times the flow stops at exactly, each handed to `didReachOutputTime` with the state.
        var outputTimes: [Double] = []
        var didReachOutputTime: ((Double, UnsafeBufferPointer<Double>) -> Void)?
    }

    /// Reads every input first: nothing is written unless all of it is valid.
    /// - Returns: nil after a check only.
    static func execute(_ scenario: Scenario, settings: Settings) throws -> Outcome? {
        try withModel(of: scenario, FlowRun(scenario: scenario, settings: settings))
    }

    /// What to do with a scenario's model once it is built.
    protocol ModelConsumer {
        associatedtype Output
        func consume<Model: GatedNetwork>(_ model: Model, data: Dataset?) throws -> Output
    }

    /// Integrates the flow and writes the run folder.
    struct FlowRun: ModelConsumer {
        let scenario: Scenario
        let settings: Settings

        func consume<Model: GatedNetwork>(_ model: Model, data: Dataset?) throws -> Outcome? {
            try ScenarioRun.execute(scenario, model: model, data: data, settings: settings)
        }
    }

    /// Builds the scenario's model from its data and hands it to `consumer`.
    static func withModel<Consumer: ModelConsumer>(of scenario: Scenario, _ consumer: Consumer) throws -> Consumer.Output {
        let data = try scenario.data?.load()
        let file = scenario.file.path
        func build<Model>(_ make: () throws(ModelError) -> Model) throws(ScenarioError) -> Model {
            do { return try make() } catch { throw ScenarioError(file: file, "model", error.description) }
        }
        func groups<Group: RawRepresentable>(_ type: Group.Type) -> Set<Group>? where Group.RawValue == String {
            scenario.trainedGroups.map { Set($0.compactMap(Group.init(rawValue:))) }
        }
        func run(_ model: some GatedNetwork) throws -> Consumer.Output {
            try consumer.consume(model, data: data)
        }
        guard let data else {
            let teacher = scenario.populationTeacher!
            return try run(build { () throws(ModelError) in
                try PopulationSingleNeuron(teacherWeights: teacher.w, teacherScalarWeights: teacher.v)
            })
        }
        switch scenario.modelKind {
        case .singleNeuron:
            return try run(SingleNeuron(data: data, hasBias: scenario.bias, normalization: scenario.normalization))
        case .twoLayer:
            return try run(build { () throws(ModelError) in
                try TwoLayerNetwork(data: data, width: scenario.width, hasBias: scenario.bias, scaling: scenario.scaling,
                                    trained: groups(TwoLayerNetwork.Group.self), normalization: scenario.normalization)
            })
        case .twoLayerLogScale:
            return try run(build { () throws(ModelError) in
                try LogScaleBalancedNetwork(data: data, width: scenario.width, normalization: scenario.normalization)
            })
        case .twoLayerOrthogonal:
            return try run(build { () throws(ModelError) in
                try OrthogonalDataNetwork(data: data, width: scenario.width, normalization: scenario.normalization)
            })
        case .univariate:
            return try run(build { () throws(ModelError) in
                try UnivariateNetwork(data: data, width: scenario.width, form: scenario.univariateForm,
                                      scaling: scenario.scaling,
                                      trained: groups(UnivariateNetwork.Group.self), normalization: scenario.normalization)
            })
        case .deepSingleNeuron:
            return try run(build { () throws(ModelError) in
                try DeepSingleNeuron(data: data, scalarWeightCount: scenario.width, normalization: scenario.normalization)
            })
        case .populationSingleNeuron:
            preconditionFailure("a population scenario has no data")
        }
    }

    static func execute<Model: GatedNetwork>(
        _ scenario: Scenario, model: Model, data: Dataset?, settings: Settings
    ) throws -> Outcome? {
        let initial = try scenario.initialization.load(for: model, scenarioFile: scenario.file.path)
        let watched = try NeuronLevelEvents.watchedFunctions(of: scenario, model: model)
        let simulator: FlowSimulator<Model>
        do {
            simulator = try FlowSimulator(
                problem: FlowProblem(system: model, initialState: initial, endTime: scenario.endTime,
                                     outputTimes: settings.outputTimes,
                                     watching: watched),
                options: scenario.options)
        } catch {
            throw ScenarioError(file: scenario.file.path, error.description)
        }
        guard !settings.checkOnly else { return nil }
        let outputFolder = settings.outputFolder
        let writer = try RunWriter(folder: outputFolder, layout: model.parameterLayout)
        if settings.dumpInputs { try writer.writeInputs(data: data, initial: initial) }
        var entries: [TimelineEntry] = []
        var writeError: Error?
        func append(_ entry: TimelineEntry) { entries.append(entry) }
        var lossCurve: [(time: Double, loss: Double)] = []
        // Q_0 of the current partition at every accepted step, for models that have one.
        let floorProvider = model as? any PlateauFloorProviding
        var floors: [Double] = []
        var neuronEvents = NeuronLevelEvents(model: model, initialGates: model.signGates(at: initial), initial: initial)
        entries += neuronEvents.initialEntries
        var advanceCount = 0
        var lastRowTime = -Double.infinity
        let progress = ProgressReporter(endTime: scenario.endTime, isEnabled: settings.showProgress)
        let start = Date()
        let observer = FlowObserver(
            didAdvance: { t, state in
                defer { advanceCount += 1 }
                progress.report(time: t, eventCount: entries.count)
                lossCurve.append((t, model.loss(at: state.baseAddress!)))
                if let floorProvider { floors.append(floorProvider.plateauFloor(at: Array(state))) }
                guard advanceCount % scenario.trajectoryEvery == 0 else { return }
                do {
                    try writer.appendTrajectoryRow(time: t, loss: model.loss(at: state.baseAddress!), parameters: state)
                    lastRowTime = t
                } catch { writeError = writeError ?? error }
            },
            didRecordEvent: { event, state in
                let loss = model.loss(at: state.baseAddress!)
                append(TimelineEntry(event, label: NeuronLevelEvents.label(of: event, in: model), loss: loss))
                entries += neuronEvents.entries(after: event, loss: loss)
            },
            didReachOutputTime: settings.didReachOutputTime,
            shouldStop: { InterruptSignal.isRaised })
        InterruptSignal.install()
        let result = simulator.run(observer: observer)
        progress.finish()
        if lastRowTime != result.finalTime {
            result.finalState.withUnsafeBufferPointer { state in
                do {
                    try writer.appendTrajectoryRow(time: result.finalTime, loss: model.loss(at: state.baseAddress!),
                                                   parameters: state)
                } catch { writeError = writeError ?? error }
            }
        }
        let plateaus = scenario.plateauDetector.plateaus(in: lossCurve)
        let plateauFloors = plateaus.map { floors.isEmpty ? nil : floors[$0.startIndex] }
        entries = TimelineEntry.merging(entries, plateaus: plateaus, floors: plateauFloors)
        let summary = RunSummary(
            scenario: scenario.file.path, model: scenario.modelKind.rawValue, stepper: scenario.options.stepper.rawValue,
            repellingRule: scenario.options.repellingRule.word,
            relativeTolerance: scenario.options.relativeTolerance, absoluteTolerance: scenario.options.absoluteTolerance,
            normalization: data == nil ? "population" : scenario.normalization.rawValue,
            halfSumTimeFactor: data.map { scenario.normalization.gradientFactor(sampleCount: $0.sampleCount) },
            endTime: scenario.endTime,
            result: result,
            finalLoss: model.loss(at: result.finalState),
            plateaus: plateaus, plateauFloors: plateauFloors,
            activeSurfaces: result.finalGates.indices.filter { result.finalGates[$0] == 1 }.map(model.surfaceLabel),
            slidingSurfaces: result.finalGates.indices.filter { result.finalGates[$0] > 0 && result.finalGates[$0] < 1 }
                .map { (model.surfaceLabel($0), result.finalGates[$0]) },
            jumpProcess: orthogonalNetwork(of: model).map {
                JumpProcessReport(network: $0, start: initial, end: result.finalState, timeline: entries)
            },
            wallSeconds: Date().timeIntervalSince(start))
        if let writeError {
            writer.discard()
            throw writeError
        }
        try writer.finish(summary: summary, timeline: entries)
        return Outcome(summary: summary, entries: entries, folder: outputFolder)
    }
}

/// `model` as an orthogonal-data network, if it is one.
private func orthogonalNetwork(of model: some GatedNetwork) -> OrthogonalDataNetwork? {
    model as? OrthogonalDataNetwork
}

/// Prints "t = ... of t_end" to stderr at most every two seconds of wall time, so that only
/// long runs show it.
final class ProgressReporter {
    private let endTime: Double
    private let isEnabled: Bool
    private let start = Date()
    private var lastReport = Date()
    private var hasReported = false

    init(endTime: Double, isEnabled: Bool) {
        self.endTime = endTime
        self.isEnabled = isEnabled
    }

    func report(time: Double, eventCount: Int) {
        guard isEnabled, Date().timeIntervalSince(lastReport) >= 2 else { return }
        lastReport = Date()
        hasReported = true
        let percent = 100 * time / endTime
        FileHandle.standardError.write(Data(String(
            format: "  t = %.6g of %.6g (%.1f%%), %d events, %.0f s\n", time, endTime, percent, eventCount,
            Date().timeIntervalSince(start)).utf8))
    }

    func finish() {
        guard hasReported else { return }
        FileHandle.standardError.write(Data("  done in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n".utf8))
    }
}
