import FlowEngine
import Foundation

/// The overlap moments of a univariate network's gates, for any gates s (m × n,
/// neuron-major):
/// ```
/// M_q[j][k] = Σ_i s_ji s_ki x_i^q,   q = 0, 1, 2
/// ```
/// the sums the Jacobian's Gauss–Newton term is made of (`UnivariateNetwork.jacobian`), in
/// O(m·n + m² + e·m) for e exceptions to ranges instead of O(Σ_i (neurons active on i)²).
///
/// Each neuron's gates on the sorted samples are a range, an interval [lo_k, hi_k) of
/// positions with indicator r_k, plus exceptions d_k = s_k − r_k (`SortedSamples.describe`).
/// Since s_j s_k = r_j r_k + d_j s_k + r_j d_k,
/// ```
/// M_q[j][k] = P_q(max(lo_j, lo_k), min(hi_j, hi_k)) + Σ_{p: d_jp ≠ 0} d_jp s_kp x_p^q + Σ_{p: d_kp ≠ 0} r_jp d_kp x_p^q
/// ```
/// with P_q(lo, hi) = Σ_{lo ≤ p < hi} x_p^q a difference of prefix sums (0 for an empty
/// intersection). The difference rounds to O(u·Σ_p |x_p|^q) where a direct sum over the
/// intersection would round to O(u·Σ over it): an error of that size in a Jacobian entry
/// only slows an implicit method's Newton iteration, it does not move the solution.
///
/// Shared by copies of the network it belongs to, and safe to use from several threads (a
/// lock around each use).
final class GateOverlaps: @unchecked Sendable {
    private let lock = NSLock()
    private let samples: SortedSamples
    let neuronCount: Int
    private let buffers = ScratchBuffers()
    /// Σ_{p′ < p} x_{p′}^q at (q − 1)·(n + 1) + p, p = 0...n, for q = 1, 2 (q = 0 is p itself).
    private let powerSums: UnsafeMutablePointer<Double>
    /// M_0, M_1, M_2, m × m each, row-major: allocated at the first use (3m² numbers; a
    /// network too wide for an implicit method never needs them).
    private lazy var moments = buffers.doubles(3 * neuronCount * neuronCount)
    private var lower: [Int], upper: [Int]
    private var exceptions: [[(position: Int, difference: Double)]]

    init(samples: SortedSamples, neuronCount: Int) {
        let n = samples.count
        self.samples = samples
        self.neuronCount = neuronCount
        powerSums = buffers.doubles(2 * (n + 1))
        for q in 1...2 {
            var sum = 0.0
            for p in 0..<n {
                let x = samples.inputs[p]
                sum += q == 1 ? x : x * x
                powerSums[(q - 1) * (n + 1) + p + 1] = sum
            }
        }
        lower = Array(repeating: 0, count: neuronCount)
        upper = Array(repeating: 0, count: neuronCount)
        exceptions = Array(repeating: [], count: neuronCount)
    }

    /// Calls `use` with M_0, M_1 and M_2 of `gates` (m × m each, row-major, in the overlaps'
    /// own buffer, valid during the call).
    func withMoments<Result>(of gates: UnsafePointer<Double>,
                             _ use: (_ count: UnsafePointer<Double>, _ first: UnsafePointer<Double>,
                                     _ second: UnsafePointer<Double>) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        writeMoments(of: gates)
        let size = neuronCount * neuronCount
        return use(moments, moments + size, moments + 2 * size)
    }

    private func writeMoments(of gates: UnsafePointer<Double>) {
        let m = neuronCount, n = samples.count, size = m * m, moments = moments
        for k in 0..<m {
            let (isSuffix, boundary) = samples.describe(gates + k * n, exceptions: &exceptions[k])
            (lower[k], upper[k]) = isSuffix ? (boundary, n) : (0, boundary)
        }
        let firstSums = powerSums, secondSums = powerSums + (n + 1)
        for j in 0..<m {
            for k in 0..<m {
                let lo = max(lower[j], lower[k]), hi = min(upper[j], upper[k]), entry = j * m + k
                if lo < hi {
                    moments[entry] = Double(hi - lo)
                    moments[size + entry] = firstSums[hi] - firstSums[lo]
                    moments[2 * size + entry] = secondSums[hi] - secondSums[lo]
                } else {
                    moments[entry] = 0
                    moments[size + entry] = 0
                    moments[2 * size + entry] = 0
                }
            }
        }
        samples.order.withUnsafeBufferPointer { order in
            for j in 0..<m {
                for (p, difference) in exceptions[j] {
                    let x = samples.inputs[p], column = gates + order[p]
                    for k in 0..<m {
                        // d_jp s_kp x^q into row j, r_kp d_jp x^q into column j.
                        let rowWeight = difference * column[k * n]
                        let columnWeight = lower[k] <= p && p < upper[k] ? difference : 0
                        moments[j * m + k] += rowWeight
                        moments[size + j * m + k] += rowWeight * x
                        moments[2 * size + j * m + k] += rowWeight * x * x
                        moments[k * m + j] += columnWeight
                        moments[size + k * m + j] += columnWeight * x
                        moments[2 * size + k * m + j] += columnWeight * x * x
                    }
                }
            }
        }
    }
}
