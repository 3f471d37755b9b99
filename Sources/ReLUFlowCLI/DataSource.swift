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
///        target: sine, frequency: 1}      # sine | square_wave | plateau_f2
/// ```
/// A teacher is a two-layer ReLU network with N(0, scale²) parameters drawn after the inputs
/// from the same seed.
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
            allowed += ["lower", "upper", "spacing", "target", "frequency"]
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
            case let other: throw fields.failure("target", "unknown value '\(other)' (one of: sine, square_wave, plateau_f2)")
            }
        } else {
            switch try fields.optionalString("labels") ?? "normal" {
            case "normal": labels = .normal
            case "abs_normal": labels = .absoluteNormal
            case "teacher": labels = try Self.teacher(try fields.fields("teacher"), inputs: inputs, seed: seed)
            case let other: throw fields.failure("labels", "unknown value '\(other)' (one of: normal, abs_normal, teacher)")
            }
        }
        self = .generated(DataGenerator(inputs: inputs, labels: labels, sampleCount: samples, seed: seed))
    }

    private static func teacher(_ fields: YAMLFields, inputs: DataGenerator.Inputs, seed: UInt64)
        throws(ScenarioError) -> DataGenerator.Labels
    {
        try fields.requireOnly(["width", "bias", "scale"])
        guard let width = try fields.optionalInt("width"), width > 0 else {
            throw fields.failure("width", "missing or not a positive integer")
        }
        let dimension: Int
        switch inputs {
        case .gaussian(let d), .sphere(let d), .orthonormal(let d, _): dimension = d
        case .interval: dimension = 1
        }
        let scale = try fields.optionalDouble("scale") ?? 1
        let bias = try fields.optionalBool("bias") ?? false
        do throws(ModelError) {
            let shape = try Dataset(rows: [Array(repeating: 0, count: dimension)], targets: [0])
            let teacher = try TwoLayerNetwork(data: shape, width: width, hasBias: bias,
                                              normalization: .halfSum)
            // A seed of its own, derived from the data seed, so the teacher does not
            // depend on how many draws the inputs took.
            let parameters = try InitializationScheme.gaussian(scale: scale).draw(for: teacher, seed: seed &+ 0x7EAC4E5)
            return .teacher(teacher, parameters: parameters)
        } catch {
            throw fields.failure("scale", error.description)
        }
    }

    func load() throws(ScenarioError) -> Dataset {
        switch self {
        case .file(let url): return try DataFile.read(url)
        case .generated(let generator):
            do { return try generator.generate() } catch { throw ScenarioError(file: "data generator", error.description) }
        }
    }
}

/// Where a scenario's initial parameters come from: a JSON file or a seeded scheme.
///
/// ```yaml
/// init: {file: init.json}
/// init: {scheme: he, seed: 2}            # he | pytorch | gaussian (scale) | balanced (scale)
/// init: {scheme: balanced, scale: 1.0e-3, seed: 2}
/// init: {scheme: balanced, log_scale: -500, seed: 2}   # λ = e^-500 (log-scale models)
/// init: {scheme: balanced, log_scale: -500, signs: positive, seed: 2}   # every a_k = +λ
/// ```
enum InitializationSource {
    case file(URL)
    case drawn(InitializationScheme, seed: UInt64)

    init(_ fields: YAMLFields, folder: URL) throws(ScenarioError) {
        if let path = try fields.optionalString("file") {
            try fields.requireOnly(["file"])
            self = .file(Scenario.resolve(path, against: folder))
            return
        }
        guard let scheme = try fields.optionalString("scheme") else {
            throw fields.failure("file", "missing (give a JSON file, or a scheme: he, pytorch, gaussian, balanced)")
        }
        try fields.requireOnly(["scheme", "scale", "log_scale", "signs", "seed"])
        let seed = UInt64(max(try fields.optionalInt("seed") ?? 0, 0))
        func scale() throws(ScenarioError) -> Double {
            guard let value = try fields.optionalDouble("scale") else { throw fields.failure("scale", "missing") }
            guard value > 0 else { throw fields.failure("scale", "must be positive, got \(value)") }
            return value
        }
        switch scheme {
        case "he": self = .drawn(.he, seed: seed)
        case "pytorch": self = .drawn(.pytorchUniform, seed: seed)
        case "gaussian": self = .drawn(.gaussian(scale: try scale()), seed: seed)
        case "balanced":
            // λ itself, or its logarithm for scales below the smallest double.
            let logScale: Double
            if let given = try fields.optionalDouble("log_scale") { logScale = given } else { logScale = log(try scale()) }
            let signs = try fields.optionalChoice("signs", of: OutputSigns.self) ?? .random
            self = .drawn(.balanced(logScale: logScale, signs: signs), seed: seed)
        default: throw fields.failure("scheme", "unknown value '\(scheme)' (one of: he, pytorch, gaussian, balanced)")
        }
    }

    func load(for network: any GatedNetwork, scenarioFile: String) throws(ScenarioError) -> [Double] {
        switch self {
        case .file(let url): return try InitFile.read(url, layout: network.parameterLayout)
        case .drawn(let scheme, let seed):
            do { return try scheme.draw(for: network, seed: seed) } catch {
                throw ScenarioError(file: scenarioFile, "init.scheme", error.description)
            }
        }
    }
}
