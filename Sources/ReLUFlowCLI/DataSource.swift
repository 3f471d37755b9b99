import Foundation
import Models

/// Where a scenario's training set comes from: a CSV file, or a seeded generator.
///
/// ```yaml
/// data: {file: data.csv}
/// data: {generator: gaussian, samples: 20, dimension: 3, seed: 1, labels: normal}
/// data: {generator: sphere, samples: 20, dimension: 3, seed: 1, labels: abs_normal}
/// data: {generator: orthonormal, samples: 8, dimension: 8, identity: false, seed: 1, labels: abs_normal}
/// data: {generator: gaussian, samples: 20, dimension: 3, seed: 1,
///        labels: teacher, teacher: {width: 2, bias: true, scale: 1.0}}
/// data: {generator: interval, samples: 100, lower: -1, upper: 1, spacing: equispaced,
///        target: sine, frequency: 1}      # sine | square_wave | plateau_f2 | teacher
/// ```
/// A teacher is a network of one of `ModelRegistry.teachers` (the first by default), its
/// keys those of its kind's `teacherKeys` and `scale`, its parameters drawn after the inputs
/// (`TeacherKind.teacherLabels`).
enum DataSource {
    case file(URL)
    case generated(DataGenerator)

    init(_ fields: YAMLFields, folder: URL) throws(ScenarioError) {
        if let path = try fields.optionalString("file") {
            try fields.requireOnly(["file"])
            self = .file(Scenario.resolve(path, against: folder))
            return
        }
        guard let kind = try fields.optionalString("generator") else {
            throw fields.failure("file", "missing (give a CSV file, or a generator: gaussian, sphere, orthonormal, interval)")
        }
        let samples = try fields.optionalInt("samples") ?? 0
        guard samples > 0 else { throw fields.failure("samples", "must be a positive integer") }
        let seed = UInt64(max(try fields.optionalInt("seed") ?? 0, 0))
        let inputs: DataGenerator.Inputs
        var allowed = ["generator", "samples", "seed"]
        switch kind {
        case "gaussian", "sphere", "orthonormal":
            guard let dimension = try fields.optionalInt("dimension"), dimension > 0 else {
                throw fields.failure("dimension", "missing or not a positive integer")
            }
            allowed += ["dimension", "labels", "teacher"]
            if kind == "orthonormal" {
                allowed.append("identity")
                inputs = .orthonormal(dimension: dimension, identity: try fields.optionalBool("identity") ?? false)
            } else {
                inputs = kind == "gaussian" ? .gaussian(dimension: dimension) : .sphere(dimension: dimension)
            }
        case "interval":
            allowed += ["lower", "upper", "spacing", "target", "frequency", "teacher"]
            let spacing = try fields.optionalString("spacing") ?? "equispaced"
            guard ["equispaced", "uniform"].contains(spacing) else {
                throw fields.failure("spacing", "unknown value '\(spacing)' (one of: equispaced, uniform)")
            }
            inputs = .interval(lower: try fields.optionalDouble("lower") ?? -1, upper: try fields.optionalDouble("upper") ?? 1,
                               equispaced: spacing == "equispaced")
        default:
            throw fields.failure("generator", "unknown value '\(kind)' (one of: gaussian, sphere, orthonormal, interval)")
        }
        try fields.requireOnly(allowed)
        let labels: DataGenerator.Labels
        if case .interval = inputs {
            let frequency = try fields.optionalDouble("frequency") ?? 1
            switch try fields.optionalString("target") ?? "sine" {
            case "sine": labels = .function(.sine(frequency: frequency))
            case "square_wave": labels = .function(.squareWave(frequency: frequency))
            case "plateau_f2": labels = .function(.plateauDiscontinuous)
            case "teacher": labels = try Self.teacher(try fields.fields("teacher"), dimension: inputs.dimension, seed: seed)
            case let other:
                throw fields.failure("target", "unknown value '\(other)' (one of: sine, square_wave, plateau_f2, teacher)")
            }
        } else {
            switch try fields.optionalString("labels") ?? "normal" {
            case "normal": labels = .normal
            case "abs_normal": labels = .absoluteNormal
            case "teacher": labels = try Self.teacher(try fields.fields("teacher"), dimension: inputs.dimension, seed: seed)
            case let other: throw fields.failure("labels", "unknown value '\(other)' (one of: normal, abs_normal, teacher)")
            }
        }
        self = .generated(DataGenerator(inputs: inputs, labels: labels, sampleCount: samples, seed: seed))
    }

    /// A teacher's labels, its parameters drawn at `scale` from a seed of their own derived
    /// from the data seed, so the teacher does not depend on how many draws the inputs took.
    private static func teacher(_ fields: YAMLFields, dimension: Int, seed: UInt64)
        throws(ScenarioError) -> DataGenerator.Labels
    {
        let names = ModelRegistry.teachers.map { $0.name }
        let kind = try fields.optionalChoice("kind", among: names).flatMap(ModelRegistry.teacher(named:))
            ?? ModelRegistry.teachers[0]
        let scale = try fields.optionalDouble("scale") ?? 1
        guard scale > 0 else { throw fields.failure("scale", "must be positive, got \(scale)") }
        return try kind.labels(fields, dimension: dimension, scale: scale, seed: seed &+ 0x7EAC4E5)
    }

    /// The network and parameters that label generated data, if a teacher does.
    var teacher: (network: any NetworkFunction & Sendable, parameters: [Double])? {
        guard case .generated(let generator) = self, case .teacher(let network, let parameters) = generator.labels else {
            return nil
        }
        return (network, parameters)
    }

    /// n and d of a generated data set, known before it is drawn; nil for a file.
    var plannedSize: (samples: Int, dimension: Int)? {
        guard case .generated(let generator) = self else { return nil }
        return (generator.sampleCount, generator.inputs.dimension)
    }

    /// - Parameter scenarioFile: the scenario whose `data` block this is, named in a
    ///   generator's errors.
    func load(scenarioFile: String) throws(ScenarioError) -> Dataset {
        switch self {
        case .file(let url): return try DataFile.read(url)
        case .generated(let generator):
            do { return try generator.generate() } catch {
                throw ScenarioError(file: scenarioFile, "data.generator", error.description)
            }
        }
    }
}

extension TeacherKind {
    /// The labels of the teacher `fields` describe.
    fileprivate static func labels(_ fields: YAMLFields, dimension: Int, scale: Double, seed: UInt64)
        throws(ScenarioError) -> DataGenerator.Labels
    {
        try fields.requireOnly(["kind"] + teacherKeys + ["scale"])
        let teacher = try Self(fields)
        do { return try teacher.teacherLabels(dimension: dimension, scale: scale, seed: seed) } catch {
            throw fields.failure("kind", error.description)
        }
    }
}

/// Where a scenario's initial parameters come from: a JSON file or a seeded scheme, and
/// optionally Williams et al.'s layer rescaling (a, b, c) → (k a, k b, c/k) applied to them.
///
/// ```yaml
/// init: {file: init.json}
/// init: {scheme: he, seed: 2}            # he | pytorch | gaussian (scale) | balanced (scale)
/// init: {scheme: balanced, scale: 1.0e-3, seed: 2}
/// init: {scheme: balanced, log_scale: -500, seed: 2}   # λ = e^-500 (log-scale models)
/// init: {scheme: balanced, log_scale: -500, signs: positive, seed: 2}   # every a_k = +λ
/// init: {scheme: pytorch, seed: 2, rescale: 10}   # then (W, b, a) → (10 W, 10 b, a/10)
/// ```
struct InitializationSource {
    enum Origin {
        case file(URL)
        case drawn(InitializationScheme, seed: UInt64)
    }

    let origin: Origin
    /// k of the layer rescaling (`GatedNetwork.rescaled(_:by:)`), if any.
    let layerRescaling: Double?

    init(_ fields: YAMLFields, folder: URL) throws(ScenarioError) {
        layerRescaling = try fields.optionalDouble("rescale")
        if let k = layerRescaling, !(k > 0 && k.isFinite) { throw fields.failure("rescale", "must be positive, got \(k)") }
        if let path = try fields.optionalString("file") {
            try fields.requireOnly(["file", "rescale"])
            origin = .file(Scenario.resolve(path, against: folder))
            return
        }
        guard let scheme = try fields.optionalString("scheme") else {
            throw fields.failure("file", "missing (give a JSON file, or a scheme: he, pytorch, gaussian, balanced)")
        }
        try fields.requireOnly(["scheme", "scale", "log_scale", "signs", "seed", "rescale"])
        let seed = UInt64(max(try fields.optionalInt("seed") ?? 0, 0))
        func scale() throws(ScenarioError) -> Double {
            guard let value = try fields.optionalDouble("scale") else { throw fields.failure("scale", "missing") }
            guard value > 0 else { throw fields.failure("scale", "must be positive, got \(value)") }
            return value
        }
        switch scheme {
        case "he": origin = .drawn(.he, seed: seed)
        case "pytorch": origin = .drawn(.pytorchUniform, seed: seed)
        case "gaussian": origin = .drawn(.gaussian(scale: try scale()), seed: seed)
        case "balanced":
            // λ itself, or its logarithm for scales below the smallest double.
            let logScale: Double
            if let given = try fields.optionalDouble("log_scale") { logScale = given } else { logScale = log(try scale()) }
            // λ = e^log_scale must itself be a double for the network's weights.
            let largest = log(Double.greatestFiniteMagnitude)
            guard logScale < largest else {
                throw fields.failure("log_scale", "must be below \(largest) (λ = e^log_scale must be a double), got \(logScale)")
            }
            let signs = try fields.optionalChoice("signs", of: OutputSigns.self) ?? .random
            origin = .drawn(.balanced(logScale: logScale, signs: signs), seed: seed)
        default: throw fields.failure("scheme", "unknown value '\(scheme)' (one of: he, pytorch, gaussian, balanced)")
        }
    }

    /// - Throws: `ScenarioError` naming the init file (or the scenario's `init` block) when
    ///   the parameters cannot be read or drawn, or are not a state of the network
    ///   (`GatedNetwork.parameterProblem`: a sign of 5, a zero direction, an overflow).
    func load(for network: any GatedNetwork, scenarioFile: String) throws(ScenarioError) -> [Double] {
        var parameters: [Double]
        let source: (file: String, field: String?)
        switch origin {
        case .file(let url):
            parameters = try InitFile.read(url, layout: network.parameterLayout)
            source = (url.path, nil)
        case .drawn(let scheme, let seed):
            do { parameters = try scheme.draw(for: network, seed: seed) } catch {
                throw ScenarioError(file: scenarioFile, "init.scheme", error.description)
            }
            source = (scenarioFile, "init.scheme")
        }
        if let k = layerRescaling {
            do { parameters = try network.rescaled(parameters, by: k) } catch {
                throw ScenarioError(file: scenarioFile, "init.rescale", error.description)
            }
        }
        if let problem = network.parameterProblem(parameters) { throw ScenarioError(file: source.file, source.field, problem) }
        return parameters
    }
}
