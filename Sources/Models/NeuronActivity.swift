import FlowEngine

/// Follows which neurons are alive from a flow's timeline: a neuron is alive while at least
/// one of its (neuron, sample) surfaces is on the active side or slid on. A neuron active on
/// no sample has a zero field in all of its parameters (every term carries a gate), so under
/// the flow it can never move again: `neuron_death`. Its return, possible only if something
/// else moves its surfaces (discrete GD, or a start on the surface), is `neuron_revival`.
public struct NeuronActivity: Sendable {
    /// A change in one neuron's status.
    public struct Change: Sendable, Equatable {
        public let neuron: Int
        public let isAlive: Bool

        public init(neuron: Int, isAlive: Bool) {
            self.neuron = neuron
            self.isAlive = isAlive
        }
    }

    private var isLive: [Bool]
    private var liveSurfaceCount: [Int]
    /// Neurons with at least one surface; a neuron without any (the population neuron's
    /// first layer, which never switches) is neither dead nor alive in this sense.
    private let hasSurfaces: [Bool]

    /// The surfaces' neurons are not kept (m·n of them): `apply` is told each event's.
    ///
    /// - Parameters:
    ///   - network: gives the surface labels.
    ///   - initialGates: the gates at t = 0 (1 active, 0 inactive, in between sliding).
    public init(network: some GatedNetwork, initialGates: [Double]) {
        isLive = initialGates.map { $0 > 0 }
        var liveSurfaceCount: [Int] = [], hasSurfaces: [Bool] = []
        for j in 0..<network.surfaceCount {
            let neuron = network.surfaceLabel(j).neuron
            if neuron >= hasSurfaces.count {
                let added = neuron + 1 - hasSurfaces.count
                liveSurfaceCount += repeatElement(0, count: added)
                hasSurfaces += repeatElement(false, count: added)
            }
            hasSurfaces[neuron] = true
            if isLive[j] { liveSurfaceCount[neuron] += 1 }
        }
        self.liveSurfaceCount = liveSurfaceCount
        self.hasSurfaces = hasSurfaces
    }

    /// The neurons dead from the start.
    public var deadNeurons: [Int] { liveSurfaceCount.indices.filter { hasSurfaces[$0] && liveSurfaceCount[$0] == 0 } }

    /// Applies one timeline event of a surface of `neuron` (its `SurfaceLabel`'s); returns the
    /// neuron's change of status, if any.
    public mutating func apply(_ event: TimelineEvent, neuron: Int) -> Change? {
        let live: Bool
        switch event.kind {
        case .crossing(let side), .choice(let side), .slideEnd(let side): live = side == .positive
        case .slideStart, .chattering: live = true
        // A watched function (a norm level) says nothing about activity.
        case .watched: return nil
        }
        let j = event.surface
        guard live != isLive[j] else { return nil }
        isLive[j] = live
        let wasAlive = liveSurfaceCount[neuron] > 0
        liveSurfaceCount[neuron] += live ? 1 : -1
        let isAlive = liveSurfaceCount[neuron] > 0
        return isAlive == wasAlive ? nil : Change(neuron: neuron, isAlive: isAlive)
    }
}
