import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `UnivariateNetwork` in both forms: its field against the loss, its switching functions,
/// the balance δ through crossings and sliding, the train-only-c limit in closed form, and
/// knots pinned at samples while sliding.
@Suite struct UnivariateNetworkTests {
    /// rk8pd throughout: the balance δ_k is a quadratic invariant, which rk8pd's steps at rtol
    /// 1e-12 keep to rounding (≤ 2.1e-13 below) while msbdf's keep it only to their global
    /// error (measured up to 9.2e-11 on these runs when the stiff change is allowed).
    static let options = FlowOptions(stepper: .rk8pd, stiffStepper: nil, relativeTolerance: 1e-12,
                                     absoluteTolerance: 1e-14)

    /// y = sin(πx) on n equispaced points of [lo, hi] (univariate notes §4, suggested
    /// defaults; plateau notes §5, E5, on [−1, 1]).
    static func sine(samples n: Int, from lo: Double, to hi: Double) throws -> Dataset {
        let xs = (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
        return try Dataset(inputDimension: 1, inputs: xs, targets: xs.map { sin(Double.pi * $0) })
    }

    /// Initial parameters from a seed. Full form: a, b ~ U[−1, 1] (PyTorch's nn.Linear(1, m),
    /// univariate notes §4), c ~ N(0, outputScale²). Knots form: He, b ~ N(0, 2),
    /// c ~ N(0, 2/m) (plateau notes §1.4).
    static func draw(_ model: UnivariateNetwork, using generator: inout SeededGenerator, outputScale: Double = 1) -> [Double] {
        let m = model.width
        switch model.form {
        case .full:
            let a = (0..<m).map { _ in Double.random(in: -1...1, using: &generator) }
            let b = (0..<m).map { _ in Double.random(in: -1...1, using: &generator) }
            return a + b + (0..<m).map { _ in outputScale * generator.normal() }
        case .knots:
            let b = (0..<m).map { _ in 2.0.squareRoot() * generator.normal() }
            return b + (0..<m).map { _ in (2 / Double(m)).squareRoot() * generator.normal() }
        }
    }

    static func switchingValues(_ model: UnivariateNetwork, at theta: [Double]) -> [Double] {
        var field = [Double](repeating: 0, count: model.dimension)
        var g = [Double](repeating: 0, count: model.surfaceCount)
        model.evaluate(at: theta, gates: [Double](repeating: 1, count: model.surfaceCount), field: &field, switching: &g)
        return g
    }

    /// Parameters drawn until every pre-activation is at least 1e-3 from zero, so that no
    /// surface lies within a difference step (1e-6 · max(1, |x|)) of them.
    static func pointOffSurfaces(_ model: UnivariateNetwork, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        while true {
            let theta = draw(model, using: &generator)
            if switchingValues(model, at: theta).allSatisfy({ abs($0) >= 1e-3 }) { return theta }
        }
    }

    // MARK: - Field and switching functions

    /// The field and switching values as a sample-by-sample loop forms them: h_i = Σ_k c_k s_ki
    /// z_ki in neuron order, r_i = −(γ/α)(h_i/α − y_i), and per neuron Σ_i r_i s_ki z_ki,
    /// Σ_i r_i s_ki x_i, Σ_i r_i s_ki in sample order.
    static func sampleBySampleField(_ model: UnivariateNetwork, at theta: [Double], gates: [Double], data: Dataset,
                                    gradientFactor: Double) -> (field: [Double], switching: [Double]) {
        let m = model.width, n = data.sampleCount, full = model.form == .full
        let alpha = full ? Double(m).squareRoot() : 1, offset = full ? m : 0
        var h = [Double](repeating: 0, count: n), switching = [Double](repeating: 0, count: m * n)
        for k in 0..<m {
            let a = full ? theta[k] : 1, b = theta[offset + k], c = theta[offset + m + k]
            for i in 0..<n {
                let z = a * data.inputs[i] - b
                switching[k * n + i] = z
                h[i] += c * gates[k * n + i] * z
            }
        }
        let pulls = (0..<n).map { -gradientFactor / alpha * (h[$0] / alpha - data.targets[$0]) }
        var field = [Double](repeating: 0, count: model.dimension)
        for k in 0..<m {
            let a = full ? theta[k] : 1, b = theta[offset + k], c = theta[offset + m + k]
            var outputSum = 0.0, slopeSum = 0.0, knotSum = 0.0
            for i in 0..<n {
                let weighted = pulls[i] * gates[k * n + i], x = data.inputs[i]
                outputSum += weighted * (a * x - b)
                slopeSum += weighted * x
                knotSum += weighted
            }
            field[offset + m + k] = outputSum
            if full { field[k] = c * slopeSum }
            field[offset + k] = -c * knotSum
        }
        return (field, switching)
    }

    /// m = 13 neurons on sin(πx) at n = 37 points of [−1, 1] (mean loss; α = √m in the full
    /// form), θ drawn from `seed`: a full group of eight neurons and a part group, four whole
    /// blocks of eight samples and a part block.
    static func thirteenNeuronsOnSine(_ form: UnivariateNetwork.Form, seed: UInt64) throws
        -> (data: Dataset, model: UnivariateNetwork, theta: [Double])
    {
        let data = try sine(samples: 37, from: -1, to: 1)
        let model = try UnivariateNetwork(data: data, width: 13, form: form, scaling: form == .full ? .sqrtWidth : .none,
                                          normalization: .mean)
        var generator = SeededGenerator(seed: seed)
        return (data, model, draw(model, using: &generator))
    }

    @Test("The field and switching values are a sample-by-sample loop's to the bit, on every vector unit the CPU has",
          arguments: UnivariateNetwork.Form.allCases)
    func fieldIsTheSampleBySampleLoop(form: UnivariateNetwork.Form) throws {
        let (data, model, theta) = try Self.thirteenNeuronsOnSine(form, seed: 21)
        var gates = Self.switchingValues(model, at: theta).map { $0 > 0 ? 1.0 : 0.0 }
        for j in stride(from: 3, to: gates.count, by: 11) { gates[j] = 0.3125 }
        let expected = Self.sampleBySampleField(model, at: theta, gates: gates, data: data,
                                                gradientFactor: LossNormalization.mean.gradientFactor(sampleCount: 37))
        let widest = FieldKernels.widestLevel
        for level in 0...widest {
            #expect(FieldKernels.useLevel(level) == level)
            var field = [Double](repeating: 0, count: model.dimension)
            var switching = [Double](repeating: 0, count: model.surfaceCount)
            model.evaluate(at: theta, gates: gates, field: &field, switching: &switching)
            #expect(field.map(\.bitPattern) == expected.field.map(\.bitPattern), "\(FieldKernels.levelNames[level])")
            #expect(switching.map(\.bitPattern) == expected.switching.map(\.bitPattern))
        }
        FieldKernels.useLevel(widest)
    }

    /// A knot put exactly on a sample gives z = 0 there, the edge of σ; a NaN knot gives
    /// NaN, which Swift's max(NaN, 0) keeps (a kernel taking z > 0 ? z : 0 would not).
    @Test("The loss is a sample-by-sample loop's c_L Σ_i (Σ_k c_k max(z_ki, 0) / α − y_i)² to the bit",
          arguments: UnivariateNetwork.Form.allCases)
    func lossIsTheSampleBySampleLoop(form: UnivariateNetwork.Form) throws {
        let (data, model, drawn) = try Self.thirteenNeuronsOnSine(form, seed: 23)
        let m = model.width, offset = form == .full ? m : 0
        let alpha = form == .full ? Double(m).squareRoot() : 1
        func sampleBySampleLoss(_ theta: [Double]) -> Double {
            var sum = 0.0
            for i in 0..<data.sampleCount {
                var output = 0.0
                for k in 0..<m {
                    let z = (form == .full ? theta[k] * data.inputs[i] : data.inputs[i]) - theta[offset + k]
                    output += theta[offset + m + k] * max(z, 0)
                }
                let r = output / alpha - data.targets[i]
                sum += r * r
            }
            return LossNormalization.mean.lossFactor(sampleCount: data.sampleCount) * sum
        }
        var theta = drawn
        theta[offset + 2] = (form == .full ? theta[2] : 1) * data.inputs[5]
        #expect(model.loss(at: theta).bitPattern == sampleBySampleLoss(theta).bitPattern)
        theta[offset + 4] = .nan
        #expect(sampleBySampleLoss(theta).isNaN)
        #expect(model.loss(at: theta).isNaN)
    }

    @Test("The field is minus the loss gradient of the trained groups (central differences)",
          arguments: [(UnivariateNetwork.Form.knots, OutputScaling.none, LossNormalization.halfSum),
                      (.knots, .none, .mean), (.full, .none, .halfSum), (.full, .sqrtWidth, .halfMean),
                      (.full, .width, .mean)])
    func fieldIsNegativeLossGradient(form: UnivariateNetwork.Form, scaling: OutputScaling,
                                     normalization: LossNormalization) throws {
        let data = try Self.sine(samples: 12, from: -1, to: 1)
        let subsets: [Set<UnivariateNetwork.Group>] = [Set(form.groups), [.outputs], [.biases]]
            + (form == .full ? [[.weights], [.weights, .biases]] : [])
        for trained in subsets {
            let model = try UnivariateNetwork(data: data, width: 5, form: form, scaling: scaling, trained: trained,
                                              normalization: normalization)
            for seed in 0..<4 {
                let theta = Self.pointOffSurfaces(model, seed: UInt64(seed))
                var field = [Double](repeating: 0, count: model.dimension)
                model.evaluate(at: theta, gates: model.signGates(at: theta), field: &field, switching: nil)
                let gradient = centralDifferenceGradient(of: { model.loss(at: $0) }, at: theta)
                var offset = 0
                for group in model.parameterLayout.groups {
                    let isTrained = trained.contains(UnivariateNetwork.Group(rawValue: group.name)!)
                    for r in offset..<(offset + group.count) {
                        // Piecewise polynomial loss, no surface within a step h = 1e-6: the
                        // truncation error h²·L‴/6 is ~1e-13 and rounding, ε·L/h ≈ 2.2e-10·L,
                        // dominates (measured ≤ 2.1e-10·max(1, L) over all cases).
                        #expect(abs(field[r] + (isTrained ? gradient[r] : 0)) <= 1e-9 * max(1, model.loss(at: theta)),
                                "\(group.name) entry \(r - offset), trained \(trained.map(\.rawValue).sorted())")
                    }
                    offset += group.count
                }
            }
        }
    }

    /// `UnivariateNetwork.jacobian` against Richardson-extrapolated central differences of
    /// the field (`richardsonJacobianError`: the field is a polynomial of degree 3 in θ for
    /// fixed gates, so the extrapolation is exact up to rounding, ~1e-13 at h = 1e-2), with
    /// some gates fractional (sliding pairs), for both forms and the trained subsets.
    @Test("The Jacobian is the exact derivative of the field for fixed (also fractional) gates",
          arguments: UnivariateNetwork.Form.allCases)
    func jacobianIsTheFieldDerivative(form: UnivariateNetwork.Form) throws {
        let data = try Self.sine(samples: 9, from: -1, to: 1)
        let subsets: [Set<UnivariateNetwork.Group>] = [Set(form.groups), [.outputs], [.biases]]
            + (form == .full ? [[.weights, .biases]] : [])
        for trained in subsets {
            for normalization in [LossNormalization.halfMean, .halfSum] {
                let model = try UnivariateNetwork(data: data, width: 4, form: form,
                                                  scaling: form == .full ? .sqrtWidth : .none, trained: trained,
                                                  normalization: normalization)
                var generator = SeededGenerator(seed: 11)
                let theta = Self.draw(model, using: &generator)
                var gates = model.signGates(at: theta)
                for j in stride(from: 0, to: gates.count, by: 5) { gates[j] = Double.random(in: 0...1, using: &generator) }
                let worst = richardsonJacobianError(of: model, at: theta, gates: gates)
                #expect(worst <= 1e-12, "trained \(trained.map(\.rawValue).sorted()), \(normalization)")
            }
        }
    }

    /// `JumpProvidingSystem`: the engine slides with these jumps instead of differences of
    /// evaluations, so they must be those differences, off the surface too (z_ki ≠ 0, the
    /// drift a slide leaves) and with the other gates fractional (sliding neighbours); and
    /// on its surface a jump lies in its own neuron's coordinates, which the engine's
    /// block-by-block equivalent control relies on.
    @Test("Each pair's jump is F(s = 1) − F(s = 0) with the other gates as they are; on its surface other neurons' surfaces do not see it; one surface's rate is the full rates' entry",
          arguments: UnivariateNetwork.Form.allCases)
    func jumpsAreFieldDifferences(form: UnivariateNetwork.Form) throws {
        let data = try Self.sine(samples: 9, from: -1, to: 1)
        let subsets: [Set<UnivariateNetwork.Group>] = [Set(form.groups), [.outputs]] + (form == .full ? [[.weights, .biases]] : [])
        for trained in subsets {
            let model = try UnivariateNetwork(data: data, width: 4, form: form, scaling: form == .full ? .sqrtWidth : .none,
                                              trained: trained, normalization: .halfMean)
            var generator = SeededGenerator(seed: 7)
            let theta = Self.draw(model, using: &generator)
            let (worst, ratesAgree, crossBlockRate) = jumpErrorsWithFractionalGates(of: model, at: theta, every: 5,
                                                                                using: &generator)
            #expect(ratesAgree)
            // At the foot z_ki is the rounding of w_k·x_i + b_k, so Δr_i = −(c/α²)u_k z_ki and
            // the cross-block rates it makes are a few ε of the terms (measured ≤ 6.2e-14,
            // the log-scale model's; 1.5e-14 two-layer, 1.3e-15 univariate).
            #expect(crossBlockRate <= 2.5e-13)
            // The same products summed in another order: rounding of the field's size.
            #expect(worst <= 1e-14)
        }
    }

    @Test("Switching values are x_i − b_k (knots) or a_k x_i − b_k (full) at surface k·n + i, labelled (k, i); rates are x_i·v_a − v_b",
          arguments: UnivariateNetwork.Form.allCases)
    func switchingValuesArePreActivations(form: UnivariateNetwork.Form) throws {
        let data = try Self.sine(samples: 7, from: -1, to: 1)
        let model = try UnivariateNetwork(data: data, width: 4, form: form, normalization: .halfSum)
        #expect(model.dimension == (form == .full ? 12 : 8) && model.surfaceCount == 28)
        #expect(model.parameterLayout.columnNames
            == (form == .full ? ["a1", "a2", "a3", "a4"] : []) + ["b1", "b2", "b3", "b4", "c1", "c2", "c3", "c4"])
        var generator = SeededGenerator(seed: 21)
        let theta = Self.draw(model, using: &generator)
        let gates = model.signGates(at: theta)
        var field = [Double](repeating: 0, count: model.dimension)
        var g = [Double](repeating: 0, count: model.surfaceCount), rates = g
        model.evaluate(at: theta, gates: gates, field: &field, switching: &g)
        model.switchingRates(at: theta, velocity: field, into: &rates)
        let b = form == .full ? 4 : 0
        for k in 0..<4 {
            for (i, x) in data.inputs.enumerated() {
                let direct = (form == .full ? theta[k] * x : x) - theta[b + k]
                let rate = (form == .full ? field[k] * x : 0) - field[b + k]
                // The same product and difference in the same order: measured equal; an ulp
                // is allowed for a compiler that fuses them.
                #expect(abs(g[k * 7 + i] - direct) <= 1e-15 * max(1, abs(direct)))
                #expect(abs(rates[k * 7 + i] - rate) <= 1e-15 * max(1, abs(rate)))
                #expect(model.surfaceLabel(k * 7 + i) == SurfaceLabel(neuron: k, sample: i))
            }
        }
    }

    @Test("Knot positions are b_k (knots form) and b_k/a_k (full form), NaN where a_k = 0")
    func knotPositionsFollowParameters() throws {
        let data = try Self.sine(samples: 5, from: -1, to: 1)
        let knots = try UnivariateNetwork(data: data, width: 3, form: .knots, normalization: .halfSum)
        #expect(knots.knotPositions(at: [0.5, -2, 3, 7, 8, 9]) == [0.5, -2, 3])
        let full = try UnivariateNetwork(data: data, width: 3, form: .full, normalization: .halfSum)
        let positions = full.knotPositions(at: [2, -0.5, 0, 1, 1, 1, 7, 8, 9])
        #expect(positions[0] == 0.5 && positions[1] == -2 && positions[2].isNaN)
        // δ_k = c_k² − a_k² − b_k², all exact in binary.
        #expect(full.balance(at: [2, -0.5, 0, 1, 1, 1, 7, 8, 9]) == [44, 62.75, 80])
    }

    @Test("Inputs that are not 1-D, a scaling on the knots form, and a group the form lacks are rejected")
    func invalidConfigurationsAreRejected() throws {
        let planar = try Dataset(rows: [[0, 1], [1, 0]], targets: [1, 2])
        #expect(throws: ModelError.self) { try UnivariateNetwork(data: planar, width: 2, form: .full, normalization: .halfSum) }
        let data = try Self.sine(samples: 5, from: -1, to: 1)
        #expect(throws: ModelError.self) { try UnivariateNetwork(data: data, width: 0, form: .full, normalization: .halfSum) }
        #expect(throws: ModelError.self) {
            try UnivariateNetwork(data: data, width: 2, form: .knots, scaling: .sqrtWidth, normalization: .halfSum)
        }
        #expect(throws: ModelError.self) {
            try UnivariateNetwork(data: data, width: 2, form: .knots, trained: [.weights, .outputs], normalization: .halfSum)
        }
        let model = try UnivariateNetwork(data: data, width: 2, form: .knots, normalization: .halfSum)
        #expect(model.trained == [.biases, .outputs])
    }

    // MARK: - Flows

    /// A flow run with the surfaces slid on tracked from the timeline: the worst distance
    /// between a sliding neuron's knot and its sample, and (full form) the worst change of
    /// any δ_k, over every event and accepted step.
    struct TrackedFlow {
        let result: FlowResult
        let worstKnotOffset: Double
        let worstBalanceDrift: Double
    }

    static func track(_ model: UnivariateNetwork, from theta: [Double], until endTime: Double,
                      options: FlowOptions = Self.options) throws -> TrackedFlow {
        var sliding = Set<Int>()
        var worstKnotOffset = 0.0, worstBalanceDrift = 0.0
        let initialBalance = model.form == .full ? model.balance(at: theta) : []
        let n = model.data.sampleCount
        let check = { (state: UnsafeBufferPointer<Double>) in
            let parameters = Array(state)
            let knots = model.knotPositions(at: parameters)
            for j in sliding {
                worstKnotOffset = max(worstKnotOffset, abs(knots[j / n] - model.data.inputs[j % n]))
            }
            guard model.form == .full else { return }
            for (now, start) in zip(model.balance(at: parameters), initialBalance) {
                worstBalanceDrift = max(worstBalanceDrift, abs(now - start))
            }
        }
        let observer = FlowObserver(didAdvance: { _, state in check(state) }, didRecordEvent: { event, state in
            switch event.kind {
            case .slideStart, .chattering: sliding.insert(event.surface)
            case .slideEnd: sliding.remove(event.surface)
            case .crossing, .choice, .watched: break
            }
            check(state)
        })
        let result = try FlowSimulator(
            problem: FlowProblem(system: model, initialState: theta, endTime: endTime), options: options
        ).run(observer: observer)
        return TrackedFlow(result: result, worstKnotOffset: worstKnotOffset, worstBalanceDrift: worstBalanceDrift)
    }

    @Test("δ_k = c_k² − a_k² − b_k² stays constant through crossings and sliding (full form, sin(πx))",
          arguments: [(2, OutputScaling.sqrtWidth), (5, .sqrtWidth), (5, .width), (1, .none)])
    func balanceIsConserved(seed: Int, scaling: OutputScaling) throws {
        let data = try Self.sine(samples: 10, from: -0.9, to: 0.9)
        let model = try UnivariateNetwork(data: data, width: 6, form: .full, scaling: scaling, normalization: .halfSum)
        var generator = SeededGenerator(seed: UInt64(seed))
        let theta = Self.draw(model, using: &generator, outputScale: 3)
        let flow = try Self.track(model, from: theta, until: 200)
        let timeline = flow.result.timeline
        #expect(flow.result.termination == .reachedEndTime)
        // Not vacuous: these runs cross 8–15 times, start sliding 2–9 times and leave 2–9
        // times (5108 sliding steps for seed 5 at √m).
        #expect(timeline.filter { if case .crossing = $0.kind { true } else { false } }.count >= 5)
        #expect(timeline.filter { $0.kind == .slideStart }.count >= 2)
        #expect(timeline.filter { if case .slideEnd = $0.kind { true } else { false } }.count >= 2)
        #expect(flow.result.statistics.slidingStepCount > 100)
        // dδ_k/dt = 0 exactly on every side and while sliding (univariate notes §1.6: the gate
        // only ever multiplies g_{k,i}, which is 0 on the surface). What is left is the
        // integrator's error in c² and a² + b², which cancels, and the projections back onto
        // the sliding surfaces (≲ 2e-12 in g, moving a_k, b_k only): measured ≤ 2.1e-13 over
        // t = 200 with |δ_k| up to 30.
        #expect(flow.worstBalanceDrift <= 1e-12)
        // A sliding knot stays at its sample (univariate notes §3, E3): after each step the
        // state is projected back (rounding), at a slide start it is within the event time
        // tolerance of the surface, |g| ≲ 1e-12·t·|ġ|, and e_k − x_i = −g/a_k: measured
        // ≤ 1.9e-12.
        #expect(flow.worstKnotOffset <= 1e-11)
    }

    /// Seed 3 once stopped at t = 10.84: after a slide exit GSL tried a step so long that a
    /// stage left the surfaces and the equivalent control there was singular; the engine now
    /// lets GSL shrink such a step.
    @Test("Knots form on sin(πx): knots slide pinned at samples, dead knots never move",
          arguments: [0, 1, 2, 3, 4, 5])
    func knotsFormSlidesAndKeepsDeadNeurons(seed: Int) throws {
        let data = try Self.sine(samples: 20, from: -1, to: 1)
        let model = try UnivariateNetwork(data: data, width: 6, form: .knots, normalization: .halfSum)
        var generator = SeededGenerator(seed: UInt64(seed))
        let theta = Self.draw(model, using: &generator)
        let flow = try Self.track(model, from: theta, until: 200)
        let timeline = flow.result.timeline
        #expect(flow.result.termination == .reachedEndTime)
        // Not vacuous: 7–35 events, 2–6 slide starts, 2–6 exits, 243–15197 sliding steps.
        #expect(timeline.count >= 5)
        #expect(timeline.filter { $0.kind == .slideStart }.count >= 2)
        #expect(timeline.filter { if case .slideEnd = $0.kind { true } else { false } }.count >= 2)
        #expect(model.loss(at: flow.result.finalState) < model.loss(at: theta))
        // Here e_k = b_k and e_k − x_i = −g: the projection's rounding, or the event
        // tolerance at a slide start; measured ≤ 1.9e-13.
        #expect(flow.worstKnotOffset <= 1e-12)
        // A knot at or right of every sample is dead: all its gates are 0, so neither b_k nor
        // c_k moves, to the bit (plateau notes §1.1, §2.2).
        let dead = (0..<model.width).filter { theta[$0] >= data.inputs.max()! }
        #expect(!dead.isEmpty)
        for k in dead {
            #expect(flow.result.finalState[k] == theta[k] && flow.result.finalState[model.width + k] == theta[model.width + k])
        }
    }

    /// limexw (ReLUFlow's extrapolated linearly implicit Euler with a low-rank W) against
    /// rk8pd, both at rtol 1e-12, on the sliding runs above: the same events in the same
    /// order, at the same times, to the same end state, and knots held on their samples
    /// while they slide. Measured: event times within 2.2e-10 relative (the largest at a
    /// shallow crossing of knots seed 0; the others ≤ 1.2e-11), end states within 1.5e-12,
    /// knot offsets ≤ 7.1e-14 (knots) and 1.6e-12 (full), against rk8pd's own ≤ 1.9e-13 and
    /// 1.9e-12 above, with the same bounds as there.
    @Test("limexw follows rk8pd's flow through crossings and slides (knots and full form)",
          arguments: [(UnivariateNetwork.Form.knots, 0), (.knots, 3), (.full, 2), (.full, 5)])
    func limexwFollowsRk8pd(form: UnivariateNetwork.Form, seed: Int) throws {
        let data = try Self.sine(samples: form == .knots ? 20 : 10, from: form == .knots ? -1 : -0.9, to: form == .knots ? 1 : 0.9)
        let model = try UnivariateNetwork(data: data, width: 6, form: form, scaling: form == .knots ? .none : .sqrtWidth,
                                          normalization: .halfSum)
        var generator = SeededGenerator(seed: UInt64(seed))
        let theta = Self.draw(model, using: &generator, outputScale: form == .knots ? 1 : 3)
        var limexwOptions = Self.options
        limexwOptions.stepper = .limexw
        let reference = try Self.track(model, from: theta, until: 200)
        let flow = try Self.track(model, from: theta, until: 200, options: limexwOptions)
        #expect(flow.result.termination == .reachedEndTime)
        try #require(flow.result.timeline.count == reference.result.timeline.count)
        #expect(flow.result.timeline.count >= 5)
        var worstTime = 0.0
        for (event, expected) in zip(flow.result.timeline, reference.result.timeline) {
            #expect(event.kind == expected.kind && event.surface == expected.surface)
            worstTime = max(worstTime, abs(event.time - expected.time) / max(1, expected.time))
        }
        let worstState = zip(flow.result.finalState, reference.result.finalState).map { abs($0 - $1) }.max()!
        #expect(worstTime <= 1e-9, "event times \(worstTime)")
        #expect(worstState <= 1e-11, "end states \(worstState)")
        #expect(flow.worstKnotOffset <= (form == .knots ? 1e-12 : 1e-11), "knot offsets \(flow.worstKnotOffset)")
    }

    /// With a and b frozen the features Φ_{ik} = σ(g_{k,i})/α are fixed and the flow in c is
    /// linear: the kernel limit δ = −∞ of univariate notes §2.2, solved in §2.3(b).
    @Test("Training only c is the linear flow of univariate notes §2.3(b), in closed form",
          arguments: [(UnivariateNetwork.Form.full, OutputScaling.sqrtWidth, LossNormalization.halfMean),
                      (.full, .none, .halfSum), (.knots, .none, .mean)])
    func trainingOnlyOutputsIsLinear(form: UnivariateNetwork.Form, scaling: OutputScaling,
                                     normalization: LossNormalization) throws {
        let data = try Self.sine(samples: 10, from: -0.9, to: 0.9)
        let m = 6, n = data.sampleCount
        let model = try UnivariateNetwork(data: data, width: m, form: form, scaling: scaling, trained: [.outputs],
                                          normalization: normalization)
        var generator = SeededGenerator(seed: 13)
        let theta = Self.draw(model, using: &generator)
        let endTime = 3.0
        let result = try FlowSimulator(
            problem: FlowProblem(system: model, initialState: theta, endTime: endTime), options: Self.options
        ).run()
        #expect(result.termination == .reachedEndTime)
        #expect(result.timeline.isEmpty)  // frozen pre-activations never cross

        // ċ = −c Φᵀρ with ρ = Φc − y, so ρ̇ = −Gρ for G = c ΦΦᵀ (n × n) and
        // c(t) = c_0 − c Φᵀ V diag((1 − e^{−λt})/λ) Vᵀ ρ(0)  (= c_0 − Φᵀ G⁻¹(I − e^{−Gt}) ρ(0)
        // of the notes, with their c = 1, without inverting G).
        let alpha = scaling == .none ? 1 : (scaling == .sqrtWidth ? Double(m).squareRoot() : Double(m))
        let factor = normalization.gradientFactor(sampleCount: n)
        let g = Self.switchingValues(model, at: theta)
        let phi = (0..<n).map { i in (0..<m).map { k in max(g[k * n + i], 0) / alpha } }
        let c0 = Array(theta[(model.dimension - m)...])
        let rho0 = (0..<n).map { i in (0..<m).reduce(-data.targets[i]) { $0 + phi[i][$1] * c0[$1] } }
        var gram = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for l in 0..<n { gram[i * n + l] = factor * (0..<m).reduce(0) { $0 + phi[i][$1] * phi[l][$1] } } }
        let eigen = SymmetricEigen(symmetric: gram, size: n)
        var integrated = [Double](repeating: 0, count: n)  // ∫_0^t e^{−Gτ} dτ ρ(0)
        for e in 0..<n {
            let v = (0..<n).map { eigen.vectors[$0 * n + e] }
            let lambda = eigen.values[e]
            let weight = abs(lambda) < 1e-300 ? endTime : -expm1(-lambda * endTime) / lambda
            let projection = zip(v, rho0).reduce(0) { $0 + $1.0 * $1.1 }
            for i in 0..<n { integrated[i] += weight * projection * v[i] }
        }
        let exact = (0..<m).map { k in c0[k] - factor * (0..<n).reduce(0) { $0 + phi[$1][k] * integrated[$1] } }
        let engine = Array(result.finalState[(model.dimension - m)...])
        // c moves by 0.12–1.6 here. rk8pd at rtol 1e-12 on a smooth linear flow, against a
        // Jacobi eigen-decomposition good to a few ulps: measured ≤ 4.0e-15.
        for (e, x) in zip(engine, exact) { #expect(abs(e - x) <= 1e-13) }
        // a and b did not move.
        #expect(Array(result.finalState[..<(model.dimension - m)]) == Array(theta[..<(model.dimension - m)]))
    }
}
