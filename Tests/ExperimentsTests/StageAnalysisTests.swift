import Testing
import Experiments

/// Stages (constant activation pattern) and the largest loss drops, from a timeline.
struct StageAnalysisTests {
    static let timeline = [
        TimelineRecord(time: 0, kind: "neuron_death", neuron: 2, loss: 1),
        TimelineRecord(time: 1, kind: "deactivation", neuron: 0, sample: 3, loss: 0.5),
        TimelineRecord(time: 1, kind: "deactivation", neuron: 1, sample: 3, loss: 0.5),
        TimelineRecord(plateauBoundaryAt: 2, isStart: true, level: 0.5, floors: nil),
        TimelineRecord(time: 4, kind: "activation", neuron: 0, sample: 1, loss: 0.4),
        TimelineRecord(time: 6, kind: "slide_start", neuron: 1, sample: 0, loss: 0.1),
    ]

    @Test("Surface events bound the stages; events at one time are one boundary; the last ends at the final time")
    func stagesBetweenSurfaceEvents() {
        let analysis = StageAnalysis(timeline: Self.timeline, finalTime: 10, initialLoss: 2)
        #expect(analysis.stages.map(\.start) == [0, 1, 4, 6])
        #expect(analysis.stages.map(\.end) == [1, 4, 6, 10])
        #expect(analysis.stages.map(\.lossAtStart) == [2, 0.5, 0.4, 0.1])
        #expect(analysis.longest(2).map(\.start) == [1, 6])
    }

    @Test("The largest drops are the stages whose loss fell most relatively, in time order, with their events")
    func largestDrops() {
        let drops = StageAnalysis(timeline: Self.timeline, finalTime: 10, initialLoss: 2).largestDrops(2)
        // Relative drops: 0.75 over [0, 1), 0.2 over [1, 4), 0.75 over [4, 6).
        #expect(drops.map(\.stage.start) == [0, 4])
        #expect(drops.map(\.lossAfter) == [0.5, 0.1])
        #expect(drops.map { $0.event?.kind } == ["deactivation", "slide_start"])
    }
}
