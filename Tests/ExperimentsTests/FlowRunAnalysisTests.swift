import Testing
import Experiments
import Models

/// What a run folder reports beyond its events: plateaus merged into the timeline, the
/// pairs active and slid on at the end, and Algorithm 1 beside the flow's stage events.
struct FlowRunAnalysisTests {
    @Test("Plateaus of the loss curve are merged into the timeline in time order, with their floors")
    func plateausMergeIntoTheTimeline() {
        // Flat from t = 1 to t = 10 (a factor 10 ≥ 3), then falling.
        let curve: [(time: Double, loss: Double)] = [(1, 1), (2, 1), (5, 1), (10, 1), (20, 0.1), (40, 0.01)]
        let event = TimelineRecord(time: 4, kind: "activation", neuron: 0, sample: 1, loss: 1)
        let analysis = FlowRunAnalysis(events: [event], lossCurve: curve, floors: [0.5, 0.5, 0.5, 0.5, 0.1, 0.01],
                                       detector: PlateauDetector())
        #expect(analysis.timeline.map(\.kind) == ["plateau_start", "activation", "plateau_end"])
        #expect(analysis.timeline.map(\.time) == [1, 4, 10])
        #expect(analysis.plateauRecords.map(\.floor) == [0.5])
        #expect(analysis.timeline.first?.gap == 0.5)
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
