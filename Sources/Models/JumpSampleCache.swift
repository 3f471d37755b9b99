import Foundation
import FlowEngine

/// What the jumps' passes over their samples found at one state (per sample: the neurons
/// active on x_i, their gates and z_k′i, and the output sum), kept for the other jumps on
/// the same samples at that state with the same gates: several knots sliding on one sample
/// (E7 at paper size: 35 sliding knots on 9 samples) share that pass, a jump's whole cost
/// but its own neuron's terms. A pass is reused only where it would compute the same
/// numbers, so the jumps keep their bits.
///
/// A new state (compared bit for bit, `dimension` numbers) forgets every pass; its owner
/// calls `invalidate` whenever the gates may have changed (`KnotSweep.update`, which every
/// jump through `KnotSweep.withGates` runs first: the only way to its scratch). Up to `capacity` samples are
/// kept per state; a pass for another one is computed into a spare place and not kept.
final class JumpSampleCache {
    /// One sample's pass: the active neurons, their gates and z_k′i (`count` of each), and
    /// the output sum Σ u_k′ s_k′i z_k′i.
    struct Pass {
        let neurons: UnsafeMutablePointer<Int>
        let gates: UnsafeMutablePointer<Double>
        let preActivations: UnsafeMutablePointer<Double>
        var count = 0
        var output = 0.0
    }

    static let capacity = 64

    private let dimension: Int
    private let state: UnsafeMutablePointer<Double>
    private var hasState = false
    /// Per sample, its place in `passes`, or −1.
    private let placeOfSample: UnsafeMutablePointer<Int>
    private var keptSamples: [Int] = []
    /// `capacity` kept places and one spare.
    private var passes: [Pass]

    init(dimension: Int, sampleCount: Int, neuronCount: Int, buffers: ScratchBuffers) {
        self.dimension = dimension
        state = buffers.doubles(dimension)
        placeOfSample = buffers.ints(sampleCount)
        placeOfSample.update(repeating: -1, count: sampleCount)
        keptSamples.reserveCapacity(Self.capacity)
        let neurons = buffers.ints((Self.capacity + 1) * neuronCount)
        let values = buffers.doubles((Self.capacity + 1) * 2 * neuronCount)
        passes = (0...Self.capacity).map { place in
            Pass(neurons: neurons + place * neuronCount, gates: values + place * 2 * neuronCount,
                 preActivations: values + place * 2 * neuronCount + neuronCount)
        }
    }

    /// Forgets every kept pass: the gates changed.
    func invalidate() {
        for i in keptSamples { placeOfSample[i] = -1 }
        keptSamples.removeAll(keepingCapacity: true)
    }

    /// Sample i's pass at `state`: the kept one, or `compute`'s (which fills the pass's
    /// buffers and adds to its count and output, both 0 on the call), kept when there is
    /// room.
    func pass(forSample i: Int, at state: UnsafePointer<Double>, compute: (inout Pass) -> Void) -> Pass {
        if !hasState || memcmp(self.state, state, dimension * MemoryLayout<Double>.stride) != 0 {
            invalidate()
            self.state.update(from: state, count: dimension)
            hasState = true
        }
        let kept = placeOfSample[i]
        if kept >= 0 { return passes[kept] }
        let place = keptSamples.count < Self.capacity ? keptSamples.count : Self.capacity
        passes[place].count = 0
        passes[place].output = 0
        compute(&passes[place])
        if place < Self.capacity {
            placeOfSample[i] = place
            keptSamples.append(i)
        }
        return passes[place]
    }
}
