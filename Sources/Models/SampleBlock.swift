/// Eight consecutive samples i0 ..< i0 + 8 as the lanes of a `SIMD8<Double>`: the unit the
/// two-layer fields run on, so that per-sample arithmetic is vectorised across samples. Sums
/// over samples either add a block's lanes one by one in sample order (`add`: the univariate
/// network, whose results are those of a sample-by-sample loop to the last bit), or
/// accumulate lane-wise over the blocks and reduce the lanes once (`laneSum`: the networks
/// with affine pre-activations, `AffineNeuronFamily`); either order is fixed, so a run's
/// results are the same every time.
///
/// A last block with fewer samples has zero lanes past the data: zero gates, zero targets and
/// zero inputs, so they add nothing.
enum SampleBlock {
    /// Samples per block.
    static let width = 8

    /// `count` values from `source` in the first lanes, zeros after.
    @inline(__always)
    static func load(_ source: UnsafePointer<Double>, count: Int) -> SIMD8<Double> {
        if count == width { return UnsafeRawPointer(source).loadUnaligned(as: SIMD8<Double>.self) }
        var lanes = SIMD8<Double>()
        for lane in 0..<count { lanes[lane] = source[lane] }
        return lanes
    }

    /// The first `count` lanes into `target`.
    @inline(__always)
    static func store(_ lanes: SIMD8<Double>, to target: UnsafeMutablePointer<Double>, count: Int) {
        if count == width { return UnsafeMutableRawPointer(target).storeBytes(of: lanes, as: SIMD8<Double>.self) }
        for lane in 0..<count { target[lane] = lanes[lane] }
    }

    /// The sum of the lanes in a fixed order, ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)).
    @inline(__always)
    static func laneSum(_ lanes: SIMD8<Double>) -> Double {
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
    }

    /// `target` += lane 0, then += lane 1, ...: the sum in sample order. Lanes of inactive
    /// samples are ±0, which leaves a sum started at +0 unchanged (it can never be −0).
    @inline(__always)
    static func add(_ lanes: SIMD8<Double>, to target: UnsafeMutablePointer<Double>) {
        var sum = target.pointee
        for lane in 0..<width { sum += lanes[lane] }
        target.pointee = sum
    }
}
