/// Solves A z = r for a small dense square A (row-major, k × k) in place by Gaussian
/// elimination with partial pivoting. Returns false when a pivot is below
/// `singularityThreshold` times the largest entry of A: the sliding surfaces' normals are
/// then (nearly) dependent and the equivalent control is not unique.
///
/// - Complexity: O(k³), k = number of surfaces slid on.
enum SmallLinearSolver {
    static let singularityThreshold = 1e-13

    static func solve(_ a: UnsafeMutablePointer<Double>, _ r: UnsafeMutablePointer<Double>, size k: Int) -> Bool {
        var scale = 0.0
        for i in 0..<(k * k) { scale = max(scale, abs(a[i])) }
        guard scale > 0, scale.isFinite else { return false }
        for column in 0..<k {
            var pivot = column
            for row in (column + 1)..<k where abs(a[row * k + column]) > abs(a[pivot * k + column]) { pivot = row }
            guard abs(a[pivot * k + column]) > singularityThreshold * scale else { return false }
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
}
