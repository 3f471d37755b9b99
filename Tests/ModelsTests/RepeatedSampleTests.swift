import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// A repeated sample is one surface per neuron counted twice (`Dataset.repeatedInputGroups`,
/// `CoincidentSurfaceSystem`). Without bias a ReLU network is positively homogeneous, so
/// with the half-sum loss the pair (x, y) twice weighs exactly what the one sample
/// (√2 x, √2 y) weighs: ½(f(√2x) − √2y)² = 2·½(f(x) − y)², on the same surfaces. The
/// duplicated run must follow the merged one's flow, each duplicate's events at the merged
/// sample's times.
@Suite struct RepeatedSampleTests {
    /// rk8pd at rtol 1e-12, as the single-neuron exact-flow tests (event times within 1e-9
    /// of the exact flow, final parameters within 1e-11 there).
    static let options = FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)

    @Test func repeatedInputGroupsCollectEqualInputsWhateverTheirTargets() throws {
        let data = try Dataset(rows: [[1, 2], [0, 1], [1, 2], [0, 1], [3, 0], [1, 2]], targets: [0, 1, 2, 3, 4, 5])
        #expect(data.repeatedInputGroups == [[0, 2, 5], [1, 3]])
        #expect(try Dataset(rows: [[1], [2]], targets: [0, 0]).repeatedInputGroups.isEmpty)
    }

    @Test func twoLayerNetworkDeclaresEachNeuronsSurfacesOnARepeatedSample() throws {
        let data = try Dataset(rows: [[1, 2], [0, 1], [1, 2]], targets: [0, 1, 2])
        let network = try TwoLayerNetwork(data: data, width: 2, hasBias: true, normalization: .halfSum)
        let groups = network.coincidentSurfaceGroups
        #expect(groups.count == 2)
        for group in groups {
            let labels: [SurfaceLabel] = group.map { network.surfaceLabel($0) }
            #expect(Set(labels.map(\.sample)) == [0, 2] && Set(labels.map(\.neuron)).count == 1)
        }
    }

    /// A bias-free single neuron (a random instance with negative labels, half-sum loss) with
    /// the first sample its flow slides on (or meets at all) repeated as sample n.
    struct DuplicatedSingleNeuron {
        let base: SingleNeuronInstance
        let sample: Int
        let duplicated: SingleNeuronInstance

        init(seed: Int) {
            let random = SingleNeuronInstance.random(seed: UInt64(100 + seed), negativeLabels: true)
            base = SingleNeuronInstance(rows: random.rows, targets: random.targets, bias: false, normalization: .halfSum,
                                        initial: Array(random.initial.prefix(random.rows[0].count)), endTime: 5)
            let events = base.exactFlow().events
            sample = (events.first { $0.kind == .slideStart } ?? events.first)?.sample ?? 0
            duplicated = SingleNeuronInstance(rows: base.rows + [base.rows[sample]],
                                              targets: base.targets + [base.targets[sample]], bias: false,
                                              normalization: .halfSum, initial: base.initial, endTime: base.endTime)
        }

        /// The repeat's index.
        var copy: Int { base.rows.count }

        func run() throws -> FlowResult {
            try FlowSimulator(problem: FlowProblem(system: try duplicated.model(), initialState: base.initial,
                                                   endTime: base.endTime), options: RepeatedSampleTests.options).run()
        }
    }

    /// Seeds 5 and 9 are left out: there the reference itself gives up (events accumulate at
    /// a codimension-2 contact; `ExactSingleNeuronFlow.isUnsupported`).
    static let singleNeuronSeeds = [0, 1, 2, 3, 4, 6, 7, 8, 10, 11]

    /// The engine's run against the exact flow (matrix exponentials per region) of the merged
    /// instance, sample (√2 x, √2 y) once.
    @Test("Single neuron, one sample duplicated: the exact flow of the merged sample", arguments: singleNeuronSeeds)
    func singleNeuronWithDuplicateFollowsExactMergedFlow(seed: Int) throws {
        let instance = DuplicatedSingleNeuron(seed: seed)
        let base = instance.base, sample = instance.sample, copy = instance.copy
        let root2 = 2.0.squareRoot()
        var mergedRows = base.rows, mergedTargets = base.targets
        mergedRows[sample] = mergedRows[sample].map { root2 * $0 }
        mergedTargets[sample] *= root2
        let exact = ExactSingleNeuronFlow(rows: mergedRows, targets: mergedTargets, bias: false, gradientFactor: 1,
                                          initial: base.initial, until: base.endTime)
        try #require(!exact.isUnsupported)
        let result = try instance.run()
        #expect(result.termination == .reachedEndTime)
        let ofCopy = result.timeline.filter { $0.surface == copy }
        let ofSample = result.timeline.filter { $0.surface == sample }
        #expect(ofCopy.map(\.kind) == ofSample.map(\.kind) && ofCopy.map(\.time) == ofSample.map(\.time))
        #expect(result.finalGates[copy] == result.finalGates[sample])
        let engine = result.timeline.filter { $0.surface != copy }
        #expect(engine.map { ExactComparison.exactKind(of: $0) } == exact.events.map { Optional($0.kind) })
        #expect(engine.map(\.surface) == exact.events.map(\.sample))
        let timeError = zip(engine, exact.events).map { abs($0.time - $1.time) }.max() ?? 0
        #expect(timeError <= 1e-9)
        let parameterError = zip(result.finalState, exact.finalParameters).map { abs($0 - $1) }.max() ?? 0
        #expect(parameterError <= 1e-11)
    }

    @Test("The repeated samples of the single-neuron checks are slid on (the checks are not vacuous)")
    func singleNeuronDuplicatesAreSlidOn() throws {
        let slides = try Self.singleNeuronSeeds.map { seed in
            let instance = DuplicatedSingleNeuron(seed: seed)
            return try instance.run().timeline.filter { $0.surface == instance.copy && $0.kind == .slideStart }.count
        }
        #expect(slides.filter { $0 > 0 }.count >= 3)
    }

    /// A bias-free two-layer teacher–student network with one row duplicated against the
    /// deduplicated run with that sample weighted twice (√2 x, √2 y).
    @Test("Two-layer, one row duplicated: the run of the sample weighted twice", arguments: 0..<4)
    func twoLayerWithDuplicateFollowsWeightedRun(seed: Int) throws {
        let instance = TwoLayerInstance.teacherStudent(seed: UInt64(seed), samples: 16, width: 5, bias: false)
        let sample = 3
        let root2 = 2.0.squareRoot()
        var weightedRows = instance.rows, weightedTargets = instance.targets
        weightedRows[sample] = weightedRows[sample].map { root2 * $0 }
        weightedTargets[sample] *= root2
        let duplicated = try TwoLayerNetwork(
            data: try Dataset(rows: instance.rows + [instance.rows[sample]],
                              targets: instance.targets + [instance.targets[sample]]),
            width: instance.width, hasBias: false, normalization: .halfSum)
        let weighted = try TwoLayerNetwork(data: try Dataset(rows: weightedRows, targets: weightedTargets),
                                           width: instance.width, hasBias: false, normalization: .halfSum)
        let endTime = 20.0
        let a = try FlowSimulator(problem: FlowProblem(system: duplicated, initialState: instance.initial, endTime: endTime),
                                  options: Self.options).run()
        let b = try FlowSimulator(problem: FlowProblem(system: weighted, initialState: instance.initial, endTime: endTime),
                                  options: Self.options).run()
        #expect(a.termination == .reachedEndTime && b.termination == .reachedEndTime)
        let n = instance.rows.count
        // Surfaces are neuron-major (k·n + i); the duplicate's surfaces are k·(n + 1) + n.
        func weightedSurface(_ j: Int) -> Int? {
            let k = j / (n + 1), i = j % (n + 1)
            return i == n ? nil : k * n + i
        }
        let kept = a.timeline.filter { weightedSurface($0.surface) != nil }
        #expect(kept.map { weightedSurface($0.surface) } == b.timeline.map(\.surface))
        #expect(kept.map(\.kind) == b.timeline.map(\.kind))
        // Two integrations of one flow through the same events: times and states agree to
        // the tolerance's accumulated error (rtol 1e-12 over ~10 events).
        let timeError = zip(kept, b.timeline).map { abs($0.time - $1.time) }.max() ?? 0
        #expect(timeError <= 1e-9)
        let stateError = zip(a.finalState, b.finalState).map { abs($0 - $1) }.max() ?? 0
        #expect(stateError <= 1e-9)
        let duplicateEvents = a.timeline.filter { weightedSurface($0.surface) == nil }
        for event in duplicateEvents {
            let k = event.surface / (n + 1)
            #expect(a.timeline.contains { $0.surface == k * (n + 1) + sample && $0.time == event.time && $0.kind == event.kind })
        }
    }
}
