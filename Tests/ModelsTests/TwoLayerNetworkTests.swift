import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `TwoLayerNetwork`: its field against the loss, its switching functions, the layer
/// balance through crossings and sliding, and the train-only-a limit in closed form.
@Suite struct TwoLayerNetworkTests {
    static let options = FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)

    @Test("The field is minus the loss gradient of the trained groups (central differences)",
          arguments: [(OutputScaling.none, true), (.sqrtWidth, true), (.width, false)])
    func fieldIsNegativeLossGradient(scaling: OutputScaling, bias: Bool) throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 3, bias: bias)
        for trained in [Set(TwoLayerNetwork.Group.allCases).filter { bias || $0 != .biases }, [.outputs], [.weights]] {
            let model = try instance.model(scaling: scaling, trained: Set(trained))
            let theta = instance.initial
            var field = [Double](repeating: 0, count: model.dimension)
            model.evaluate(at: theta, gates: model.signGates(at: theta), field: &field, switching: nil)
            let gradient = centralDifferenceGradient(of: { model.loss(at: $0) }, at: theta)
            let layout = model.parameterLayout
            var offset = 0
            for group in layout.groups {
                let isTrained = trained.contains(TwoLayerNetwork.Group(rawValue: group.name)!)
                for r in offset..<(offset + group.count) {
                    // Piecewise polynomial loss, no surface within h = 1e-6 of a random θ:
                    // differences are good to ~h²·L''' + ε·L/h ≈ 1e-10; measured ≤ 3.5e-11.
                    #expect(abs(field[r] + (isTrained ? gradient[r] : 0)) <= 3e-10, "\(group.name) entry \(r - offset)")
                }
                offset += group.count
            }
        }
    }

    /// `JumpProvidingSystem`: the engine slides with these jumps instead of differences of
    /// evaluations, so they must be those differences, off the surface too (z_ki ≠ 0, the
    /// drift a slide leaves) and with other gates fractional (sliding neighbours); and on its
    /// surface a jump lies in its own neuron's coordinates, which the engine's block-by-block
    /// equivalent control relies on.
    @Test("Each pair's jump is F(s = 1) − F(s = 0) with the other gates as they are; on its surface other neurons' surfaces do not see it; one surface's rate is the full rates' entry",
          arguments: [(OutputScaling.none, true), (.sqrtWidth, false)])
    func jumpsAreFieldDifferences(scaling: OutputScaling, bias: Bool) throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 6, bias: bias)
        for trained in [Set(TwoLayerNetwork.Group.allCases).filter { bias || $0 != .biases }, [.outputs], [.weights]] {
            let model = try instance.model(scaling: scaling, trained: Set(trained))
            var generator = SeededGenerator(seed: 8)
            let (worst, ratesAgree, crossBlockRate) = jumpErrorsWithFractionalGates(of: model, at: instance.initial,
                                                                                every: 7, using: &generator)
            #expect(ratesAgree)
            // At the foot z_ki is the rounding of w_k·x_i + b_k, so Δr_i = −(c/α²)u_k z_ki and
            // the cross-block rates it makes are a few ε of the terms (measured ≤ 6.2e-14,
            // the log-scale model's; 1.5e-14 two-layer, 1.3e-15 univariate).
            #expect(crossBlockRate <= 2.5e-13)
            // The same products summed in another order: rounding of the field's size.
            #expect(worst <= 1e-14)
        }
    }

    /// The loss runs eight samples at a time (`affineLoss`), lanes past the data zeroed: it
    /// must be the plain sum c_L Σ_i (f(x_i) − y_i)², also over a last block of 5 of 8
    /// samples, to the rounding of that sum (n + m terms, γ_N·Σ|terms|).
    @Test("The loss is c_L Σ_i (f(x_i) − y_i)² to the rounding of the sum")
    func lossIsTheSampleBySampleSum() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 9, inputDimension: 4, samples: 13, width: 6)
        for normalization in [LossNormalization.halfSum, .halfMean] {
            let model = try instance.model(scaling: .sqrtWidth, normalization: normalization)
            let theta = instance.initial, d = 4, m = 6, alpha = Double(m).squareRoot()
            var sum = 0.0, magnitude = 0.0
            for (i, x) in instance.rows.enumerated() {
                var output = 0.0, outputTerms = 0.0
                for k in 0..<m {
                    let z = (0..<d).reduce(theta[m * d + k]) { $0 + x[$1] * theta[k * d + $1] }
                    output += theta[m * d + m + k] * max(z, 0)
                    outputTerms += abs(theta[m * d + m + k]) * (0..<d).reduce(abs(theta[m * d + k])) {
                        $0 + abs(x[$1] * theta[k * d + $1])
                    }
                }
                let residual = output / alpha - instance.targets[i]
                sum += residual * residual
                magnitude += residual * residual + 2 * abs(residual) * (outputTerms / alpha + abs(instance.targets[i]))
            }
            let factor = normalization == .halfSum ? 0.5 : 0.5 / 13
            let terms = Double(13 + m + d), gamma = terms * Double.ulpOfOne / (1 - terms * Double.ulpOfOne)
            #expect(abs(model.loss(at: theta) - factor * sum) <= gamma * factor * magnitude)
        }
    }

    @Test("Switching values are w_k·x_i + b_k, surface k·n + i, labelled (k, i)")
    func switchingValuesArePreActivations() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 5)
        let model = try instance.model()
        let theta = instance.initial, d = 3, n = instance.rows.count
        var field = [Double](repeating: 0, count: model.dimension)
        var g = [Double](repeating: 0, count: model.surfaceCount)
        model.evaluate(at: theta, gates: model.signGates(at: theta), field: &field, switching: &g)
        for k in 0..<instance.width {
            for (i, x) in instance.rows.enumerated() {
                let direct = (0..<d).reduce(theta[instance.width * d + k]) { $0 + theta[k * d + $1] * x[$1] }
                #expect(abs(g[k * n + i] - direct) <= 1e-14 * max(1, abs(direct)))
                #expect(model.surfaceLabel(k * n + i) == SurfaceLabel(neuron: k, sample: i))
            }
        }
    }

    /// The field runs eight samples at a time in vector lanes, sums lane-wise over the blocks
    /// and reduces the lanes at the end, and forms a_k's entry as w_k·Σω x + b_k Σω: another
    /// order than a plain sample-by-sample loop, so the two agree to the rounding of the sums,
    /// bounded by γ_N·Σ|terms| with N = n + d + 2 terms per entry (Higham, *Accuracy and
    /// Stability of Numerical Algorithms*, §4.2), also over a last block of 5 of 8 samples and
    /// with fractional gates (sliding pairs). The order is fixed: a second evaluation is equal
    /// to the bit.
    @Test("The field equals the sample-by-sample sums of its terms to their rounding, and is the same on every evaluation")
    func fieldIsTheSampleBySampleSum() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 9, inputDimension: 4, samples: 13, width: 6)
        let model = try instance.model(scaling: .sqrtWidth, normalization: .halfSum)
        let theta = instance.initial, d = 4, n = 13, m = 6, alpha = Double(m).squareRoot()
        var gates = model.signGates(at: theta)
        for j in stride(from: 1, to: gates.count, by: 5) { gates[j] = 0.375 }
        var field = [Double](repeating: 0, count: model.dimension), again = field
        model.evaluate(at: theta, gates: gates, field: &field, switching: nil)
        model.evaluate(at: theta, gates: gates, field: &again, switching: nil)
        var expected = [Double](repeating: 0, count: model.dimension), magnitude = expected
        for (i, x) in instance.rows.enumerated() {
            let z = (0..<m).map { k in (0..<d).reduce(theta[m * d + k]) { $0 + x[$1] * theta[k * d + $1] } }
            let output = (0..<m).reduce(0.0) { $0 + theta[m * d + m + $1] * gates[$1 * n + i] * z[$1] }
            let pull = -1 / alpha * (output / alpha - instance.targets[i])
            for k in 0..<m where gates[k * n + i] != 0 {
                let weight = pull * gates[k * n + i], a = theta[m * d + m + k]
                expected[m * d + m + k] += weight * z[k]
                magnitude[m * d + m + k] += abs(weight) * (0..<d).reduce(abs(theta[m * d + k])) { $0 + abs(x[$1] * theta[k * d + $1]) }
                for l in 0..<d {
                    expected[k * d + l] += weight * a * x[l]
                    magnitude[k * d + l] += abs(weight * a * x[l])
                }
                expected[m * d + k] += weight * a
                magnitude[m * d + k] += abs(weight * a)
            }
        }
        let terms = Double(n + d + 2), gamma = terms * Double.ulpOfOne / (1 - terms * Double.ulpOfOne)
        for r in 0..<model.dimension { #expect(abs(field[r] - expected[r]) <= gamma * magnitude[r], "entry \(r)") }
        #expect(field == again)
    }

    /// Bit patterns of the field, the switching values and their rates at a teacher–student
    /// instance with fractional gates.
    static func fieldBits(d: Int, n: Int, m: Int, bias: Bool) throws -> () -> [UInt64] {
        let instance = TwoLayerInstance.teacherStudent(seed: 11, inputDimension: d, samples: n, width: m, bias: bias)
        let model = try instance.model(scaling: .sqrtWidth, normalization: .halfSum)
        var gates = model.signGates(at: instance.initial)
        for j in stride(from: 2, to: gates.count, by: 7) { gates[j] = 0.625 }
        return { [gates] in
            var field = [Double](repeating: 0, count: model.dimension)
            var switching = [Double](repeating: 0, count: model.surfaceCount), rates = switching
            model.evaluate(at: instance.initial, gates: gates, field: &field, switching: &switching)
            model.switchingRates(at: instance.initial, velocity: field, into: &rates)
            return (field + switching + rates).map(\.bitPattern)
        }
    }

    /// A partial last block (n = 203), a neuron count and a dimension that are not multiples of
    /// the kernels' groups of four (m = 7, d = 5), and P1's size without biases.
    @Test("The field, the switching values and their rates are the same to the bit on every vector unit the CPU has",
          .enabled(if: FieldKernels.widestLevel > 0, "the CPU has only the baseline unit"),
          arguments: [(5, 203, 7, true), (10, 200, 50, false)])
    func fieldIsTheSameOnEveryVectorUnit(d: Int, n: Int, m: Int, bias: Bool) throws {
        let bits = try Self.fieldBits(d: d, n: n, m: m, bias: bias)
        let widest = FieldKernels.widestLevel
        #expect(FieldKernels.useLevel(widest) == widest)
        let reference = bits()
        for level in 0..<widest {
            #expect(FieldKernels.useLevel(level) == level)
            let differing = zip(bits(), reference).filter { $0 != $1 }.count
            #expect(differing == 0, "\(FieldKernels.levelNames[level]): \(differing) of \(reference.count) values differ")
        }
        FieldKernels.useLevel(widest)
    }

    /// m·n = 266,240 ≥ 2^18, so the evaluation is split into as many parts as threads.
    @Test("The field, the switching values and their rates are the same to the bit on 1, 2 and 3 threads")
    func fieldIsTheSameOnAnyThreadCount() throws {
        let (d, n, m) = (3, 520, 512)
        let bits = try Self.fieldBits(d: d, n: n, m: m, bias: true)
        let configured = FieldKernels.threads
        var results: [[UInt64]] = []
        for threads in 1...3 {
            FieldKernels.useThreads(threads)
            #expect(FieldKernels.parts(width: m, samples: n) == threads)
            results.append(bits())
        }
        FieldKernels.useThreads(configured)
        for threads in 2...3 {
            let differing = zip(results[threads - 1], results[0]).filter { $0 != $1 }.count
            #expect(differing == 0, "\(threads) threads: \(differing) of \(results[0].count) values differ")
        }
    }

    /// Teacher–student seeds 2 and 4 slide (152 and 34 sliding steps, slide starts and exits
    /// to both sides); seed 0 only crosses.
    @Test("Layer balance a_k² − ‖w_k‖² − b_k² stays constant through crossings and sliding", arguments: [0, 2, 4])
    func layerBalanceIsConserved(seed: Int) throws {
        let instance = TwoLayerInstance.teacherStudent(seed: UInt64(seed))
        let model = try instance.model()
        let result = try FlowSimulator(
            problem: FlowProblem(system: model, initialState: instance.initial, endTime: 30), options: Self.options
        ).run()
        #expect(result.termination == .reachedEndTime)
        #expect(result.timeline.count >= 5)
        if seed != 0 {
            #expect(result.statistics.slidingStepCount > 0)
            #expect(result.timeline.contains { $0.kind == .slideStart })
        }
        let before = model.layerBalance(at: instance.initial), after = model.layerBalance(at: result.finalState)
        // d/dt(a_k² − ‖w_k‖² − b_k²) = 0 exactly, on every side and while sliding (the
        // pairs slid on have g = 0, so their terms vanish from both). The integrator's
        // error in each term, ~rtol·|θ|² per unit time, cancels to rounding: measured
        // ≤ 4.9e-15 over t = 30.
        for (b, a) in zip(before, after) { #expect(abs(a - b) <= 1e-12) }
    }

    /// With W and b frozen the features Φ_{ik} = σ(w_k·x_i + b_k) are fixed and the flow in
    /// a is linear (univariate notes §2.3(b)): ȧ = −(c/α²) ΦᵀΦ a + (c/α) Φᵀy, solved here in
    /// the eigenbasis of ΦᵀΦ.
    @Test("Training only a matches the closed-form linear flow")
    func trainingOnlyOutputsIsLinear() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 8, width: 5)
        let model = try instance.model(scaling: .sqrtWidth, trained: [.outputs], normalization: .halfMean)
        let endTime = 7.0
        let result = try FlowSimulator(
            problem: FlowProblem(system: model, initialState: instance.initial, endTime: endTime), options: Self.options
        ).run()
        #expect(result.termination == .reachedEndTime)
        #expect(result.timeline.isEmpty)  // frozen pre-activations never cross

        let m = instance.width, n = instance.rows.count, d = 3
        let alpha = Double(m).squareRoot(), c = 1.0 / Double(n)
        let phi = instance.rows.map { x in
            (0..<m).map { k in max((0..<d).reduce(instance.initial[m * d + k]) { $0 + instance.initial[k * d + $1] * x[$1] }, 0) }
        }
        var gram = [Double](repeating: 0, count: m * m), pull = [Double](repeating: 0, count: m)
        for i in 0..<n {
            for k in 0..<m {
                pull[k] += c / alpha * phi[i][k] * instance.targets[i]
                for l in 0..<m { gram[k * m + l] += c / (alpha * alpha) * phi[i][k] * phi[i][l] }
            }
        }
        let eigen = SymmetricEigen(symmetric: gram, size: m)
        let a0 = Array(instance.initial[(m * d + m)...])
        var exact = [Double](repeating: 0, count: m)
        for k in 0..<m {
            let v = (0..<m).map { eigen.vectors[$0 * m + k] }
            let lambda = eigen.values[k]
            let u0 = zip(v, a0).reduce(0) { $0 + $1.0 * $1.1 }, p = zip(v, pull).reduce(0) { $0 + $1.0 * $1.1 }
            let u = u0 * exp(-lambda * endTime) - p * (abs(lambda) < 1e-300 ? -endTime : expm1(-lambda * endTime) / lambda)
            for r in 0..<m { exact[r] += u * v[r] }
        }
        let engine = Array(result.finalState[(m * d + m)...])
        // rk8pd at rtol 1e-12 on a smooth linear flow: global error ~1e-13.
        for (e, x) in zip(engine, exact) { #expect(abs(e - x) <= 1e-11) }
        // W and b did not move.
        #expect(Array(result.finalState[..<(m * d + m)]) == Array(instance.initial[..<(m * d + m)]))
    }
}
