import FlowEngine
import Foundation

/// A univariate network's gate pattern as ranges of the samples sorted by x, and its field
/// from them in O(n + m) instead of O(n·m) (`UnivariateNetwork`, issue 11).
///
/// Neuron k is active where a_k x − b_k > 0: a half-line, so on the sorted samples its gates
/// are a suffix (a_k > 0; every knot of the knots form) or a prefix (a_k < 0) of ones, the
/// sign pattern at the last event that touched it. The pattern a `GatePattern` holds is
/// that up to a few exceptions (a sliding surface's gate is 0 in the pattern, at the range's
/// edge; samples with equal x): each neuron is kept as its range's boundary and the positions
/// where its gates differ from the range, and only neurons whose gates changed since the
/// last evaluation (the pattern's journal) are looked at again, O(n) each.
///
/// With the gates as ranges every sum of the field is a running sum over the sorted
/// samples (positions p, x_p ascending):
/// ```
/// h_p = x_p Σ_{k ∋ p} c_k a_k − Σ_{k ∋ p} c_k b_k,      r_p = c′ (h_p/α − y_p)
/// Σ_{p ∈ k} r_p,  Σ_{p ∈ k} r_p x_p                     (one suffix or prefix sum each)
/// Σ_{p ∈ k} r_p z_kp = a_k Σ r_p x_p − b_k Σ r_p
/// ```
/// the neurons' coefficients added where their ranges start (suffixes, summed forward) or
/// end (prefixes, summed backward), so that each running sum only adds: no cancellation
/// beyond what the dense sums have (the same terms, distributed differently; the results
/// agree with `reluflow_univariate_field`'s to rounding, O(u·Σ_k |c_k|(|a_k x| + |b_k|))).
/// Exceptions add their terms directly.
///
/// Shared by copies of the network it belongs to, and safe to use from several threads (a
/// lock around each evaluation).
final class KnotSweep: @unchecked Sendable {
    private let lock = NSLock()
    let neuronCount: Int
    let sampleCount: Int
    private let samples: SortedSamples
    private let sortedTargets: [Double]
    /// Per neuron: whether its range is a suffix (else a prefix), and where it starts
    /// (suffix) or ends (prefix) among the sorted positions.
    private var isSuffix: [Bool]
    private var boundary: [Int]
    /// Per neuron: the positions whose gate differs from the range's, and s − [p ∈ range].
    private var exceptions: [[(position: Int, difference: Double)]]
    /// The same, flat, neuron by neuron: what an evaluation reads (one array, not m), and
    /// how far the pattern is from ranges (`sums` and `candidateSurfaces` give up beyond
    /// n + m of them).
    private var flatExceptions: [(neuron: Int, position: Int, difference: Double)] = []
    /// The pattern and revision the ranges describe. Held strongly (m·n numbers kept alive
    /// with the network after its run), so that no later pattern can take its address and
    /// identity is `===`: a weak reference gives the pattern a side table, which made every
    /// retain and release of it, in each jump and evaluation, the runtime's slow path.
    private var pattern: GatePattern?
    private var revision = 0
    private var isChanged: [Bool]
    private var changedNeurons: [Int] = []
    private let buffers = ScratchBuffers()
    /// Per position: the coefficients Σ c_k a_k and Σ c_k b_k of the suffixes (forward) and
    /// prefixes (backward), the exceptions' terms of h_p, the pulls r_p; running sums of r
    /// and r x from both ends.
    private let suffixSlopes, suffixKnots, prefixSlopes, prefixKnots, exceptionTerms, pulls: UnsafeMutablePointer<Double>
    private let backwardPulls, backwardMoments, forwardPulls, forwardMoments: UnsafeMutablePointer<Double>

    /// The neurons in ascending order of their knots at the last `squaredResiduals`, the
    /// knots e_k then, and the forward part of each f(x_p).
    private let knotOrder: UnsafeMutablePointer<Int>
    private let knotPositions, forwardOutputs: UnsafeMutablePointer<Double>

    /// The pattern's gates sample by sample, s_ki at gatesBySample[i·m + k]: the neurons
    /// active on one sample in one contiguous row (a jump's), where the pattern has them n
    /// apart. Kept with the ranges.
    private let gatesBySample: UnsafeMutablePointer<Double>

    /// The three per-neuron sums of `withSums` (3m numbers) and the jumps' passes over their
    /// samples (`withGates`): kept, so that an evaluation allocates nothing.
    private let neuronSums: UnsafeMutablePointer<Double>
    private let jumpPasses: JumpSampleCache

    /// - Parameter dimension: the network's state size (the jumps' `JumpSampleCache`).
    init(samples: SortedSamples, targets: [Double], neuronCount: Int, dimension: Int) {
        let n = samples.count
        self.neuronCount = neuronCount
        sampleCount = n
        self.samples = samples
        sortedTargets = samples.order.map { targets[$0] }
        isSuffix = Array(repeating: true, count: neuronCount)
        boundary = Array(repeating: n, count: neuronCount)
        exceptions = Array(repeating: [], count: neuronCount)
        isChanged = Array(repeating: false, count: neuronCount)
        changedNeurons.reserveCapacity(neuronCount)
        suffixSlopes = buffers.doubles(n)
        suffixKnots = buffers.doubles(n)
        prefixSlopes = buffers.doubles(n)
        prefixKnots = buffers.doubles(n)
        exceptionTerms = buffers.doubles(n)
        pulls = buffers.doubles(n)
        backwardPulls = buffers.doubles(n + 1)
        backwardMoments = buffers.doubles(n + 1)
        forwardPulls = buffers.doubles(n + 1)
        forwardMoments = buffers.doubles(n + 1)
        knotOrder = .allocate(capacity: max(neuronCount, 1))
        knotOrder.initialize(from: Array(0..<neuronCount), count: neuronCount)
        knotPositions = buffers.doubles(neuronCount)
        forwardOutputs = buffers.doubles(n)
        gatesBySample = buffers.doubles(n * neuronCount)
        neuronSums = buffers.doubles(3 * neuronCount)
        jumpPasses = JumpSampleCache(dimension: dimension, sampleCount: n, neuronCount: neuronCount, buffers: buffers)
    }

    deinit {
        knotOrder.deallocate()
    }

    /// Calls `body` with the gates s_ki of sample i, k = 0..<m in a row, and the jumps' kept
    /// passes (`JumpScratch.kept`), when `gates` is the buffer of the pattern the ranges were
    /// last brought to (brought up to date first, the passes forgotten if it changed);
    /// returns nil, calling nothing, for any other gates.
    func withGates<Result>(ofSample i: Int, in gates: UnsafePointer<Double>,
                           _ body: (UnsafePointer<Double>, JumpScratch) -> Result) -> Result? {
        lock.lock()
        defer { lock.unlock() }
        guard let pattern, pattern.gates == gates else { return nil }
        update(to: pattern)
        return body(gatesBySample + i * neuronCount, .kept(jumpPasses))
    }

    /// Σ_p (f(x_p)/α − y_p)² with f(x) = Σ_k c_k max(a_k x − b_k, 0) (a_k = 1 when `slopes`
    /// is nil), in O(n + m) after sorting the knots e_k = b_k/a_k (an insertion sort from
    /// the last call's order: knots move little between calls). Neuron k is active where
    /// a_k x > b_k: right of its knot for a_k > 0 (summed in a forward sweep over the sorted
    /// samples), left of it for a_k < 0 (a backward sweep), everywhere or nowhere for
    /// a_k = 0 (−b_k > 0 or not), so f(x_p) = x_p Σ c_k a_k − Σ c_k b_k over the active ones.
    /// Where a_k x_p and b_k round to the same side of the knot differently from e_k, z_kp
    /// is within rounding of 0 and so is its term. Agrees with the dense sum
    /// (`reluflow_univariate_squared_residuals`) to the rounding of the sums.
    ///
    /// - Returns: nil for parameters that are not all finite (the dense sum keeps NaN).
    func squaredResiduals(slopes: UnsafePointer<Double>?, knots: UnsafePointer<Double>, outer: UnsafePointer<Double>,
                          alpha: Double) -> Double? {
        lock.lock()
        defer { lock.unlock() }
        let m = neuronCount, n = sampleCount
        var constant = 0.0
        for k in 0..<m {
            let a = slopes?[k] ?? 1, b = knots[k], c = outer[k]
            guard a.isFinite, b.isFinite, c.isFinite else { return nil }
            if a == 0 {
                if -b > 0 { constant += c * -b }
                knotPositions[k] = .infinity
            } else {
                knotPositions[k] = slopes == nil ? b : b / a
            }
        }
        for i in 1..<max(m, 1) {
            let k = knotOrder[i], e = knotPositions[k]
            var j = i
            while j > 0, knotPositions[knotOrder[j - 1]] > e {
                knotOrder[j] = knotOrder[j - 1]
                j -= 1
            }
            knotOrder[j] = k
        }
        return samples.inputs.withUnsafeBufferPointer { inputBuffer in
            sortedTargets.withUnsafeBufferPointer { targetBuffer in
                let x = inputBuffer.baseAddress!, y = targetBuffer.baseAddress!
                // Knots right-active (a_k > 0) left of x_p, summed forward.
                var next = 0, slopeSum = 0.0, knotSum = 0.0
                for p in 0..<n {
                    while next < m, knotPositions[knotOrder[next]] < x[p] {
                        let k = knotOrder[next], a = slopes?[k] ?? 1
                        if a > 0 {
                            slopeSum += outer[k] * a
                            knotSum += outer[k] * knots[k]
                        }
                        next += 1
                    }
                    forwardOutputs[p] = x[p] * slopeSum - knotSum
                }
                // Knots left-active (a_k < 0) right of x_p, summed backward; then the residuals.
                var sum = 0.0
                next = m - 1
                slopeSum = 0
                knotSum = 0
                for p in stride(from: n - 1, through: 0, by: -1) {
                    while next >= 0, knotPositions[knotOrder[next]] > x[p] {
                        let k = knotOrder[next], a = slopes?[k] ?? 1
                        if a < 0 {
                            slopeSum += outer[k] * a
                            knotSum += outer[k] * knots[k]
                        }
                        next -= 1
                    }
                    let output = forwardOutputs[p] + (x[p] * slopeSum - knotSum) + constant
                    let r = output / alpha - y[p]
                    sum += r * r
                }
                return sum
            }
        }
    }

    /// The network's sums for the pattern, as `reluflow_univariate_field` defines them
    /// (per neuron Σ ω z, Σ ω x and Σ ω with ω_kp = r_p s_kp), from a_k (nil: all 1), b_k,
    /// c_k, α and c′, handed to `use` (in the sweep's own buffer, valid during the call).
    ///
    /// - Returns: `use`'s result; nil, calling nothing, when the pattern is too far from
    ///   ranges for the sweep to pay (more than n + m exceptions): the caller then sums densely.
    func withSums<Result>(pattern: GatePattern, slopes: UnsafePointer<Double>?, knots: UnsafePointer<Double>,
                          outer: UnsafePointer<Double>, alpha: Double, pullFactor: Double,
                          _ use: (_ outputSums: UnsafePointer<Double>, _ slopeSums: UnsafePointer<Double>,
                                  _ knotSums: UnsafePointer<Double>) -> Result) -> Result? {
        lock.lock()
        defer { lock.unlock() }
        guard writeSums(pattern: pattern, slopes: slopes, knots: knots, outer: outer, alpha: alpha, pullFactor: pullFactor)
        else { return nil }
        let m = neuronCount
        return use(neuronSums, neuronSums + m, neuronSums + 2 * m)
    }

    /// `withSums`'s sums into `neuronSums` (the caller holds the lock); false, writing
    /// nothing, where the sweep does not pay.
    private func writeSums(pattern: GatePattern, slopes: UnsafePointer<Double>?, knots: UnsafePointer<Double>,
                           outer: UnsafePointer<Double>, alpha: Double, pullFactor: Double) -> Bool {
        let outputSums = neuronSums, slopeSums = neuronSums + neuronCount, knotSums = neuronSums + 2 * neuronCount
        update(to: pattern)
        guard flatExceptions.count <= sampleCount + neuronCount else { return false }
        let n = sampleCount, m = neuronCount
        samples.inputs.withUnsafeBufferPointer { inputBuffer in
            sortedTargets.withUnsafeBufferPointer { targetBuffer in
                let x = inputBuffer.baseAddress!, y = targetBuffer.baseAddress!
                // The neurons' coefficients, added where their ranges begin; h_p's exception
                // terms.
                suffixSlopes.update(repeating: 0, count: n)
                suffixKnots.update(repeating: 0, count: n)
                prefixSlopes.update(repeating: 0, count: n)
                prefixKnots.update(repeating: 0, count: n)
                exceptionTerms.update(repeating: 0, count: n)
                boundary.withUnsafeBufferPointer { boundary in
                    isSuffix.withUnsafeBufferPointer { isSuffix in
                        for k in 0..<m {
                            let a = slopes?[k] ?? 1, b = knots[k], c = outer[k], edge = boundary[k]
                            if isSuffix[k] {
                                if edge < n {
                                    suffixSlopes[edge] += c * a
                                    suffixKnots[edge] += c * b
                                }
                            } else if edge > 0 {
                                prefixSlopes[edge - 1] += c * a
                                prefixKnots[edge - 1] += c * b
                            }
                        }
                    }
                }
                flatExceptions.withUnsafeBufferPointer { exceptions in
                    for (k, p, difference) in exceptions {
                        let a = slopes?[k] ?? 1, b = knots[k], c = outer[k]
                        exceptionTerms[p] += difference * (c * (a * x[p] - b))
                    }
                }
                // The prefixes' coefficients summed backward, then h_p and r_p forward with the
                // suffixes' coefficients and the forward sums of r and r x; then the backward
                // sums. Running sums in registers: one dependent add per element and sum.
                var slopeSum = 0.0, knotSum = 0.0
                for p in stride(from: n - 1, through: 0, by: -1) {
                    slopeSum += prefixSlopes[p]
                    knotSum += prefixKnots[p]
                    prefixSlopes[p] = slopeSum
                    prefixKnots[p] = knotSum
                }
                slopeSum = 0
                knotSum = 0
                var pullSum = 0.0, momentSum = 0.0
                forwardPulls[0] = 0
                forwardMoments[0] = 0
                for p in 0..<n {
                    slopeSum += suffixSlopes[p]
                    knotSum += suffixKnots[p]
                    let h = x[p] * (slopeSum + prefixSlopes[p]) - (knotSum + prefixKnots[p]) + exceptionTerms[p]
                    let r = pullFactor * (h / alpha - y[p])
                    pulls[p] = r
                    pullSum += r
                    momentSum += r * x[p]
                    forwardPulls[p + 1] = pullSum
                    forwardMoments[p + 1] = momentSum
                }
                pullSum = 0
                momentSum = 0
                backwardPulls[n] = 0
                backwardMoments[n] = 0
                for p in stride(from: n - 1, through: 0, by: -1) {
                    pullSum += pulls[p]
                    momentSum += pulls[p] * x[p]
                    backwardPulls[p] = pullSum
                    backwardMoments[p] = momentSum
                }
                boundary.withUnsafeBufferPointer { boundary in
                    isSuffix.withUnsafeBufferPointer { isSuffix in
                        for k in 0..<m {
                            let a = slopes?[k] ?? 1, b = knots[k], edge = boundary[k]
                            let pullSum = isSuffix[k] ? backwardPulls[edge] : forwardPulls[edge]
                            let momentSum = isSuffix[k] ? backwardMoments[edge] : forwardMoments[edge]
                            (outputSums[k], slopeSums[k], knotSums[k]) = (a * momentSum - b * pullSum, momentSum, pullSum)
                        }
                    }
                }
                flatExceptions.withUnsafeBufferPointer { exceptions in
                    for (k, p, difference) in exceptions {
                        let a = slopes?[k] ?? 1, b = knots[k], weight = difference * pulls[p]
                        knotSums[k] += weight
                        slopeSums[k] += weight * x[p]
                        outputSums[k] += weight * (a * x[p] - b)
                    }
                }
            }
        }
        return true
    }

    /// The surfaces k·n + i that can be the first to change sign while `pattern` holds:
    /// neuron k's knot lies between the last sample outside its range and the first inside
    /// (or the other way round), and moves continuously, so it first meets one of those two
    /// (every sample with the same x, for ties). An empty or full range names both extreme
    /// samples: a knot of the full form beyond the data goes out to infinity as a_k passes
    /// 0 and comes back from the other side. The exceptions' samples are named too, and every
    /// sample of a neuron with a_k = 0 (`slopes`; its surfaces all cross at once when b_k
    /// does).
    ///
    /// - Returns: false, appending nothing, when the pattern is too far from ranges.
    func candidateSurfaces(for pattern: GatePattern, slopes: UnsafePointer<Double>?, into surfaces: inout [Int]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        update(to: pattern)
        guard flatExceptions.count <= sampleCount + neuronCount else { return false }
        let n = sampleCount
        func addSamples(at position: Int, of k: Int) {
            let x = samples.inputs[position]
            var first = position, last = position
            while first > 0, samples.inputs[first - 1] == x { first -= 1 }
            while last < n - 1, samples.inputs[last + 1] == x { last += 1 }
            for p in first...last { surfaces.append(k * n + samples.order[p]) }
        }
        for k in 0..<neuronCount {
            let edge = boundary[k]
            if slopes?[k] == 0 {
                for i in 0..<n { surfaces.append(k * n + i) }
            } else if edge == 0 || edge == n {
                addSamples(at: 0, of: k)
                addSamples(at: n - 1, of: k)
            } else {
                addSamples(at: edge - 1, of: k)
                addSamples(at: edge, of: k)
            }
            for (p, _) in exceptions[k] { addSamples(at: p, of: k) }
        }
        return true
    }

    /// Brings the ranges to `pattern`: the neurons its journal names since the revision last
    /// seen, or all of them for another pattern or a journal that no longer reaches back.
    private func update(to pattern: GatePattern) {
        let n = sampleCount
        if pattern !== self.pattern || pattern.revision != revision { jumpPasses.invalidate() }
        if pattern === self.pattern, let changes = pattern.changes(since: revision) {
            for j in changes where !isChanged[j / n] {
                isChanged[j / n] = true
                changedNeurons.append(j / n)
            }
            guard !changedNeurons.isEmpty else {
                revision = pattern.revision
                return
            }
            for j in changes { gatesBySample[j % n * neuronCount + j / n] = pattern.gates[j] }
            for k in changedNeurons {
                describe(neuron: k, gates: pattern.gates)
                isChanged[k] = false
            }
            changedNeurons.removeAll(keepingCapacity: true)
        } else {
            for k in 0..<neuronCount {
                describe(neuron: k, gates: pattern.gates)
                for i in 0..<n { gatesBySample[i * neuronCount + k] = pattern.gates[k * n + i] }
            }
            self.pattern = pattern
        }
        revision = pattern.revision
        flatExceptions.removeAll(keepingCapacity: true)
        for k in 0..<neuronCount {
            for (p, difference) in exceptions[k] { flatExceptions.append((k, p, difference)) }
        }
    }

    /// Neuron k's range and exceptions from its gates (`SortedSamples.describe`).
    private func describe(neuron k: Int, gates: UnsafePointer<Double>) {
        (isSuffix[k], boundary[k]) = samples.describe(gates + k * sampleCount, exceptions: &exceptions[k])
    }
}
