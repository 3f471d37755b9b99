import FlowEngine
import Models

/// A GD run's timeline in the flow timeline's words, for `gd-eta-<η>/timeline.jsonl`:
/// one `activation`/`deactivation` per flip at t = η·k with its `iteration` and
/// `chattering` mark, the entries the flips imply (deaths, revivals, knot exits), and the
/// plateaus of GD's loss curve.
public struct DescentTimeline: Sendable {
    public let learningRate: Double
    public let entries: [TimelineRecord]
    public let plateaus: [PlateauDetector.Plateau]

    /// - Parameters:
    ///   - lossAtFlips: L(θ_k) at every iteration k that has a flip.
    ///   - lossCurve: (η·k, L(θ_k)) on the comparison grid, for the plateaus.
    ///   - implied: the neuron-level entries that flips imply, set to the initial gates.
    public init(model: some GatedNetwork, learningRate eta: Double, flips: [GradientDescentFlip],
                lossAtFlips: [Int: Double], lossCurve: [(time: Double, loss: Double)],
                plateauDetector: PlateauDetector, implied: some ImpliedTimelineEntries) {
        learningRate = eta
        var implied = implied
        var entries = implied.initialEntries
        for flip in flips {
            let event = TimelineEvent(time: eta * Double(flip.iteration), surface: flip.surface,
                                      kind: .crossing(into: flip.into), negativeSideSpeed: 0, positiveSideSpeed: 0,
                                      gate: flip.into.gate)
            let loss = lossAtFlips[flip.iteration] ?? .nan
            var entry = TimelineRecord(event, label: model.surfaceLabel(flip.surface), loss: loss)
            entry.normalSpeedInactive = nil
            entry.normalSpeedActive = nil
            entry.isChattering = flip.isChattering
            for var caused in [entry] + implied.entries(after: event, loss: loss) {
                caused.iteration = flip.iteration
                entries.append(caused)
            }
        }
        plateaus = plateauDetector.plateaus(in: lossCurve)
        self.entries = TimelineRecord.merging(entries, plateaus: plateaus, floors: plateaus.map { _ in nil })
    }

    /// The flips (entries with a chattering mark), chattering ones included.
    public var flipCount: Int { entries.filter { $0.isChattering != nil }.count }
}
