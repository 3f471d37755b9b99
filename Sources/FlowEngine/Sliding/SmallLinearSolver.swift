/// Solves the small dense systems of sliding, A z = r (k × k, row-major), also where A is
/// singular: the equivalent control of surfaces with linearly dependent jumps, or of a
/// cluster of surfaces that meet the flow together.
///
/// 1. Gaussian elimination with partial pivoting. When every pivot exceeds
///    `uniquenessThreshold` times the largest entry of A, z is unique and this is it.
/// 2. Otherwise the row- and column-equilibrated matrix B = D_r A D_c (every row, then every
///    column, scaled to largest entry 1) is factored by Householder QR with column
///    pivoting, B Π = Q R, and its rank ρ is the number of |R_ii| > `rankTolerance`·|R_00|.
///    The solutions form the affine set z_b + range(N): z_b the basic least-squares
///    solution, N = D_c Π [−R₁₁⁻¹R₁₂; I] the null space (Golub & Van Loan, *Matrix
///    Computations*, 4th ed., §5.4.2). The system must be consistent: the residual
///    ‖(Qᵀ D_r r)_{ρ..<k}‖ may not exceed `consistencyTolerance` times the size of the rest.
/// 3. Among the solutions the one nearest c·1 is taken (c = ½ for `Choice.gates`, 0 for
///    `Choice.minimumNorm`) (a minimum-norm deviation:
///    z = z_b + Z Zᵀ(c·1 − z_b), Z an orthonormal basis of range(N)).
/// 4. For `Choice.gates`, that point is moved by Dykstra's alternating projections (Boyle &
///    Dykstra 1986) between the box [0, 1]^k and the solution set, to the solution in the box
///    nearest it when there is one. The result is always the solution-set iterate, so A z = r
///    holds; when no solution lies in the box it is the solution nearest the box, and its
///    entries outside [0, 1] say which way the flow leaves.
///
/// For the equivalent control (`ModeField`) the solution is the gates, centred on ½: when
/// the jumps are dependent the sliding velocity F₀ + Σ s_j J_j is the same for every
/// solution (Filippov 1988, §2.4, the equivalent control), so the choice only fixes which
/// gates are reported, and ½ is the value that treats both sides of every surface alike.
/// For the projection back onto the surfaces the centre is 0: the minimum-norm correction.
///
/// Not thread-safe; allocates only in `init`.
///
/// - Complexity: O(k³), plus O(k²) per Dykstra sweep (at most `dykstraSweepLimit`).
final class SmallLinearSolver {
    /// Pivots (relative to the largest |a_ij|) above which elimination is trusted.
    static let uniquenessThreshold = 1e-10
    /// |R_ii| ≤ this·|R_00| counts as zero in the pivoted QR of the equilibrated matrix.
    static let rankTolerance = 1e-12
    /// Largest relative residual of a rank-deficient system still taken as consistent.
    static let consistencyTolerance = 1e-8
    static let dykstraSweepLimit = 500

    /// How to pick among the solutions of a singular system.
    enum Choice {
        /// The solution nearest ½·1, then the nearest solution in [0, 1]^k: gates.
        case gates
        /// The minimum-norm solution: a correction.
        case minimumNorm
    }

    let capacity: Int
    private let buffers = ScratchBuffers()
    private let work: UnsafeMutablePointer<Double>
    private let rhs: UnsafeMutablePointer<Double>
    private let rowScale: UnsafeMutablePointer<Double>
    private let columnScale: UnsafeMutablePointer<Double>
    private let columnNorms: UnsafeMutablePointer<Double>
    private let permutation: UnsafeMutablePointer<Double>
    private let basis: UnsafeMutablePointer<Double>
    private let point: UnsafeMutablePointer<Double>
    private let boxCorrection: UnsafeMutablePointer<Double>
    private let setCorrection: UnsafeMutablePointer<Double>
    private let boxed: UnsafeMutablePointer<Double>
    /// The dimension of the solution set of the last singular system (columns of `basis`).
    private var nullity = 0
    /// Whether the last system solved had a unique solution (elimination succeeded).
    private(set) var lastSolutionWasUnique = true

    init(capacity k: Int) {
        capacity = k
        work = buffers.doubles(k * k)
        rhs = buffers.doubles(k)
        rowScale = buffers.doubles(k)
        columnScale = buffers.doubles(k)
        columnNorms = buffers.doubles(k)
        permutation = buffers.doubles(k)
        basis = buffers.doubles(k * k)
        point = buffers.doubles(k)
        boxCorrection = buffers.doubles(k)
        setCorrection = buffers.doubles(k)
        boxed = buffers.doubles(k)
    }

    /// Solves A z = r; A is left as it is, r becomes z.
    ///
    /// - Returns: false when A or r has an infinite or NaN entry (checked one by one: `max`
    ///   and the comparisons below skip NaN), or A is singular and the system inconsistent (no
    ///   z satisfies all k equations); r is then unspecified.
    func solve(_ a: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, size k: Int, choosing choice: Choice) -> Bool {
        precondition(k <= capacity, "a \(k) × \(k) system in a solver for \(capacity)")
        lastSolutionWasUnique = false
        guard k > 0 else { return true }
        var scale = 0.0
        for i in 0..<(k * k) {
            guard a[i].isFinite else { return false }
            scale = max(scale, abs(a[i]))
        }
        for i in 0..<k where !r[i].isFinite { return false }
        work.update(from: a, count: k * k)
        rhs.update(from: r, count: k)
        if scale > 0, eliminate(size: k, threshold: Self.uniquenessThreshold * scale) {
            r.update(from: rhs, count: k)
            lastSolutionWasUnique = true
            return true
        }
        guard solveSingular(a, r, size: k) else { return false }
        let center = choice == .gates ? 0.5 : 0
        for i in 0..<k { point[i] = center }
        projectOntoSolutions(point, into: r, size: k)
        if choice == .gates { moveIntoBox(r, size: k) }
        return true
    }

    /// Gaussian elimination with partial pivoting of `work`, `rhs`; `rhs` becomes z.
    /// - Returns: false at the first pivot not above `threshold`.
    private func eliminate(size k: Int, threshold: Double) -> Bool {
        let a = work, r = rhs
        for column in 0..<k {
            var pivot = column
            for row in (column + 1)..<k where abs(a[row * k + column]) > abs(a[pivot * k + column]) { pivot = row }
            guard abs(a[pivot * k + column]) > threshold else { return false }
            if pivot != column {
                for c in 0..<k { (a[pivot * k + c], a[column * k + c]) = (a[column * k + c], a[pivot * k + c]) }
                (r[pivot], r[column]) = (r[column], r[pivot])
            }
            for row in (column + 1)..<k {
                let factor = a[row * k + column] / a[column * k + column]
                guard factor != 0 else { continue }
                for c in column..<k { a[row * k + c] -= factor * a[column * k + c] }
                r[row] -= factor * r[column]
            }
        }
        for row in stride(from: k - 1, through: 0, by: -1) {
            var sum = r[row]
            for c in (row + 1)..<k { sum -= a[row * k + c] * r[c] }
            r[row] = sum / a[row * k + row]
        }
        return true
    }

    /// Step 2: the basic solution into `r` and an orthonormal basis of the null space (in
    /// z's coordinates) into the first k − ρ columns of `basis` (column-major, k each);
    /// returns false for an inconsistent system. Sets `nullity`.
    private func solveSingular(_ a: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, size k: Int) -> Bool {
        let b = work
        // Equilibration: rows to largest entry 1, then columns.
        for i in 0..<k {
            var largest = 0.0
            for j in 0..<k { largest = max(largest, abs(a[i * k + j])) }
            rowScale[i] = largest > 0 ? 1 / largest : 1
        }
        for j in 0..<k {
            var largest = 0.0
            for i in 0..<k { largest = max(largest, abs(a[i * k + j]) * rowScale[i]) }
            columnScale[j] = largest > 0 ? 1 / largest : 1
        }
        for i in 0..<k {
            rhs[i] = r[i] * rowScale[i]
            for j in 0..<k { b[i * k + j] = a[i * k + j] * rowScale[i] * columnScale[j] }
        }
        var rhsSize = 0.0
        for i in 0..<k { rhsSize = max(rhsSize, abs(rhs[i])) }
        // Householder QR with column pivoting; Qᵀ is applied to rhs on the way.
        for j in 0..<k {
            permutation[j] = Double(j)
            var sum = 0.0
            for i in 0..<k { sum += b[i * k + j] * b[i * k + j] }
            columnNorms[j] = sum
        }
        var rank = 0
        var leading = 0.0
        for step in 0..<k {
            var pivot = step
            for j in step..<k where columnNorms[j] > columnNorms[pivot] { pivot = j }
            if pivot != step {
                for i in 0..<k { (b[i * k + pivot], b[i * k + step]) = (b[i * k + step], b[i * k + pivot]) }
                (columnNorms[pivot], columnNorms[step]) = (columnNorms[step], columnNorms[pivot])
                (permutation[pivot], permutation[step]) = (permutation[step], permutation[pivot])
            }
            var norm = 0.0
            for i in step..<k { norm += b[i * k + step] * b[i * k + step] }
            norm = norm.squareRoot()
            if step == 0 { leading = norm }
            guard norm > Self.rankTolerance * leading, norm > 0 else { break }
            rank += 1
            // Reflector v = x + sign(x_0)‖x‖e_0, stored in place below the diagonal.
            let alpha = b[step * k + step] >= 0 ? -norm : norm
            b[step * k + step] -= alpha
            var vv = 0.0
            for i in step..<k { vv += b[i * k + step] * b[i * k + step] }
            for j in (step + 1)..<k {
                var dot = 0.0
                for i in step..<k { dot += b[i * k + step] * b[i * k + j] }
                let f = 2 * dot / vv
                for i in step..<k { b[i * k + j] -= f * b[i * k + step] }
                columnNorms[j] -= b[step * k + j] * b[step * k + j]
                if columnNorms[j] < 0 { columnNorms[j] = 0 }
            }
            var dot = 0.0
            for i in step..<k { dot += b[i * k + step] * rhs[i] }
            let f = 2 * dot / vv
            for i in step..<k { rhs[i] -= f * b[i * k + step] }
            b[step * k + step] = alpha
        }
        // Consistency: what Qᵀ leaves below the rank.
        var residual = 0.0
        for i in rank..<k { residual = max(residual, abs(rhs[i])) }
        // Basic solution u (pivoted order): R₁₁ u₁ = (Qᵀ rhs)₁, u₂ = 0.
        for row in stride(from: rank - 1, through: 0, by: -1) {
            var sum = rhs[row]
            for c in (row + 1)..<rank { sum -= b[row * k + c] * rhs[c] }
            rhs[row] = sum / b[row * k + row]
        }
        var solutionSize = 0.0
        for i in 0..<rank { solutionSize = max(solutionSize, abs(rhs[i])) }
        guard residual <= Self.consistencyTolerance * max(rhsSize, solutionSize) || residual == 0 else { return false }
        for i in 0..<k { r[i] = 0 }
        for i in 0..<rank { r[Int(permutation[i])] = rhs[i] * columnScale[Int(permutation[i])] }
        // Null space: for each free column f, u = [−R₁₁⁻¹ R₁₂e_f; e_f], mapped by Π and D_c,
        // then orthonormalised (modified Gram–Schmidt, twice).
        nullity = k - rank
        for f in 0..<nullity {
            let v = basis + f * k
            for i in 0..<k { point[i] = 0 }
            for row in stride(from: rank - 1, through: 0, by: -1) {
                var sum = -b[row * k + rank + f]
                for c in (row + 1)..<rank { sum -= b[row * k + c] * point[c] }
                point[row] = sum / b[row * k + row]
            }
            point[rank + f] = 1
            for i in 0..<k { v[Int(permutation[i])] = point[i] * columnScale[Int(permutation[i])] }
            for _ in 0..<2 {
                for e in 0..<f {
                    let u = basis + e * k
                    var dot = 0.0
                    for i in 0..<k { dot += u[i] * v[i] }
                    for i in 0..<k { v[i] -= dot * u[i] }
                }
            }
            var norm = 0.0
            for i in 0..<k { norm += v[i] * v[i] }
            norm = norm.squareRoot()
            for i in 0..<k { v[i] /= norm }
        }
        return true
    }

    /// z ← z_b + Z Zᵀ(p − z_b): the solution nearest p, with z_b in `z` on entry.
    private func projectOntoSolutions(_ p: UnsafePointer<Double>, into z: UnsafeMutablePointer<Double>, size k: Int) {
        for i in 0..<k { setCorrection[i] = p[i] - z[i] }
        for f in 0..<nullity {
            let u = basis + f * k
            var dot = 0.0
            for i in 0..<k { dot += u[i] * setCorrection[i] }
            for i in 0..<k { z[i] += dot * u[i] }
        }
    }

    /// Dykstra's projections between [0, 1]^k and the solution set, from the solution z.
    private func moveIntoBox(_ z: UnsafeMutablePointer<Double>, size k: Int) {
        guard nullity > 0, (0..<k).contains(where: { z[$0] < 0 || z[$0] > 1 }) else { return }
        for i in 0..<k {
            boxCorrection[i] = 0
            point[i] = 0
        }
        // `point` carries the solution set's correction q; the solution's basic part is z_b.
        let base = setCorrection
        for _ in 0..<Self.dykstraSweepLimit {
            var change = 0.0
            for i in 0..<k {
                let y = min(max(z[i] + boxCorrection[i], 0), 1)
                boxCorrection[i] += z[i] - y
                boxed[i] = y + point[i]
            }
            // Projection of `boxed` onto the solution set: z_new = z + Z Zᵀ(boxed − z).
            for i in 0..<k { base[i] = boxed[i] - z[i] }
            for i in 0..<k { rhs[i] = z[i] }
            for f in 0..<nullity {
                let u = basis + f * k
                var dot = 0.0
                for i in 0..<k { dot += u[i] * base[i] }
                for i in 0..<k { rhs[i] += dot * u[i] }
            }
            for i in 0..<k {
                point[i] = boxed[i] - rhs[i]
                change = max(change, abs(rhs[i] - z[i]))
                z[i] = rhs[i]
            }
            if change <= 1e-15 { break }
        }
    }
}
