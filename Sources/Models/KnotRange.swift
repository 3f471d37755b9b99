import FlowEngine

/// Follows from a flow's timeline whether each knot of a `UnivariateNetwork` lies in the data
/// range [min x_i, max x_i], as `NeuronActivity` follows deaths.
///
/// A knot is in the range while its neuron is active on some samples and not on others, or
/// slides on one (it then sits on that sample). It has left the range once its neuron is
/// active on every sample (a linear piece over all the data) or on none (dead, so also a
/// `neuron_death`): the knot b_k (knots form) or b_k/a_k (full form) has passed the outermost
/// sample (plateau notes §1.1, knots right of every sample are dead; univariate notes §1.2,
/// "Knots"). An exit or entry happens on a surface event of that outermost sample, where
/// g_{k,i} = a_k x_i − b_k = 0, so the knot sits exactly on x_i then: that is the position
/// reported, and the side is the end of the range it is at. The active count alone cannot
/// tell the side in the full form, where a_k < 0 makes a neuron active left of its knot.
/// There a knot can also leave on one side and come back on the other: a_k passing through 0
/// carries it through infinity with no surface event (Williams et al. Fig. 4 adaptive run).
public struct KnotRange: Sendable {
    /// The end of the data range a knot left or came back through.
    public enum Side: String, Sendable {
        case left, right
    }

    /// A knot leaving the range (`knot_exit`) or coming back (`knot_entry`).
    public struct Change: Sendable, Equatable {
        public let neuron: Int
        public let isInside: Bool
        /// nil only for a full-form knot at infinity (a_k = 0) at the start.
        public let side: Side?
        /// The knot's position; at an event the sample it crosses, x_i.
        public let position: Double

        public init(neuron: Int, isInside: Bool, side: Side?, position: Double) {
            self.neuron = neuron
            self.isInside = isInside
            self.side = side
            self.position = position
        }
    }

    /// Where one (neuron, sample) pair is: off the surface on either side, or sliding on it.
    private enum Contact {
        case inactive, sliding, active
    }

    private let sampleCount: Int
    private let inputs: [Double]
    private let midpoint: Double
    private var contacts: [Contact]
    private var activeCount: [Int]
    private var liveCount: [Int]
    /// The knots outside the range at t = 0.
    public let initialExits: [Change]

    /// - Parameters:
    ///   - initialGates: the gates at t = 0 (1 active, 0 inactive, in between sliding).
    ///   - initialParameters: θ at t = 0, for the positions of knots outside from the start.
    public init(network: UnivariateNetwork, initialGates: [Double], initialParameters: [Double]) {
        let n = network.data.sampleCount
        sampleCount = n
        inputs = network.data.inputs
        let midpoint = (inputs.min()! + inputs.max()!) / 2
        self.midpoint = midpoint
        contacts = initialGates.map { $0 == 1 ? .active : ($0 == 0 ? .inactive : .sliding) }
        var activeCount = Array(repeating: 0, count: network.width), liveCount = activeCount
        for (j, contact) in contacts.enumerated() {
            Self.count(contact, into: &activeCount[j / n], &liveCount[j / n], by: 1)
        }
        self.activeCount = activeCount
        self.liveCount = liveCount
        let positions = network.knotPositions(at: initialParameters)
        initialExits = (0..<network.width).filter { liveCount[$0] == 0 || activeCount[$0] == n }.map { k in
            Change(neuron: k, isInside: false, side: positions[k].isNaN ? nil : (positions[k] < midpoint ? .left : .right),
                   position: positions[k])
        }
    }

    /// Adds `step` to a neuron's active and live counts for one pair in `contact`.
    private static func count(_ contact: Contact, into active: inout Int, _ live: inout Int, by step: Int) {
        if contact != .inactive { live += step }
        if contact == .active { active += step }
    }

    private func isInside(_ neuron: Int) -> Bool {
        liveCount[neuron] > 0 && activeCount[neuron] < sampleCount
    }

    /// Applies one timeline event; returns the knot's exit or entry, if any. (With every
    /// sample at one point a single crossing takes a knot from one side to the other: no
    /// change.)
    public mutating func apply(_ event: TimelineEvent) -> Change? {
        let contact: Contact
        switch event.kind {
        case .crossing(let side), .choice(let side), .slideEnd(let side): contact = side == .positive ? .active : .inactive
        case .slideStart, .chattering: contact = .sliding
        case .watched: return nil
        }
        let j = event.surface, neuron = j / sampleCount
        guard contact != contacts[j] else { return nil }
        let wasInside = isInside(neuron)
        Self.count(contacts[j], into: &activeCount[neuron], &liveCount[neuron], by: -1)
        Self.count(contact, into: &activeCount[neuron], &liveCount[neuron], by: 1)
        contacts[j] = contact
        guard isInside(neuron) != wasInside else { return nil }
        let x = inputs[j % sampleCount]
        return Change(neuron: neuron, isInside: !wasInside, side: x < midpoint ? .left : .right, position: x)
    }
}

extension GatedNetwork {
    /// No knots to follow.
    public func knotRange(initialGates: [Double], initialParameters: [Double]) -> KnotRange? { nil }
}

extension UnivariateNetwork {
    public func knotRange(initialGates: [Double], initialParameters: [Double]) -> KnotRange? {
        KnotRange(network: self, initialGates: initialGates, initialParameters: initialParameters)
    }
}
