import Foundation

/// The exact gradient flow of one ReLU neuron with positive labels, region by region.
///
/// Inside a region with active set A the flow is affine (support-vector notes §1.5):
/// ```
/// dθ/dt = −c (H_A θ − q_A),   H_A = Σ_{i∈A} x̃_i x̃_iᵀ = V Λ Vᵀ,   q_A = Σ_{i∈A} y_i x̃_i
/// u = Vᵀθ:  u_k(τ) = u_k(0) e^{−cλ_k τ} − (Vᵀq_A)_k · expm1(−cλ_k τ)/λ_k
/// ```
/// (the expm1 form is exact for λ_k → 0, where u_k moves by c (Vᵀq)_k τ = 0). Each g_i(τ)
/// = x̃_i·V u(τ) is a sum of exponentials; its first sign change against the current
/// side is bracketed on a dense grid and bisected to full precision. With positive labels
/// every contact is a transversal crossing (notes §2.3), so the side simply flips.
///
/// Nothing here is shared with the engine: eigenvectors by Jacobi, roots by bisection.
public struct ExactSingleNeuronFlow {
    public struct Event: Equatable {
        public let time: Double
        public let sample: Int
        public let becameActive: Bool
    }

    public let events: [Event]
    public let finalParameters: [Double]

    /// - Parameters:
    ///   - rows: the inputs x_i; `bias` appends the constant 1 to each.
    ///   - gradientFactor: c of the loss normalisation.
    public init(rows: [[Double]], targets: [Double], bias: Bool, gradientFactor c: Double,
                initial: [Double], until tEnd: Double, gridPoints: Int = 6000) {
        precondition(targets.allSatisfy { $0 > 0 }, "the exact reference needs positive labels")
        let features = rows.map { bias ? $0 + [1] : $0 }
        let n = features.count, p = initial.count
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        var theta = initial
        var active = features.map { dot($0, theta) > 0 }
        var t = 0.0
        var events: [Event] = []
        while t < tEnd {
            var h = [Double](repeating: 0, count: p * p)
            var q = [Double](repeating: 0, count: p)
            for i in 0..<n where active[i] {
                for r in 0..<p {
                    q[r] += targets[i] * features[i][r]
                    for k in 0..<p { h[r * p + k] += features[i][r] * features[i][k] }
                }
            }
            let eigen = SymmetricEigen(symmetric: h, size: p)
            let column = (0..<p).map { k in (0..<p).map { eigen.vectors[$0 * p + k] } }
            let u0 = column.map { dot($0, theta) }
            let projectedQ = column.map { dot($0, q) }
            let loadings = features.map { x in column.map { dot(x, $0) } }
            func coordinates(_ tau: Double) -> [Double] {
                (0..<p).map { k in
                    let lambda = eigen.values[k]
                    let growth = abs(lambda) < 1e-300 ? c * tau : -expm1(-c * lambda * tau) / lambda
                    return u0[k] * exp(-c * lambda * tau) + projectedQ[k] * growth
                }
            }
            func crossed(_ i: Int, _ u: [Double]) -> Bool {
                let g = dot(loadings[i], u)
                return active[i] ? g <= 0 : g > 0
            }

            // Dense grid: geometric near the region start, uniform over the rest.
            let span = tEnd - t
            var grid = (0...gridPoints / 3).map { span * pow(1e-9, 1 - Double($0) / Double(gridPoints / 3)) }
            grid += (1...gridPoints).map { span * Double($0) / Double(gridPoints) }
            grid.sort()
            var earliest: (tau: Double, samples: [Int])?
            var previous = 0.0
            for tau in grid {
                let u = coordinates(tau)
                let hits = (0..<n).filter { crossed($0, u) }
                if !hits.isEmpty {
                    // Bisect each hit's root in (previous, tau]; keep the earliest.
                    for i in hits {
                        var lo = previous, hi = tau
                        for _ in 0..<200 where hi - lo > 0 {
                            let mid = 0.5 * (lo + hi)
                            if mid <= lo || mid >= hi { break }
                            if crossed(i, coordinates(mid)) { hi = mid } else { lo = mid }
                        }
                        if earliest == nil || hi < earliest!.tau - 1e-15 * max(1, t + hi) {
                            earliest = (hi, [i])
                        } else if abs(hi - earliest!.tau) <= 1e-15 * max(1, t + hi) {
                            earliest!.samples.append(i)
                        }
                    }
                    break
                }
                previous = tau
            }
            guard let (tau, samples) = earliest else {
                let u = coordinates(span)
                theta = (0..<p).map { r in (0..<p).reduce(0) { $0 + column[$1][r] * u[$1] } }
                t = tEnd
                break
            }
            let u = coordinates(tau)
            theta = (0..<p).map { r in (0..<p).reduce(0) { $0 + column[$1][r] * u[$1] } }
            t += tau
            for i in samples.sorted() {
                active[i].toggle()
                events.append(Event(time: t, sample: i, becameActive: active[i]))
            }
        }
        self.events = events
        finalParameters = theta
    }
}
