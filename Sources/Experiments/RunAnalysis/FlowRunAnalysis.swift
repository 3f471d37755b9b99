import Models

/// What a flow run's folder reports beyond the events themselves, found after the run:
/// the loss plateaus of its accepted steps (with their floors where the model has them)
/// merged into the timeline, and the pairs active and slid on at the end.
public struct FlowRunAnalysis: Sendable {
    public let plateaus: [PlateauDetector.Plateau]
    /// The floors at each plateau's start, nil for models without floors.
    public let plateauFloors: [PlateauFloors?]
    /// The events with a `plateau_start` and `plateau_end` per plateau merged in, in time order.
    public let timeline: [TimelineRecord]

    /// - Parameters:
    ///   - events: the run's timeline entries, in time order.
    ///   - plateaus: the run's plateaus and their floors (`RunPlateaus.finish()`).
    public init(events: [TimelineRecord], plateaus: (plateaus: [PlateauDetector.Plateau], floors: [PlateauFloors?])) {
        self.plateaus = plateaus.plateaus
        plateauFloors = plateaus.floors
        timeline = TimelineRecord.merging(events, plateaus: plateaus.plateaus, floors: plateaus.floors)
    }

    public var plateauRecords: [PlateauRecord] { zip(plateaus, plateauFloors).map { PlateauRecord($0, floors: $1) } }

    /// The pairs on their active side (gate 1) and those slid on (gate in (0, 1)) for the
    /// final gates of a run.
    public static func finalPairs(gates: [Double], label: (Int) -> SurfaceLabel)
        -> (active: [RunSummaryRecord.SurfacePair], sliding: [RunSummaryRecord.SurfacePair]) {
        // Lazily, so that at 10⁶ surfaces only the pairs themselves are stored.
        let active = Array(gates.indices.lazy.filter { gates[$0] == 1 }.map(label)
            .map { RunSummaryRecord.SurfacePair(neuron: $0.neuron, sample: $0.sample) })
        let sliding = gates.indices.filter { gates[$0] > 0 && gates[$0] < 1 }.map { j in
            let pair = label(j)
            return RunSummaryRecord.SurfacePair(neuron: pair.neuron, sample: pair.sample, gate: gates[j])
        }
        return (active, sliding)
    }
}
