/// Eight consecutive samples i0 ..< i0 + 8 as the lanes of a `SIMD8<Double>`: the unit the
/// two-layer fields run on, so that per-sample arithmetic is vectorised across samples while
/// every sum over samples still adds its terms one by one in sample order (results stay those
/// of a sample-by-sample loop, to the last bit).
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

    /// `target` += lane 0, then += lane 1, ...: the sum in sample order. Lanes of inactive
    /// samples are ±0, which leaves a sum started at +0 unchanged (it can never be −0).
    @inline(__always)
    static func add(_ lanes: SIMD8<Double>, to target: UnsafeMutablePointer<Double>) {
        var sum = target.pointee
        for lane in 0..<width { sum += lanes[lane] }
        target.pointee = sum
    }
}
