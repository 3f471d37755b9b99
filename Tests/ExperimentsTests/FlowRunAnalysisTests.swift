import Testing
import Experiments
import Models

/// What a run folder reports beyond its events: plateaus merged into the timeline, the
/// pairs active and slid on at the end, and Algorithm 1 beside the flow's stage events.
struct FlowRunAnalysisTests {
    /// Floors as a fake model's: the projection floor is the first knot, the fixed-knot
    /// floor twice it.
    struct KnotAsFloor: PlateauFloorProviding {
        func plateauFloors(at parameters: [Double]) -> PlateauFloors {
            PlateauFloors(projection: parameters[0], fixedKnots: 2 * parameters[0])
        }
    }

    @Test("Plateaus of the loss curve are merged into the timeline in time order, with the floors at their start")
    func plateausMergeIntoTheTimeline() {
        // Flat from t = 1 to t = 10 (a factor 10 ≥ 3), then falling; the state is t/100.
        let curve: [(time: Double, loss: Double)] = [(1, 1), (2, 1), (5, 1), (10, 1), (20, 0.1), (40, 0.01)]
        var plateaus = RunPlateaus(detector: PlateauDetector(), floorProvider: KnotAsFloor())
        for (t, loss) in curve { [t / 100].withUnsafeBufferPointer { plateaus.add(time: t, loss: loss, state: $0) } }
        let event = TimelineRecord(time: 4, kind: "activation", neuron: 0, sample: 1, loss: 1)
        let analysis = FlowRunAnalysis(events: [event], plateaus: plateaus.finish())
        #expect(analysis.timeline.map(\.kind) == ["plateau_start", "activation", "plateau_end"])
        #expect(analysis.timeline.map(\.time) == [1, 4, 10])
        #expect(analysis.plateauRecords.map(\.projectionFloor) == [0.01])
        #expect(analysis.plateauRecords.map(\.fixedKnotFloor) == [0.02])
        #expect(analysis.timeline.first?.fixedKnotFloor == 0.02)
    }

    @Test("A plateau still open at the end of the run gets the floors at its start")
    func openPlateauGetsItsFloors() {
        var plateaus = RunPlateaus(detector: PlateauDetector(), floorProvider: KnotAsFloor())
        for (t, loss) in [(1.0, 1.0), (2, 0.5), (4, 0.25), (8, 0.25), (16, 0.25)] {
            [t / 100].withUnsafeBufferPointer { plateaus.add(time: t, loss: loss, state: $0) }
        }
        let (found, floors) = plateaus.finish()
        #expect(found.map(\.start) == [4] && found.map(\.end) == [16])
        #expect(floors == [PlateauFloors(projection: 0.04, fixedKnots: 0.08)])
    }

    @Test("Gates of 1 are the active pairs; gates strictly between 0 and 1 the sliding ones, with their gates")
    func finalPairsFromGates() {
        let pairs = FlowRunAnalysis.finalPairs(gates: [1, 0, 0.25, 1]) { SurfaceLabel(neuron: $0 / 2, sample: $0 % 2) }
        #expect(pairs.active == [.init(neuron: 0, sample: 0), .init(neuron: 1, sample: 1)])
        #expect(pairs.sliding == [.init(neuron: 1, sample: 0, gate: 0.25)])
    }

    @Test("Each predicted jump gets the neuron's first stage event above the level; null without one")
    func jumpProcessTakesTheFirstCrossingAbove() throws {
        let prediction = JumpProcessPrediction(
            targets: [1, 2], initiallyActive: [[true, false], [false, true]], signs: [1, 1], logInverseScales: [10, 10],
            gradientFactor: 1, lossFactor: 0.5)
        var below = TimelineRecord(time: 3, kind: "stage", neuron: 1, loss: 1)
        below.side = "below"
        var above = TimelineRecord(time: 5, kind: "stage", neuron: 1, loss: 1)
        above.side = "above"
        var later = TimelineRecord(time: 9, kind: "stage", neuron: 1, loss: 1)
        later.side = "above"
        let record = JumpProcessRecord(prediction: prediction, timeline: [below, above, later], flowSquaredNorm: 6)
        // Neuron 1 (‖y‖ = 2) escapes first, at 10/2, then neuron 0 at 10.
        #expect(record.jumps.map(\.neuron) == [1, 0])
        #expect(record.jumps.map(\.flowTime) == [5, nil])
        #expect(record.flowSquaredNorm == 6 && record.predictedSquaredNorm == prediction.finalSquaredNorm)
    }
}
