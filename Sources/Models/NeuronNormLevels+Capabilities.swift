/// A watched network keeps the capabilities of the network it watches.
extension NeuronNormLevels {
    public func comparableParameters(_ theta: [Double]) -> [Double] { network.comparableParameters(theta) }
    public var innerGroups: [String] { network.innerGroups }
    public var outerGroups: [String] { network.outerGroups }
    public var jumpProcessNetwork: OrthogonalDataNetwork? { network.jumpProcessNetwork }
}
