/// Every model kind a scenario can name. A new model is one file (its network with its
/// nested `Kind`) plus its line here.
public enum ModelRegistry {
    /// In the order messages list them.
    public static let kinds: [any ModelKind.Type] = [
        SingleNeuron.Kind.self,
        TwoLayerNetwork.Kind.self,
        LogScaleBalancedNetwork.Kind.self,
        OrthogonalDataNetwork.Kind.self,
        UnivariateNetwork.Kind.self,
        DeepSingleNeuron.Kind.self,
        PopulationSingleNeuron.Kind.self,
    ]

    /// The kinds that can label data; the first is the default.
    public static let teachers: [any TeacherKind.Type] = [
        TwoLayerNetwork.Kind.self,
        SingleNeuron.Kind.self,
        DeepSingleNeuron.Kind.self,
        UnivariateNetwork.Kind.self,
    ]

    public static func kind(named name: String) -> (any ModelKind.Type)? { kinds.first { $0.name == name } }

    public static func teacher(named name: String) -> (any TeacherKind.Type)? { teachers.first { $0.name == name } }
}
