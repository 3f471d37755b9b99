import Foundation

/// H = Σ_i κ(s_i) x̃_i x̃_iᵀ and q = Σ_i s_i y_i x̃_i of a single neuron's gate pattern s, kept
/// from one evaluation to the next and changed by rank-one terms where the pattern changed,
/// so that the field inside a region, −c (H θ − q) for one neuron, costs O(p²) instead of
/// O(n·p) (support-vector notes §1.3–1.5; Lee, Sim & Ye eqs. 2–3). κ(s) = s for a neuron
/// whose output is gated once (`SingleNeuron`), s² where the output s_i z_i also multiplies
/// the residual's gate (`DeepSingleNeuron`); the two agree on gates 0 and 1. Between events the
/// pattern does not change at all; an event, a jump by differences or a sliding gate changes a
/// few gates: H += (κ(s_i′) − κ(s_i)) x̃_i x̃_iᵀ, q += (s_i′ − s_i) y_i x̃_i.
///
/// Rounding: every change adds about u·|x̃_i|² to each entry of H, as one more term of the sum
/// would. After n changes H is recomputed from the pattern (O(n·p²), the cost of n changes), so
/// the accumulated rounding stays within twice that of the sum itself; so it is when more than
/// n/p gates changed at once.
///
/// Shared by copies of the model it belongs to and safe to use from several threads (a lock
/// around each use); the results do not depend on which pattern was cached before, beyond
/// rounding.
final class AffineRegionCache: @unchecked Sendable {
    /// κ(s), the weight of sample i's x̃_i x̃_iᵀ in H at gate s.
    enum CurvatureWeight: Sendable {
        /// κ(s) = s.
        case gate
        /// κ(s) = s².
        case squaredGate

        func callAsFunction(_ s: Double) -> Double { self == .gate ? s : s * s }
    }

    private let lock = NSLock()
    private let curvature: CurvatureWeight
    /// The pattern H and q hold.
    private var gates: [Double]
    private var hessian: [Double]
    private var target: [Double]
    /// Rank-one changes since H was last summed whole.
    private var changes = 0
    /// Whether H and q have been summed whole once.
    private var isSummed = false
    private let sampleCount: Int
    /// p = d (+1 with a bias).
    private let size: Int

    init(sampleCount: Int, size: Int, curvature: CurvatureWeight) {
        self.sampleCount = sampleCount
        self.size = size
        self.curvature = curvature
        gates = Array(repeating: 0, count: sampleCount)
        hessian = Array(repeating: 0, count: size * size)
        target = Array(repeating: 0, count: size)
    }

    /// Calls `body(H, q)` (p × p row-major, p) for the pattern `pattern` of `data`'s samples,
    /// x̃_i = (x_i, 1) when `appendingOne` (a bias), else x_i, after bringing H and q to it.
    func withRegion<Result>(
        of pattern: UnsafePointer<Double>, data: Dataset, appendingOne: Bool,
        _ body: (UnsafePointer<Double>, UnsafePointer<Double>) -> Result
    ) -> Result {
        let d = data.inputDimension
        return data.inputs.withUnsafeBufferPointer { inputs in
            data.targets.withUnsafeBufferPointer { targets in
                withRegion(of: pattern, sample: { i, row in
                    let x = inputs.baseAddress! + i &* d
                    for k in 0..<d { row[k] = x[k] }
                    if appendingOne { row[d] = 1 }
                    return targets[i]
                }, body)
            }
        }
    }

    /// `withRegion(of:data:appendingOne:_:)` with `sample(i, into:)` writing x̃_i (p values)
    /// and returning y_i.
    private func withRegion<Result>(
        of pattern: UnsafePointer<Double>, sample: (Int, UnsafeMutablePointer<Double>) -> Double,
        _ body: (UnsafePointer<Double>, UnsafePointer<Double>) -> Result
    ) -> Result {
        lock.lock()
        defer { lock.unlock() }
        let p = size
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: p) { rowBuffer in
            let row = rowBuffer.baseAddress!
            return hessian.withUnsafeMutableBufferPointer { hessianBuffer in
                target.withUnsafeMutableBufferPointer { targetBuffer in
                    let h = hessianBuffer.baseAddress!, q = targetBuffer.baseAddress!
                    var changed = 0
                    for i in 0..<sampleCount where pattern[i] != gates[i] { changed += 1 }
                    // A non-finite H (a non-finite gate once) is summed whole again, never updated.
                    let isFinite = h[0].isFinite && q[0].isFinite
                    if !isSummed || !isFinite || changed > 0 && (changes + changed > sampleCount || changed * p > sampleCount) {
                        h.update(repeating: 0, count: p * p)
                        q.update(repeating: 0, count: p)
                        for i in 0..<sampleCount where pattern[i] != 0 {
                            Self.add(curvature(pattern[i]), pattern[i], sample: i, row: row, sample, h, q, size: p)
                        }
                        for i in 0..<sampleCount { gates[i] = pattern[i] }
                        changes = 0
                        isSummed = true
                    } else if changed > 0 {
                        for i in 0..<sampleCount where pattern[i] != gates[i] {
                            Self.add(curvature(pattern[i]) - curvature(gates[i]), pattern[i] - gates[i], sample: i, row: row,
                                     sample, h, q, size: p)
                            gates[i] = pattern[i]
                        }
                        changes += changed
                    }
                    return body(h, q)
                }
            }
        }
    }

    /// H += curvatureWeight·x̃_i x̃_iᵀ, q += targetWeight·y_i x̃_i.
    private static func add(_ curvatureWeight: Double, _ targetWeight: Double, sample i: Int,
                            row: UnsafeMutablePointer<Double>, _ sample: (Int, UnsafeMutablePointer<Double>) -> Double,
                            _ h: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>, size p: Int) {
        let y = sample(i, row)
        for r in 0..<p {
            let scaled = curvatureWeight * row[r], hr = h + r &* p
            for k in 0..<p { hr[k] += scaled * row[k] }
            q[r] += targetWeight * row[r] * y
        }
    }
}
