import FlowEngine

extension Dataset {
    /// Groups of at least two samples whose inputs x_i are equal, each ascending, ordered
    /// by their first sample. Targets play no part: the pre-activations of one neuron on
    /// such samples are the same function of the parameters, whatever the labels.
    ///
    /// - Complexity: O(n·d) expected.
    public var repeatedInputGroups: [[Int]] {
        var groups: [ArraySlice<Double>: [Int]] = [:]
        for i in 0..<sampleCount { groups[input(i), default: []].append(i) }
        return groups.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
    }
}

/// A network whose switching functions are its neurons' pre-activations on the samples of
/// `data` (`GatedNetwork.surfaceLabel`): those of one neuron on samples with equal inputs
/// are computed by the same operations, so they coincide to the last bit, and the network
/// declares them to the engine (`CoincidentSurfaceSystem`), which then gives them one gate.
/// A duplicated sample is thus one surface counted twice, as the ReLU sees it.
protocol SampleSurfaceNetwork: GatedNetwork, CoincidentSurfaceSystem {
    var data: Dataset { get }
}

extension SampleSurfaceNetwork {
    /// For every neuron and every group of `Dataset.repeatedInputGroups`, the neuron's
    /// surfaces on the group's samples.
    public var coincidentSurfaceGroups: [[Int]] {
        let repeated = data.repeatedInputGroups
        guard !repeated.isEmpty else { return [] }
        var groupOfSample = [Int: Int]()
        for (g, samples) in repeated.enumerated() { for i in samples { groupOfSample[i] = g } }
        var surfaces: [[Int]: [Int]] = [:]
        for j in 0..<surfaceCount {
            let label = surfaceLabel(j)
            guard let g = groupOfSample[label.sample] else { continue }
            surfaces[[label.neuron, g], default: []].append(j)
        }
        return surfaces.values.sorted { $0[0] < $1[0] }
    }
}

extension SingleNeuron: SampleSurfaceNetwork {}
extension DeepSingleNeuron: SampleSurfaceNetwork {}
extension TwoLayerNetwork: SampleSurfaceNetwork {}
extension UnivariateNetwork: SampleSurfaceNetwork {}
extension LogScaleBalancedNetwork: SampleSurfaceNetwork {}
