/// One kind of model a scenario can name (`model: {kind: two_layer, width: 8}`): its name,
/// its keys and their checks, the data it needs, and how its network is built. Each network
/// type nests its kind (`TwoLayerNetwork.Kind`); `ModelRegistry` lists them. What a network
/// can do beyond the field (analytic jumps, a Jacobian, error scales, knot events, plateau
/// floors, plain coordinates, layer rescaling) it declares itself, as `GatedNetwork`
/// requirements and FlowEngine capability protocols, so no caller asks which kind it has.
public protocol ModelKind: Sendable {
    associatedtype Network: GatedNetwork

    /// The `kind:` value in a scenario file.
    static var name: String { get }
    /// The keys of the model block besides `kind`, in the order messages list them.
    static var keys: [String] { get }
    /// What the kind trains on.
    static var dataNeed: DataNeed { get }
    /// Whether its networks have neuron norms (`watch.neuron_norm_level`).
    static var hasNeuronNorms: Bool { get }
    /// How many neurons (scalar weights of a deep single neuron) its network has, known
    /// before it is built: m in a scenario's memory estimate. 1 unless the kind says.
    var neuronCount: Int { get }

    /// Reads the model block, whose keys the reader has already checked against `keys`:
    /// absent keys take their defaults.
    init<Keys: ModelKeys>(_ keys: Keys) throws(Keys.Failure)

    /// The network on `data` (nil exactly when `dataNeed` is `.none`).
    /// - Throws: `ModelError` for settings the data does not allow (a width below 1,
    ///   inputs that are not 1-D or not orthonormal, …).
    func network(data: Dataset?, normalization: LossNormalization) throws(ModelError) -> Network

    /// Hands `network` to `consumer` as what it statically is: networks with neuron norms
    /// go to `consume(normed:)`.
    func hand<Consumer: NetworkConsumer>(_ network: Network, to consumer: Consumer) throws -> Consumer.Output
}

extension ModelKind {
    public var name: String { Self.name }

    public static var hasNeuronNorms: Bool { false }

    public var neuronCount: Int { 1 }

    public func hand<Consumer: NetworkConsumer>(_ network: Network, to consumer: Consumer) throws -> Consumer.Output {
        try consumer.consume(network)
    }
}

extension ModelKind where Network: NeuronNorms {
    public static var hasNeuronNorms: Bool { true }

    public func hand<Consumer: NetworkConsumer>(_ network: Network, to consumer: Consumer) throws -> Consumer.Output {
        try consumer.consume(normed: network)
    }
}

/// What a kind trains on.
public enum DataNeed: Sendable {
    /// A data set (a file or a generator).
    case samples
    /// Nothing: the loss is in closed form. `reason` says so when a scenario gives data anyway.
    case none(reason: String)
}

/// A kind that trains on a data set.
public protocol SampleTrainedKind: ModelKind {
    func network(on data: Dataset, normalization: LossNormalization) throws(ModelError) -> Network
}

extension SampleTrainedKind {
    public static var dataNeed: DataNeed { .samples }

    public func network(data: Dataset?, normalization: LossNormalization) throws(ModelError) -> Network {
        guard let data else { throw .invalidData("a \(Self.name) model trains on a data set, and none was given") }
        return try network(on: data, normalization: normalization)
    }
}

/// A network set by its width alone: the balanced two-layer networks without biases, which
/// have neuron norms. (Declared here, since `WidthKind` is generic and its `ModelKind`
/// witnesses are chosen for every `Network` at once.)
public protocol WidthOnlyNetwork: NeuronNorms {
    /// Its `kind:` name.
    static var kindName: String { get }
    init(data: Dataset, width: Int, normalization: LossNormalization) throws(ModelError)
}

/// The kind of a `WidthOnlyNetwork`: `model: {kind: <its kindName>, width: m}`.
public struct WidthKind<Network: WidthOnlyNetwork>: SampleTrainedKind {
    public static var name: String { Network.kindName }
    public static var keys: [String] { ["width"] }
    public let width: Int
    public var neuronCount: Int { width }

    public init<Keys: ModelKeys>(_ keys: Keys) throws(Keys.Failure) { width = try keys.width() }

    public func network(on data: Dataset, normalization: LossNormalization) throws(ModelError) -> Network {
        try Network(data: data, width: width, normalization: normalization)
    }
}

/// A kind that can label generated data as a teacher (`labels: teacher, teacher: {kind: …}`).
public protocol TeacherKind: SampleTrainedKind where Network: NetworkFunction & Sendable {
    /// The keys of a teacher block besides `kind` and `scale`, read by `init(_:)`.
    static var teacherKeys: [String] { get }

    /// Labels from a teacher on `dimension`-dimensional inputs, its parameters drawn from
    /// `seed` at scale `scale`.
    func teacherLabels(dimension: Int, scale: Double, seed: UInt64) throws(ModelError) -> DataGenerator.Labels
}

extension TeacherKind {
    /// Every parameter N(0, scale²).
    public func teacherLabels(dimension: Int, scale: Double, seed: UInt64) throws(ModelError) -> DataGenerator.Labels {
        let teacher = try teacherNetwork(dimension: dimension)
        return .teacher(teacher, parameters: try InitializationScheme.gaussian(scale: scale).draw(for: teacher, seed: seed))
    }

    /// The teacher network: a data set serves it only for its input dimension.
    public func teacherNetwork(dimension: Int) throws(ModelError) -> Network {
        try network(on: Dataset(rows: [Array(repeating: 0, count: dimension)], targets: [0]), normalization: .halfSum)
    }
}

/// What to do with a network once its kind has built it (`ModelKind.hand(_:to:)`).
public protocol NetworkConsumer {
    associatedtype Output
    func consume<Network: GatedNetwork>(_ network: Network) throws -> Output
    /// A network with neuron norms; by default the same as `consume(_:)`.
    func consume<Network: NeuronNorms>(normed network: Network) throws -> Output
}

extension NetworkConsumer {
    public func consume<Network: NeuronNorms>(normed network: Network) throws -> Output { try consume(network) }
}

/// The keys of one block of a scenario file (the model block, a teacher block), as typed
/// look-ups. The reader implements it (the CLI, over YAML); every `Failure` names the file
/// and the key's dotted path, so kinds state only what is wrong.
public protocol ModelKeys {
    associatedtype Failure: Error

    /// Rejects keys outside `allowed`.
    func requireOnly(_ allowed: [String]) throws(Failure)
    func contains(_ key: String) -> Bool
    func optionalBool(_ key: String) throws(Failure) -> Bool?
    func optionalInt(_ key: String) throws(Failure) -> Int?
    func optionalDouble(_ key: String) throws(Failure) -> Double?
    /// A value from a fixed set of names.
    func optionalChoice<T: RawRepresentable & CaseIterable>(_ key: String, of type: T.Type) throws(Failure) -> T?
        where T.RawValue == String
    /// The entries of a list as text (nil for an entry that is not a scalar), [] for a
    /// value that is not a list; nil when the key is absent.
    func optionalTexts(_ key: String) -> [String?]?
    /// The block under `key`.
    func block(_ key: String) throws(Failure) -> Self
    /// An error about `key`.
    func failure(_ key: String, _ message: String) -> Failure
}

extension ModelKeys {
    /// `width`, a positive integer.
    func width() throws(Failure) -> Int {
        guard let width = try optionalInt("width") else { throw failure("width", "missing") }
        guard width > 0 else { throw failure("width", "must be a positive integer, got \(width)") }
        return width
    }

    /// `depth`, the number of scalar weights v of a deep neuron.
    func depth() throws(Failure) -> Int {
        guard let depth = try optionalInt("depth"), depth > 0 else {
            throw failure("depth", "missing or not a positive integer (the number of scalar weights v)")
        }
        return depth
    }

    /// `train: [...]`, a non-empty subset of the groups; nil (absent) trains them all.
    func trainedGroups<Group: RawRepresentable & CaseIterable & Hashable>(_ type: Group.Type) throws(Failure) -> Set<Group>?
        where Group.RawValue == String
    {
        guard let items = optionalTexts("train") else { return nil }
        let names = Group.allCases.map(\.rawValue).joined(separator: ", ")
        guard !items.isEmpty else { throw failure("train", "expected a non-empty list of groups (from \(names))") }
        var groups = Set<Group>()
        for item in items {
            guard let group = item.flatMap(Group.init(rawValue:)) else {
                throw failure("train", "unknown group '\(item ?? "?")' (from \(names))")
            }
            groups.insert(group)
        }
        return groups
    }

    /// A non-empty list of finite numbers.
    func numbers(_ key: String) throws(Failure) -> [Double] {
        guard let items = optionalTexts(key), !items.isEmpty else {
            throw failure(key, "expected a non-empty list of numbers")
        }
        var values: [Double] = []
        for item in items {
            guard let value = item.flatMap(Double.init), value.isFinite else {
                throw failure(key, "'\(item ?? "?")' is not a finite number")
            }
            values.append(value)
        }
        return values
    }
}
