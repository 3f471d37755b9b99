import Experiments
import Foundation
import FlowEngine
import Models
import Yams

/// A scenario file: which model, data, initial parameters, loss and flow settings.
///
/// ```yaml
/// model:  {kind: two_layer, width: 8}    # a kind of `ModelRegistry`; its keys on its `Kind`
/// data:   {file: data.csv}            # header x1,...,xd,y — or a generator block (DataSource)
/// init:   {file: init.json}           # {"w": [...], "b": ...} — or {scheme: he, seed: 1}
/// loss:   {normalization: half_sum}   # half_sum | half_mean | mean
/// flow:   {t_end: 50, rtol: 1.0e-10, atol: 1.0e-12, stepper: rk8pd, repelling_rule: inactive}
///         # steady_state: 1.0e-8 ends the run once ‖F‖∞ ≤ 1e-8·max(1, ‖θ‖∞)
///         # stiff_stepper: msbdf (default) | bsimp | ... | none: the method where rk8pd is stability-limited
/// output: {save_at: [0.5, 1, 2]}      # trajectory.csv rows (TrajectorySchedule); default: a bounded grid
/// watch:  {neuron_norm_level: 0.1}    # `stage` events when a neuron's norm crosses 0.1
/// plateaus: {flatness: 0.05, span: 3}  # |d ln L/d ln t| ≤ flatness over a factor ≥ span in t
/// gd:     {learning_rates: [0.02, 0.01], relu_derivative_at_zero: 0}   # for `reluflow compare`
/// ```
/// Relative paths resolve against the scenario file's folder.
struct Scenario {
    let file: URL
    let description: String?
    /// The `model:` block, read by its kind (`ModelRegistry`).
    let model: any ModelKind
    let data: DataSource?
    let initialization: InitializationSource
    let normalization: LossNormalization
    let endTime: Double
    let options: FlowOptions
    /// Which states trajectory.csv keeps besides the start, the events and the end.
    let trajectory: TrajectorySchedule
    /// `watch: {neuron_norm_level: ν}`: record a `stage` event whenever a neuron's norm
    /// ‖(w_k, b_k)‖ crosses ν (jump times of small-initialisation runs).
    let neuronNormLevel: Double?
    /// `plateaus: {flatness: f, span: r}`: how flat and how long (end/start) a plateau is.
    let plateauDetector: PlateauDetector
    /// `gd:`: GD's step sizes and σ'(0) for `reluflow compare` (its options override them);
    /// a sweep runs its points that have one as compare points. `reluflow run` ignores it.
    let descent: DescentSettings?

    struct DescentSettings {
        let learningRates: [Double]
        let reluDerivativeAtZero: Double?
    }

    /// The name runs are filed under by default: the file name without extension.
    var name: String { file.deletingPathExtension().lastPathComponent }

    static func load(from file: URL) throws(ScenarioError) -> Scenario {
        let path = file.path
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw .unreadable(file, as: "a scenario file", error)
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ScenarioError(file: path, "the scenario is empty") }
            root = node
        } catch let error as ScenarioError {
            throw error
        } catch {
            // Yams adds the offending source lines after the first; the first says where.
            let firstLine = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ScenarioError(file: path, "malformed YAML: \(firstLine)")
        }
        return try Scenario(root: YAMLFields(root, file: path, path: ""), file: file)
    }

    private init(root: YAMLFields, file: URL) throws(ScenarioError) {
        try root.requireOnly(["description", "model", "data", "init", "loss", "flow", "output", "watch", "plateaus", "gd"])
        self.file = file
        description = try root.optionalString("description")
        let folder = file.deletingLastPathComponent()

        let modelFields = try root.fields("model")
        model = try Self.model(modelFields)
        switch type(of: model).dataNeed {
        case .samples:
            data = try DataSource(try root.fields("data"), folder: folder)
        case .none(let reason):
            guard root.node("data") == nil else { throw root.failure("data", reason) }
            data = nil
        }
        initialization = try InitializationSource(try root.fields("init"), folder: folder)

        if let loss = try root.optionalFields("loss") {
            try loss.requireOnly(["normalization"])
            normalization = try loss.optionalChoice("normalization", of: LossNormalization.self) ?? .halfSum
        } else {
            normalization = .halfSum
        }

        let flow = try root.fields("flow")
        try flow.requireOnly(["t_end", "rtol", "atol", "stepper", "stiff_stepper", "max_steps", "repelling_rule",
                              "steady_state"])
        endTime = try flow.double("t_end")
        guard endTime > 0 else { throw flow.failure("t_end", "must be positive, got \(endTime)") }
        var options = FlowOptions()
        options.relativeTolerance = try flow.optionalDouble("rtol") ?? options.relativeTolerance
        options.absoluteTolerance = try flow.optionalDouble("atol") ?? options.absoluteTolerance
        options.stepper = try flow.optionalChoice("stepper", of: GSLStepper.self) ?? .default
        let stiffSteppers = GSLStepper.allCases.filter(\.isImplicit).map(\.rawValue) + ["none"]
        if let word = try flow.optionalChoice("stiff_stepper", among: stiffSteppers) {
            options.stiffStepper = GSLStepper(rawValue: word)
        }
        options.maxSteps = try flow.optionalInt("max_steps") ?? options.maxSteps
        if let word = try flow.optionalString("repelling_rule") {
            guard let rule = RepellingSurfaceRule(word: word) else {
                let words = RepellingSurfaceRule.allCases.map(\.word).joined(separator: ", ")
                throw flow.failure("repelling_rule", "unknown value '\(word)' (one of: \(words))")
            }
            options.repellingRule = rule
        }
        options.steadyStateTolerance = try flow.optionalDouble("steady_state")
        if let (setting, reason) = options.firstInvalidSetting() {
            let keys: [FlowOptions.Setting: String] = [.relativeTolerance: "rtol", .absoluteTolerance: "atol",
                                                       .maxSteps: "max_steps", .steadyStateTolerance: "steady_state",
                                                       .stiffStepper: "stiff_stepper"]
            throw flow.failure(keys[setting] ?? setting.rawValue, reason)
        }
        self.options = options

        if let watch = try root.optionalFields("watch") {
            try watch.requireOnly(["neuron_norm_level"])
            guard let level = try watch.optionalDouble("neuron_norm_level"), level > 0 else {
                throw watch.failure("neuron_norm_level", "missing or not positive")
            }
            guard type(of: model).hasNeuronNorms else {
                let normed = ModelRegistry.kinds.filter { $0.hasNeuronNorms }.map { $0.name }.joined(separator: ", ")
                throw watch.failure("neuron_norm_level", "this model has no neuron norms (these have: \(normed))")
            }
            neuronNormLevel = level
        } else {
            neuronNormLevel = nil
        }

        if let plateaus = try root.optionalFields("plateaus") {
            try plateaus.requireOnly(["flatness", "span"])
            let defaults = PlateauDetector()
            let flatness = try plateaus.optionalDouble("flatness") ?? defaults.flatness
            let span = try plateaus.optionalDouble("span") ?? defaults.minimumSpan
            guard flatness > 0, flatness.isFinite else { throw plateaus.failure("flatness", "must be positive, got \(flatness)") }
            guard span > 1, span.isFinite else { throw plateaus.failure("span", "must be above 1, got \(span)") }
            plateauDetector = PlateauDetector(flatness: flatness, minimumSpan: span)
        } else {
            plateauDetector = PlateauDetector()
        }

        descent = try Self.descent(try root.optionalFields("gd"))
        trajectory = try TrajectorySchedule(try root.optionalFields("output"), endTime: endTime)
    }

    private static func descent(_ fields: YAMLFields?) throws(ScenarioError) -> DescentSettings? {
        guard let fields else { return nil }
        try fields.requireOnly(["learning_rates", "relu_derivative_at_zero"])
        let texts = fields.optionalTexts("learning_rates") ?? []
        let rates = texts.compactMap { $0.flatMap(Double.init) }
        guard !texts.isEmpty, rates.count == texts.count, rates.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw fields.failure("learning_rates", "give a list of positive step sizes, e.g. [0.02, 0.01]")
        }
        let sigma = try fields.optionalDouble("relu_derivative_at_zero")
        if let sigma, !(0...1).contains(sigma) {
            throw fields.failure("relu_derivative_at_zero", "σ'(0) must be in [0, 1], got \(sigma)")
        }
        return DescentSettings(learningRates: rates, reluDerivativeAtZero: sigma)
    }

    /// The model block, read by the kind its `kind` names.
    private static func model(_ fields: YAMLFields) throws(ScenarioError) -> any ModelKind {
        let names = ModelRegistry.kinds.map { $0.name }
        guard let name = try fields.optionalChoice("kind", among: names), let kind = ModelRegistry.kind(named: name) else {
            throw fields.failure("kind", "missing (one of: \(names.joined(separator: ", ")))")
        }
        return try kind.read(fields)
    }

    static func resolve(_ path: String, against folder: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
    }

    static func reason(_ error: Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}

extension ModelKind {
    /// The kind's model block, its keys checked.
    fileprivate static func read(_ fields: YAMLFields) throws(ScenarioError) -> Self {
        try fields.requireOnly(["kind"] + keys)
        return try Self(fields)
    }
}
