import Foundation

/// The exact gradient flow of one ReLU neuron, region by region, sliding included.
///
/// A region is an active set A (gate 1) and a sliding set S (samples whose surface
/// x̃_j·θ = 0 the flow slides on). With N the matrix of the normals x̃_j, j ∈ S, and
/// P = I − N(NᵀN)⁻¹Nᵀ, the Filippov field is the projection of the field without S,
/// F−(θ) = −c (H_A θ − q_A), onto the surfaces (the jumps c·y_j·x̃_j lie along the normals;
/// support-vector notes §2.3), so on them the flow is still affine:
/// ```
/// dθ/dt = −c M θ + c P q_A,   M = P H_A P = V Λ Vᵀ   (θ = Pθ on S)
/// u = Vᵀθ:  u_k(τ) = u_k(0) e^{−cλ_k τ} − (Vᵀ P q_A)_k · expm1(−cλ_k τ)/λ_k
/// ```
/// (the expm1 form is exact for λ_k → 0). The sliding gates follow from
/// F − P F− = Σ_j s_j c y_j x̃_j: s = −(NᵀN)⁻¹NᵀF− / (c y_j). Events are the first
/// sign change of an x̃_i·θ(τ) against its side, or of s_j or 1 − s_j, bracketed on a dense
/// grid and bisected to full precision. At a contact the one-sided normal speeds decide:
/// same sign → cross; σ− > 0 > σ+ → slide; σ− < 0 < σ+ → the inactive side (ReLU'(0) = 0).
///
/// Nothing here is shared with the engine: eigenvectors by Jacobi, projections by normal
/// equations, roots by bisection.
public struct ExactSingleNeuronFlow {
    public enum Kind: Equatable, Sendable {
        case activation, deactivation, slideStart
        case slideEnd(exitActive: Bool)
    }

    public struct Event: Equatable, Sendable {
        public let time: Double
        public let sample: Int
        public let kind: Kind
    }

    public let events: [Event]
    public let finalParameters: [Double]
    /// Whether the reference could not settle the mode at an event, or saw events
    /// accumulate; the comparison is then void.
    public let isUnsupported: Bool

    /// - Parameters:
    ///   - rows: the inputs x_i; `bias` appends the constant 1 to each.
    ///   - gradientFactor: c of the loss normalisation.
    public init(rows: [[Double]], targets: [Double], bias: Bool, gradientFactor c: Double,
                initial: [Double], until tEnd: Double, gridPoints: Int = 6000) {
        let features = rows.map { bias ? $0 + [1] : $0 }
        let n = features.count, p = initial.count
        var theta = initial
        var active = features.map { dot($0, theta) > 0 }
        var sliding: [Int] = []
        var departing = Set<Int>()
        var t = 0.0
        var events: [Event] = []
        var unsupported = false

        /// F−(θ) for active set A (sliding samples excluded).
        func baseField(_ theta: [Double]) -> [Double] {
            var f = [Double](repeating: 0, count: p)
            for i in 0..<n where active[i] && !sliding.contains(i) {
                let r = dot(features[i], theta) - targets[i]
                for k in 0..<p { f[k] -= c * r * features[i][k] }
            }
            return f
        }
        /// (NᵀN)⁻¹Nᵀv for the normals of `surfaces`.
        func normalCoefficients(_ v: [Double], _ surfaces: [Int]) -> [Double] {
            let k = surfaces.count
            var gram = [Double](repeating: 0, count: k * k)
            for a in 0..<k { for b in 0..<k { gram[a * k + b] = dot(features[surfaces[a]], features[surfaces[b]]) } }
            return solveSymmetric(gram, surfaces.map { dot(features[$0], v) }, size: k)
        }
        func project(_ v: [Double], _ surfaces: [Int]) -> [Double] {
            guard !surfaces.isEmpty else { return v }
            let alpha = normalCoefficients(v, surfaces)
            var result = v
            for (a, j) in surfaces.enumerated() { for r in 0..<p { result[r] -= alpha[a] * features[j][r] } }
            return result
        }
        /// The field of the mode with `surfaces` slid on and extra gate `gate` for sample i.
        func modeField(_ theta: [Double], surfaces: [Int], extra i: Int?, gate: Double) -> [Double] {
            var f = baseField(theta)
            if let i, !active[i] || sliding.contains(i), gate > 0 {
                let r = dot(features[i], theta) - targets[i]
                for k in 0..<p { f[k] -= c * gate * r * features[i][k] }
            } else if let i, active[i], !sliding.contains(i), gate == 0 {
                let r = dot(features[i], theta) - targets[i]
                for k in 0..<p { f[k] += c * r * features[i][k] }
            }
            return project(f, surfaces.filter { $0 != i })
        }
        func slidingGates(_ theta: [Double]) -> [Double] {
            guard !sliding.isEmpty else { return [] }
            let alpha = normalCoefficients(baseField(theta), sliding)
            return sliding.indices.map { -alpha[$0] / (c * targets[sliding[$0]]) }
        }

        var regionCount = 0
        while t < tEnd {
            regionCount += 1
            // Zeno-like accumulation, or contacts that change no mode, are outside what the
            // reference models.
            if events.count > 2000 || regionCount > 5000 {
                unsupported = true
                break
            }
            // The region's affine flow θ' = −c M θ + c P q_A.
            var h = [Double](repeating: 0, count: p * p)
            var q = [Double](repeating: 0, count: p)
            for i in 0..<n where active[i] && !sliding.contains(i) {
                for r in 0..<p {
                    q[r] += targets[i] * features[i][r]
                    for k in 0..<p { h[r * p + k] += features[i][r] * features[i][k] }
                }
            }
            let projector: [[Double]] = (0..<p).map { r in
                project((0..<p).map { $0 == r ? 1 : 0 }, sliding)
            }  // rows of P (symmetric)
            var m = [Double](repeating: 0, count: p * p)
            for r in 0..<p { for k in 0..<p {
                var sum = 0.0
                for a in 0..<p { for b in 0..<p { sum += projector[r][a] * h[a * p + b] * projector[b][k] } }
                m[r * p + k] = sum
            } }
            let projectedQ = (0..<p).map { r in dot(projector[r], q) }
            theta = project(theta, sliding)
            let eigen = SymmetricEigen(symmetric: m, size: p)
            let column = (0..<p).map { k in (0..<p).map { eigen.vectors[$0 * p + k] } }
            let u0 = column.map { dot($0, theta) }
            let pq = column.map { dot($0, projectedQ) }
            func state(_ tau: Double) -> [Double] {
                let u = (0..<p).map { k in
                    let lambda = eigen.values[k]
                    let growth = abs(lambda) < 1e-300 ? c * tau : -expm1(-c * lambda * tau) / lambda
                    return u0[k] * exp(-c * lambda * tau) + pq[k] * growth
                }
                return (0..<p).map { r in (0..<p).reduce(0) { $0 + column[$1][r] * u[$1] } }
            }
            /// Watched values, positive while the region holds: ±g_i off S, s_j and 1 − s_j on S.
            func watched(_ theta: [Double]) -> [(key: Int, value: Double)] {
                var values: [(Int, Double)] = []
                for i in 0..<n where !sliding.contains(i) {
                    let g = dot(features[i], theta)
                    var d = active[i] ? g : -g
                    // A surface left tangentially starts at rounding level on either side.
                    if departing.contains(i), abs(g) < 1e-13 * norm(features[i]) * max(1, norm(theta)) { d = 1 }
                    values.append((i, d))
                }
                for (a, s) in slidingGates(theta).enumerated() {
                    values.append((n + 2 * sliding[a], s))
                    values.append((n + 2 * sliding[a] + 1, 1 - s))
                }
                return values
            }
            func hits(_ tau: Double) -> [Int] { watched(state(tau)).filter { $0.value < 0 || ($0.value == 0 && $0.key < n && active[$0.key]) }.map(\.key) }

            let span = tEnd - t
            var grid = (0...gridPoints / 3).map { span * pow(1e-9, 1 - Double($0) / Double(gridPoints / 3)) }
            grid += (1...gridPoints).map { span * Double($0) / Double(gridPoints) }
            grid.sort()
            var earliest: (tau: Double, keys: [Int])?
            var previous = 0.0
            for tau in grid {
                let found = hits(tau)
                guard !found.isEmpty else { previous = tau; continue }
                for key in found {
                    var lo = previous, hi = tau
                    for _ in 0..<200 {
                        let mid = 0.5 * (lo + hi)
                        if mid <= lo || mid >= hi { break }
                        if hits(mid).contains(key) { hi = mid } else { lo = mid }
                    }
                    let tolerance = 1e-15 * max(1, t + hi)
                    if earliest == nil || hi < earliest!.tau - tolerance {
                        earliest = (hi, [key])
                    } else if abs(hi - earliest!.tau) <= tolerance {
                        earliest!.keys.append(key)
                    }
                }
                break
            }
            guard let (tau, keys) = earliest else {
                theta = state(span)
                t = tEnd
                break
            }
            theta = state(tau)
            t += tau
            departing = []
            // Decide the mode at the event as a whole: sliding exits leave first, then every
            // contact is classified in the mode the others define, until nothing changes; a
            // gate pushed out of [0, 1] by the new mode leaves to that side.
            var contacts = Set(keys.map { $0 >= n ? ($0 - n) / 2 : $0 }).sorted()
            func state(of i: Int) -> Kind? { sliding.contains(i) ? .slideStart : (active[i] ? .activation : .deactivation) }
            var before = Dictionary(uniqueKeysWithValues: contacts.map { ($0, state(of: $0)!) })
            for key in keys where key >= n {
                let j = (key - n) / 2
                sliding.removeAll { $0 == j }
                active[j] = (key - n) % 2 == 1
            }
            var settled = false
            for _ in 0..<(2 * contacts.count + 4) {
                var changed = false
                for i in contacts {
                    let old = state(of: i)
                    sliding.removeAll { $0 == i }
                    let negative = dot(features[i], modeField(theta, surfaces: sliding, extra: i, gate: 0))
                    let positive = dot(features[i], modeField(theta, surfaces: sliding, extra: i, gate: 1))
                    if negative > 0, positive < 0 {
                        sliding.append(i)
                        active[i] = false
                    } else if negative >= 0, positive >= 0, negative > 0 || positive > 0 {
                        active[i] = true
                    } else if negative <= 0, positive <= 0, negative < 0 || positive < 0 {
                        active[i] = false
                    } else if old == .slideStart {
                        active[i] = false  // repelling or tangential with no side yet: ReLU'(0) = 0
                    }  // else repelling or tangential on a side: that side is consistent, keep it
                    if state(of: i) != old { changed = true }
                }
                let gates = slidingGates(project(theta, sliding))
                for (a, j) in sliding.enumerated().reversed() where gates[a] < 0 || gates[a] > 1 {
                    sliding.remove(at: a)
                    active[j] = gates[a] > 1
                    if before[j] == nil {
                        before[j] = Kind.slideStart
                        contacts.append(j)
                    }
                    changed = true
                }
                if !changed { settled = true; break }
            }
            if !settled { unsupported = true }
            for i in contacts.sorted() where state(of: i) != before[i]! {
                let kind: Kind
                switch (before[i]!, state(of: i)!) {
                case (_, .slideStart): kind = .slideStart
                case (.slideStart, let after): kind = .slideEnd(exitActive: after == .activation)
                case (_, let after): kind = after
                }
                if case .slideEnd = kind { departing.insert(i) }
                events.append(Event(time: t, sample: i, kind: kind))
            }
            if unsupported { break }
        }
        self.events = events
        finalParameters = theta
        isUnsupported = unsupported
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

/// Solves the small symmetric positive-definite system G z = r (Gaussian elimination).
private func solveSymmetric(_ g: [Double], _ r: [Double], size k: Int) -> [Double] {
    var a = g, z = r
    for col in 0..<k {
        for row in (col + 1)..<k {
            let f = a[row * k + col] / a[col * k + col]
            for c in col..<k { a[row * k + c] -= f * a[col * k + c] }
            z[row] -= f * z[col]
        }
    }
    for row in stride(from: k - 1, through: 0, by: -1) {
        var sum = z[row]
        for c in (row + 1)..<k { sum -= a[row * k + c] * z[c] }
        z[row] = sum / a[row * k + row]
    }
    return z
}
