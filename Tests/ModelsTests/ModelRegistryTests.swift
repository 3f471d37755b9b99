import Testing
import Models

/// `ModelRegistry` and the kinds: names, keys, data needs, and the static capability that
/// decides how a network is handed over.
struct ModelRegistryTests {
    /// A model block as a dictionary; failures carry the key and message.
    struct Keys: ModelKeys {
        struct Failure: Error, Equatable {
            let key: String
            let message: String
        }

        var values: [String: Any]

        func requireOnly(_ allowed: [String]) throws(Failure) {
            if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw Failure(key: unknown, message: "unknown key")
            }
        }

        func contains(_ key: String) -> Bool { values[key] != nil }
        func optionalBool(_ key: String) throws(Failure) -> Bool? { values[key] as? Bool }
        func optionalInt(_ key: String) throws(Failure) -> Int? { values[key] as? Int }
        func optionalDouble(_ key: String) throws(Failure) -> Double? { values[key] as? Double }

        func optionalChoice<T: RawRepresentable & CaseIterable>(_ key: String, of type: T.Type) throws(Failure) -> T?
            where T.RawValue == String
        {
            guard let text = values[key] as? String else { return nil }
            guard let value = T(rawValue: text) else { throw Failure(key: key, message: "unknown value") }
            return value
        }

        func optionalTexts(_ key: String) -> [String?]? {
            guard let value = values[key] else { return nil }
            return (value as? [Any] ?? []).map { "\($0)" }
        }

        func block(_ key: String) throws(Failure) -> Keys {
            guard let block = values[key] as? [String: Any] else { throw Failure(key: key, message: "missing") }
            return Keys(values: block)
        }

        func failure(_ key: String, _ message: String) -> Failure { Failure(key: key, message: message) }
    }

    /// Records whether a network came as one with neuron norms.
    struct NormRecorder: NetworkConsumer {
        func consume<Network: GatedNetwork>(_ network: Network) throws -> Bool { false }
        func consume<Network: NeuronNorms>(normed network: Network) throws -> Bool { true }
    }

    static let data = try! Dataset(rows: [[1, 0], [0, 1], [0.5, -0.25]], targets: [1, 0.5, -0.2])
    static let orthonormal = try! Dataset(rows: [[1, 0], [0, 1]], targets: [1, 0.5])
    static let line = try! Dataset(rows: [[-1], [0.5], [1]], targets: [0, 1, 0])

    @Test("Every kind has its own name, and every teacher is a registered kind")
    func namesAreUnique() {
        let names = ModelRegistry.kinds.map { $0.name }
        #expect(Set(names).count == names.count)
        for teacher in ModelRegistry.teachers { #expect(ModelRegistry.kind(named: teacher.name) != nil) }
        #expect(ModelRegistry.kind(named: "three_layer") == nil)
    }

    @Test("Exactly the two-layer kinds have neuron norms")
    func neuronNormsAreStatic() {
        let normed = Set(ModelRegistry.kinds.filter { $0.hasNeuronNorms }.map { $0.name })
        #expect(normed == ["two_layer", "two_layer_log_scale", "two_layer_orthogonal"])
    }

    @Test("A kind with neuron norms hands its network over as normed, the others plainly")
    func handOverFollowsNeuronNorms() throws {
        let width = Keys(values: ["width": 2])
        let twoLayer = try TwoLayerNetwork.Kind(width)
        #expect(try twoLayer.hand(try twoLayer.network(data: Self.data, normalization: .halfSum), to: NormRecorder()))
        let logScale = try LogScaleBalancedNetwork.Kind(width)
        #expect(try logScale.hand(try logScale.network(data: Self.data, normalization: .halfSum), to: NormRecorder()))
        let orthogonal = try OrthogonalDataNetwork.Kind(width)
        #expect(try orthogonal.hand(try orthogonal.network(data: Self.orthonormal, normalization: .halfSum),
                                    to: NormRecorder()))
        let neuron = try SingleNeuron.Kind(Keys(values: [:]))
        #expect(try !neuron.hand(try neuron.network(data: Self.data, normalization: .halfSum), to: NormRecorder()))
    }

    @Test("A two-layer block sets width, bias, scaling and trained groups; a width below 1 or an unknown group fails")
    func twoLayerKeys() throws {
        let kind = try TwoLayerNetwork.Kind(Keys(values: ["width": 3, "bias": true, "scaling": "sqrt_m", "train": ["W", "a"]]))
        let network = try kind.network(data: Self.data, normalization: .halfMean)
        #expect(network.width == 3 && network.hasBias && network.scaling == .sqrtWidth)
        #expect(network.trained == [.weights, .outputs])
        #expect(throws: Keys.Failure(key: "width", message: "must be a positive integer, got 0")) {
            try TwoLayerNetwork.Kind(Keys(values: ["width": 0]))
        }
        #expect(throws: Keys.Failure(key: "train", message: "unknown group 'c' (from W, b, a)")) {
            try TwoLayerNetwork.Kind(Keys(values: ["width": 1, "train": ["c"]]))
        }
    }

    @Test("Univariate data must be 1-D and orthogonal-data inputs orthonormal, checked when the network is built")
    func dataNeedsAreCheckedOnBuilding() throws {
        let univariate = try UnivariateNetwork.Kind(Keys(values: ["width": 2, "form": "full"]))
        #expect(try univariate.network(data: Self.line, normalization: .halfSum).form == .full)
        #expect(throws: ModelError.self) { try univariate.network(data: Self.data, normalization: .halfSum) }
        let orthogonal = try OrthogonalDataNetwork.Kind(Keys(values: ["width": 2]))
        #expect(throws: ModelError.self) { try orthogonal.network(data: Self.data, normalization: .halfSum) }
    }

    @Test("The population kind takes no data and reads its teacher, explicit or drawn")
    func populationHasNoData() throws {
        guard case .none = PopulationSingleNeuron.Kind.dataNeed else { Issue.record("a population needs no data"); return }
        guard case .samples = TwoLayerNetwork.Kind.dataNeed else { Issue.record("a two-layer network trains on data"); return }
        let explicit = try PopulationSingleNeuron.Kind(Keys(values: ["teacher": ["w": [1, 0.5], "v": [2]]]))
        #expect(explicit.teacherWeights == [1, 0.5] && explicit.teacherScalarWeights == [2])
        #expect(try explicit.network(data: nil, normalization: .halfSum).teacherGain == 2)
        let drawn = try PopulationSingleNeuron.Kind(Keys(values: ["teacher": ["dimension": 4, "depth": 2, "seed": 3]]))
        #expect(drawn.teacherWeights.count == 4 && drawn.teacherScalarWeights.count == 2)
        #expect(throws: Keys.Failure(key: "w", message: "'x' is not a finite number")) {
            try PopulationSingleNeuron.Kind(Keys(values: ["teacher": ["w": ["x"]]]))
        }
    }

    @Test("A deep teacher's scalars are balanced at ‖w*‖")
    func deepTeacherIsBalanced() throws {
        let kind = try DeepSingleNeuron.Kind(Keys(values: ["depth": 2]))
        guard case .teacher(_, let parameters) = try kind.teacherLabels(dimension: 3, scale: 0.5, seed: 1) else {
            Issue.record("a teacher's labels")
            return
        }
        let norm = parameters[..<3].reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(parameters[3...].allSatisfy { $0 == norm })
    }
}
