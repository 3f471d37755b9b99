import Experiments
import Foundation
import FlowEngine
import Models
import Yams

/// A scenario file: which model, data, initial parameters, loss and flow settings.
///
/// ```yaml
/// model:  {kind: single_neuron, bias: false}
///         # or {kind: two_layer, width: 8, bias: true, scaling: 1 | sqrt_m | m, train: [W, b, a]}
///         # or {kind: two_layer_log_scale, width: 8}   (balanced, no bias; log-norm state)
///         # or {kind: two_layer_orthogonal, width: 6}  (balanced, no bias, orthonormal inputs;
///         #     data coordinates scaled per neuron, for λ down to e^-690)
///         # or {kind: univariate, width: 10, form: knots | full, scaling: ..., train: [a, b, c]}
///         # or {kind: deep_single_neuron, depth: 2}    (f = v_1 σ(v_2 σ(w·x)))
/// data:   {file: data.csv}            # header x1,...,xd,y — or a generator block (DataSource)
/// init:   {file: init.json}           # {"w": [...], "b": ...} — or {scheme: he, seed: 1}
/// loss:   {normalization: half_sum}   # half_sum | half_mean | mean
/// flow:   {t_end: 50, rtol: 1.0e-10, atol: 1.0e-12, stepper: rk8pd, repelling_rule: inactive}
///         # steady_state: 1.0e-8 ends the run once ‖F‖∞ ≤ 1e-8·max(1, ‖θ‖∞)
/// output: {trajectory_every: 1}       # keep every k-th accepted step in trajectory.csv
/// watch:  {neuron_norm_level: 0.1}    # `stage` events when a neuron's norm crosses 0.1
/// plateaus: {flatness: 0.05, span: 3}  # |d ln L/d ln t| ≤ flatness over a factor ≥ span in t
/// ```
/// Relative paths resolve against the scenario file's folder.
struct Scenario {
    enum ModelKind: String, CaseIterable {
        case singleNeuron = "single_neuron"
        case twoLayer = "two_layer"
        case twoLayerLogScale = "two_layer_log_scale"
        case twoLayerOrthogonal = "two_layer_orthogonal"
        case univariate
        case deepSingleNeuron = "deep_single_neuron"
        case populationSingleNeuron = "population_single_neuron"
    }

    let file: URL
    let description: String?
    let modelKind: ModelKind
    let bias: Bool
    /// The number of hidden neurons (knots for `univariate`, scalar weights for
    /// `deep_single_neuron`), the output scaling 1/α(m), and the names of the trained
    /// parameter groups (nil: all).
    let width: Int
    let scaling: OutputScaling
    let trainedGroups: Set<String>?
    /// `univariate` only: `knots` (Ainsworth & Shin, f = Σ c σ(x − b)) or `full` (Williams
    /// et al., f = (1/α) Σ c σ(a x − b)).
    let univariateForm: UnivariateNetwork.Form
    /// `population_single_neuron` only: the teacher's w* and v*_1..v*_m (the student has the
    /// same depth). The loss is the Gaussian-input population loss, so there is no data block.
    var populationTeacher: (w: [Double], v: [Double])?
    /// nil only for `population_single_neuron`.
    let data: DataSource?
    let initialization: InitializationSource
    let normalization: LossNormalization
    let endTime: Double
    let options: FlowOptions
    let trajectoryEvery: Int
    /// `watch: {neuron_norm_level: ν}`: record a `stage` event whenever a neuron's norm
    /// ‖(w_k, b_k)‖ crosses ν (jump times of small-initialisation runs).
    let neuronNormLevel: Double?
    /// `plateaus: {flatness: f, span: r}`: how flat and how long (end/start) a plateau is.
    let plateauDetector: PlateauDetector

    /// The name runs are filed under by default: the file name without extension.
    var name: String { file.deletingPathExtension().lastPathComponent }

    static func load(from file: URL) throws(ScenarioError) -> Scenario {
        let path = file.path
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw ScenarioError(file: path, "cannot read the scenario (\(Self.reason(error)))")
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
        try root.requireOnly(["description", "model", "data", "init", "loss", "flow", "output", "watch", "plateaus"])
        self.file = file
        description = try root.optionalString("description")
        let folder = file.deletingLastPathComponent()

        let model = try root.fields("model")
        guard let kind = try model.optionalChoice("kind", of: ModelKind.self) else {
            throw model.failure("kind", "missing (one of: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        modelKind = kind
        switch kind {
        case .singleNeuron: try model.requireOnly(["kind", "bias"])
        case .twoLayer: try model.requireOnly(["kind", "bias", "width", "scaling", "train"])
        case .twoLayerLogScale, .twoLayerOrthogonal: try model.requireOnly(["kind", "width"])
        case .univariate: try model.requireOnly(["kind", "width", "form", "scaling", "train"])
        case .deepSingleNeuron: try model.requireOnly(["kind", "depth"])
        case .populationSingleNeuron: try model.requireOnly(["kind", "teacher"])
        }
        bias = try model.optionalBool("bias") ?? false
        univariateForm = try model.optionalChoice("form", of: UnivariateNetwork.Form.self) ?? .knots
        populationTeacher = nil
        switch kind {
        case .singleNeuron:
            width = 1
            scaling = .none
            trainedGroups = nil
        case .populationSingleNeuron:
            populationTeacher = try Self.populationTeacher(try model.fields("teacher"))
            width = populationTeacher!.v.count
            scaling = .none
            trainedGroups = nil
        case .deepSingleNeuron:
            guard let depth = try model.optionalInt("depth"), depth > 0 else {
                throw model.failure("depth", "missing or not a positive integer (the number of scalar weights v)")
            }
            width = depth
            scaling = .none
            trainedGroups = nil
        case .twoLayer, .twoLayerLogScale, .twoLayerOrthogonal, .univariate:
            guard let width = try model.optionalInt("width") else { throw model.failure("width", "missing") }
            guard width > 0 else { throw model.failure("width", "must be a positive integer, got \(width)") }
            self.width = width
            scaling = try model.optionalChoice("scaling", of: OutputScaling.self) ?? .none
            trainedGroups = try Self.trainedGroups(model, names: kind == .univariate ? ["a", "b", "c"] : ["W", "b", "a"])
        }
        if kind == .populationSingleNeuron {
            guard root.node("data") == nil else {
                throw root.failure("data", "a population model has no data (its loss is the expectation over x ~ N(0, I))")
            }
            data = nil
        } else {
            data = try DataSource(try root.fields("data"), folder: folder)
        }
        initialization = try InitializationSource(try root.fields("init"), folder: folder)

        if let loss = try root.optionalFields("loss") {
            try loss.requireOnly(["normalization"])
            normalization = try loss.optionalChoice("normalization", of: LossNormalization.self) ?? .halfSum
        } else {
            normalization = .halfSum
        }

        let flow = try root.fields("flow")
        try flow.requireOnly(["t_end", "rtol", "atol", "stepper", "max_steps", "repelling_rule", "steady_state"])
        endTime = try flow.double("t_end")
        guard endTime > 0 else { throw flow.failure("t_end", "must be positive, got \(endTime)") }
        var options = FlowOptions()
        options.relativeTolerance = try flow.optionalDouble("rtol") ?? options.relativeTolerance
        options.absoluteTolerance = try flow.optionalDouble("atol") ?? options.absoluteTolerance
        options.stepper = try flow.optionalChoice("stepper", of: GSLStepper.self) ?? .default
        options.maxSteps = try flow.optionalInt("max_steps") ?? options.maxSteps
        if let word = try flow.optionalString("repelling_rule") {
            guard let rule = RepellingSurfaceRule(word: word) else {
                let words = RepellingSurfaceRule.allCases.map(\.word).joined(separator: ", ")
                throw flow.failure("repelling_rule", "unknown value '\(word)' (one of: \(words))")
            }
            options.repellingRule = rule
        }
        guard options.relativeTolerance > 0 else {
            throw flow.failure("rtol", "must be positive, got \(options.relativeTolerance)")
        }
        guard options.relativeTolerance >= FlowOptions.smallestRelativeTolerance else {
            throw flow.failure("rtol", "\(options.relativeTolerance) is below \(FlowOptions.smallestRelativeTolerance), "
                + "which double precision cannot meet")
        }
        guard options.absoluteTolerance > 0 else {
            throw flow.failure("atol", "must be positive, got \(options.absoluteTolerance)")
        }
        guard options.maxSteps > 0 else { throw flow.failure("max_steps", "must be positive, got \(options.maxSteps)") }
        options.steadyStateTolerance = try flow.optionalDouble("steady_state")
        if let tolerance = options.steadyStateTolerance, !(tolerance > 0 && tolerance.isFinite) {
            throw flow.failure("steady_state", "must be positive, got \(tolerance)")
        }
        self.options = options

        if let watch = try root.optionalFields("watch") {
            try watch.requireOnly(["neuron_norm_level"])
            guard let level = try watch.optionalDouble("neuron_norm_level"), level > 0 else {
                throw watch.failure("neuron_norm_level", "missing or not positive")
            }
            guard [.twoLayer, .twoLayerLogScale, .twoLayerOrthogonal].contains(kind) else {
                throw watch.failure("neuron_norm_level", "only the two-layer models have neuron norms")
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

        if let output = try root.optionalFields("output") {
            try output.requireOnly(["trajectory_every"])
            trajectoryEvery = try output.optionalInt("trajectory_every") ?? 1
            guard trajectoryEvery > 0 else {
                throw output.failure("trajectory_every", "must be a positive integer, got \(trajectoryEvery)")
            }
        } else {
            trajectoryEvery = 1
        }
    }

    /// `train: [...]`, a non-empty subset of the model's group names; nil (absent) trains them all.
    private static func trainedGroups(_ model: YAMLFields, names: [String]) throws(ScenarioError) -> Set<String>? {
        guard let node = model.node("train") else { return nil }
        guard let sequence = node.sequence, !sequence.isEmpty else {
            throw model.failure("train", "expected a non-empty list of groups (from \(names.joined(separator: ", ")))")
        }
        var groups = Set<String>()
        for item in sequence {
            guard let name = item.string, names.contains(name) else {
                throw model.failure("train", "unknown group '\(item.string ?? "?")' (from \(names.joined(separator: ", ")))")
            }
            groups.insert(name)
        }
        return groups
    }

    /// `teacher: {w: [...], v: [...]}`, or drawn: `{dimension: d, scale: k, depth: m, seed: s}`
    /// with w* ~ N(0, k² I) and the scalars balanced, v*_k = ‖w*‖ (magnitude/angle notes §3.1).
    private static func populationTeacher(_ teacher: YAMLFields) throws(ScenarioError) -> (w: [Double], v: [Double]) {
        if teacher.node("w") != nil {
            try teacher.requireOnly(["w", "v"])
            return (try numbers(teacher, "w"), teacher.node("v") == nil ? [] : try numbers(teacher, "v"))
        }
        try teacher.requireOnly(["dimension", "scale", "depth", "seed"])
        guard let d = try teacher.optionalInt("dimension"), d > 0 else {
            throw teacher.failure("dimension", "missing or not a positive integer")
        }
        let scale = try teacher.optionalDouble("scale") ?? 1
        guard scale > 0 else { throw teacher.failure("scale", "must be positive, got \(scale)") }
        let depth = try teacher.optionalInt("depth") ?? 0
        guard depth >= 0 else { throw teacher.failure("depth", "must be ≥ 0, got \(depth)") }
        var generator = SeededGenerator(seed: UInt64(max(try teacher.optionalInt("seed") ?? 0, 0)))
        return DeepSingleNeuron.balancedTeacher(dimension: d, depth: depth, scale: scale, using: &generator)
    }

    /// A list of finite numbers.
    private static func numbers(_ fields: YAMLFields, _ key: String) throws(ScenarioError) -> [Double] {
        guard let sequence = fields.node(key)?.sequence, !sequence.isEmpty else {
            throw fields.failure(key, "expected a non-empty list of numbers")
        }
        var values: [Double] = []
        for item in sequence {
            guard let text = item.scalar?.string, let value = Double(text), value.isFinite else {
                throw fields.failure(key, "'\(item.string ?? "?")' is not a finite number")
            }
            values.append(value)
        }
        return values
    }

    static func resolve(_ path: String, against folder: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
    }

    static func reason(_ error: Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
