import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `DeepSingleNeuron`: its field against the loss, its switching functions (inner
/// pre-activations and the outer weights v_k), the jumps along the normals, the balance
/// v_k² − ‖w‖² through crossings and sliding, and an outer ReLU switching off.
@Suite struct DeepSingleNeuronTests {
    static let options = FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)

    /// A teacher–student problem: x ~ N(0, I_3), n = 16 samples, labels from the balanced
    /// teacher with ‖w*‖ = v*_k = 1, whose output is σ(w*·x) at every depth, plus
    /// N(0, noise²), which makes some labels negative so that surfaces attract; student
    /// w ~ N(0, 0.64 I), v_k ~ U(0.5, 1.5); loss `halfMean`.
    static func instance(seed: UInt64, scalarWeights m: Int, noise: Double = 0.3)
        throws -> (model: DeepSingleNeuron, initial: [Double])
    {
        var generator = SeededGenerator(seed: seed)
        let d = 3, n = 16
        let rows = (0..<n).map { _ in (0..<d).map { _ in generator.normal() } }
        let teacher = (0..<d).map { _ in generator.normal() }
        let teacherNorm = teacher.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let targets = rows.map { x in
            max(zip(teacher, x).reduce(0) { $0 + $1.0 * $1.1 } / teacherNorm, 0) + noise * generator.normal()
        }
        let model = try DeepSingleNeuron(data: try Dataset(rows: rows, targets: targets), scalarWeightCount: m,
                                         normalization: .halfMean)
        let initial = (0..<d).map { _ in 0.8 * generator.normal() } + (0..<m).map { _ in Double.random(in: 0.5...1.5, using: &generator) }
        return (model, initial)
    }

    /// The pass over the samples runs in C (`reluflow_gated_row_sums`), several entries at
    /// once; each must still add its samples in order, as this loop does. With one scalar
    /// weight the gain P is v_1 and ∂P/∂v_1 is 1, so the loop below is the whole field:
    /// F_w = −cP Σ_i r_i s_i x_i and F_v = −c Σ_i r_i s_i z_i, r_i = P s_i z_i − y_i.
    @Test("With switching values, the field is the sample-by-sample sum bit for bit, at every vector unit")
    func fieldWithSwitchingIsSampleBySampleSum() throws {
        var generator = SeededGenerator(seed: 33)
        let d = 37, n = 203
        let rows = (0..<n).map { _ in (0..<d).map { _ in generator.normal() } }
        let targets = (0..<n).map { _ in generator.normal() }
        let model = try DeepSingleNeuron(data: try Dataset(rows: rows, targets: targets), scalarWeightCount: 1,
                                         normalization: .halfMean)
        let theta = (0..<model.dimension).map { _ in generator.normal() }
        let gates = (0..<model.surfaceCount).map { i in [0, 1, 1, 0.375][i % 4] }
        let c = LossNormalization.halfMean.gradientFactor(sampleCount: n), gain = theta[d]
        for level in 0...FieldKernels.widestLevel {
            FieldKernels.useLevel(level)
            var field = [Double](repeating: 0, count: model.dimension)
            var z = [Double](repeating: 0, count: model.surfaceCount)
            model.evaluate(at: theta, gates: gates, field: &field, switching: &z)
            var expected = [Double](repeating: 0, count: model.dimension)
            var pathSum = 0.0
            for i in 0..<n where gates[i] != 0 {
                let weightedResidual = (gain * gates[i] * z[i] - targets[i]) * gates[i]
                pathSum += weightedResidual * z[i]
                for l in 0..<d { expected[l] += weightedResidual * rows[i][l] }
            }
            for l in 0..<d { expected[l] *= -c * gain }
            expected[d] = -c * 1 * pathSum
            #expect(zip(field, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "level \(level)")
        }
        FieldKernels.useLevel(FieldKernels.widestLevel)
    }

    /// Evaluates the model with the gates that the signs of its switching values imply.
    static func evaluate(_ model: DeepSingleNeuron, at theta: [Double]) -> (field: [Double], switching: [Double], gates: [Double]) {
        var field = [Double](repeating: 0, count: model.dimension)
        var g = [Double](repeating: 0, count: model.surfaceCount)
        let ones = [Double](repeating: 1, count: model.surfaceCount)
        model.evaluate(at: theta, gates: ones, field: &field, switching: &g)
        let gates = g.map { $0 > 0 ? 1.0 : 0 }
        model.evaluate(at: theta, gates: gates, field: &field, switching: nil)
        return (field, g, gates)
    }

    /// The integrator's stages evaluate F from H = Σ s_i² x_i x_iᵀ and q = Σ s_i y_i x_i kept by
    /// rank-one changes (`AffineRegionCache`); an evaluation with switching values sums over
    /// the samples. Along 300 random changes of the inner gates (flips, fractional gates as
    /// while sliding, bursts that resum H whole) both agree to the rounding of their terms:
    /// 64 u·c·(|P|·Σ_i s_i |x_i|(|P s_i z_i| + |y_i|)) in w, the same with |z_i| for the v_k.
    @Test("The field from the cached region equals the sample sum after any sequence of gate changes", arguments: [1, 3])
    func cachedRegionFieldMatchesSampleSum(scalarWeights m: Int) throws {
        let (model, theta) = try Self.instance(seed: 21, scalarWeights: m)
        let n = model.data.sampleCount, d = model.data.inputDimension
        var generator = SeededGenerator(seed: 22)
        var gates = [Double](repeating: 1, count: model.surfaceCount)
        for i in 0..<n { gates[i] = Double(Int.random(in: 0...1, using: &generator)) }
        var cached = [Double](repeating: 0, count: model.dimension), summed = cached
        var switching = [Double](repeating: 0, count: model.surfaceCount)
        let gain = theta[d...].reduce(1, *)
        for step in 0..<300 {
            for _ in 0..<(step % 40 == 39 ? n / 2 : 1 + step % 3) {
                let i = Int.random(in: 0..<n, using: &generator)
                gates[i] = step % 7 == 0 ? Double.random(in: 0...1, using: &generator) : 1 - gates[i].rounded()
            }
            model.evaluate(at: theta, gates: gates, field: &cached, switching: nil)
            model.evaluate(at: theta, gates: gates, field: &summed, switching: &switching)
            var inputScale = [Double](repeating: 0, count: d), pathScale = 0.0
            for i in 0..<n {
                let x = Array(model.data.input(i)), z = zip(x, theta).reduce(0) { $0 + $1.0 * $1.1 }
                let terms = gates[i] * (abs(gain * gates[i] * z) + abs(model.data.targets[i]))
                for l in 0..<d { inputScale[l] += terms * abs(x[l]) }
                pathScale += terms * abs(z)
            }
            let unit = 64 * Double.ulpOfOne / 2 / Double(n)
            for l in 0..<d { #expect(abs(cached[l] - summed[l]) <= unit * abs(gain) * inputScale[l], "step \(step), w_\(l)") }
            for k in 0..<m {
                let derivative = abs(gain / theta[d + k])
                #expect(abs(cached[d + k] - summed[d + k]) <= unit * derivative * pathScale, "step \(step), v_\(k + 1)")
            }
        }
    }

    @Test("The field is minus the loss gradient (central differences), for every sign pattern of the v_k",
          arguments: 1...3)
    func fieldIsNegativeLossGradient(m: Int) throws {
        let (model, initial) = try Self.instance(seed: UInt64(10 + m), scalarWeights: m)
        let d = model.data.inputDimension
        // As drawn; the output weight negative; for m ≥ 2 an outer weight negative, which
        // switches its ReLU off and freezes the network (the field and the gradient vanish).
        var points = [initial, initial.enumerated().map { $0.offset == d ? -$0.element : $0.element }]
        if m >= 2 { points.append(initial.enumerated().map { $0.offset == d + m - 1 ? -$0.element : $0.element }) }
        for theta in points {
            let (field, _, _) = Self.evaluate(model, at: theta)
            let gradient = centralDifferenceGradient(of: { model.loss(at: $0) }, at: theta)
            // The loss is piecewise polynomial and no surface lies within h = 1e-6 of these
            // points: the differences are good to h²·L'''/6 + ε·L/h ≈ 1e-10 (L ≈ 0.1–0.5);
            // measured ≤ 8.4e-11.
            for (f, g) in zip(field, gradient) { #expect(abs(f + g) <= 1e-9) }
        }
    }

    @Test("Switching values are w·x_i (surface i) and v_k (surface n + m − k), with their labels and rates")
    func switchingValuesAndRates() throws {
        let m = 3
        let (model, theta) = try Self.instance(seed: 5, scalarWeights: m)
        let d = model.data.inputDimension, n = model.data.sampleCount
        #expect(model.surfaceCount == n + m - 1)
        let (field, g, _) = Self.evaluate(model, at: theta)
        var rates = [Double](repeating: 0, count: model.surfaceCount)
        model.switchingRates(at: theta, velocity: field, into: &rates)
        for i in 0..<n {
            let x = Array(model.data.input(i))
            let direct = zip(x, theta).reduce(0) { $0 + $1.0 * $1.1 }
            let rate = zip(x, field).reduce(0) { $0 + $1.0 * $1.1 }
            // The same products summed in the same order: a few ulps.
            #expect(abs(g[i] - direct) <= 1e-14 * max(1, abs(direct)))
            #expect(abs(rates[i] - rate) <= 1e-14 * max(1, abs(rate)))
            #expect(model.surfaceLabel(i) == SurfaceLabel(neuron: 0, sample: i))
        }
        // v_3 feeds hidden layer 1 (surface n), v_2 hidden layer 2 (surface n + 1).
        for k in 2...m {
            let j = model.outerSurface(ofScalarWeight: k)
            #expect(j == n + m - k)
            #expect(g[j] == theta[d + k - 1])
            #expect(rates[j] == field[d + k - 1])
            #expect(model.surfaceLabel(j) == SurfaceLabel(neuron: m + 1 - k, sample: SurfaceLabel.everySample))
        }
        // One surface's rate (`SurfaceRateProvidingSystem`) is its entry of all of them, bit for bit.
        for j in 0..<model.surfaceCount {
            #expect(model.switchingRate(of: j, at: theta, velocity: field) == rates[j])
        }
    }

    /// The engine relies on F being affine in each gate on its surface with the jump along
    /// the surface's normal: c y_i P x_i in w for an inner surface, a multiple of e_{v_k} for
    /// an outer one.
    @Test("Jumps: c·y_i·P·x_i across w·x_i = 0, along e_{v_k} across v_k = 0")
    func jumpsAreAlongNormals() throws {
        let m = 3
        let (model, drawn) = try Self.instance(seed: 7, scalarWeights: m)
        let d = model.data.inputDimension, n = model.data.sampleCount, c = 1.0 / Double(n)
        // Put sample 0 on its surface: remove w's component along x_0.
        let x0 = Array(model.data.input(0))
        let along = zip(drawn, x0).reduce(0) { $0 + $1.0 * $1.1 } / x0.reduce(0) { $0 + $1 * $1 }
        var theta = drawn
        for l in 0..<d { theta[l] -= along * x0[l] }
        let gates = Self.evaluate(model, at: theta).gates
        func field(_ surface: Int, gate: Double, at point: [Double]) -> [Double] {
            var s = gates, f = [Double](repeating: 0, count: model.dimension)
            s[surface] = gate
            model.evaluate(at: point, gates: s, field: &f, switching: nil)
            return f
        }
        let gain = theta[d...].reduce(1, *)
        let on = field(0, gate: 1, at: theta), off = field(0, gate: 0, at: theta), half = field(0, gate: 0.5, at: theta)
        for r in 0..<model.dimension {
            let jump = r < d ? c * model.data.targets[0] * gain * x0[r] : 0
            #expect(abs(on[r] - off[r] - jump) <= 1e-14)
            #expect(abs(half[r] - (on[r] + off[r]) / 2) <= 1e-14)  // affine in the gate
        }
        // Put v_2 on its surface.
        var flat = drawn
        flat[d + 1] = 0
        let j = model.outerSurface(ofScalarWeight: 2)
        let onV = field(j, gate: 1, at: flat), offV = field(j, gate: 0, at: flat), halfV = field(j, gate: 0.5, at: flat)
        #expect(onV[d + 1] != 0)
        for r in 0..<model.dimension {
            #expect(offV[r] == 0)  // a switched-off outer ReLU freezes the network
            if r != d + 1 { #expect(onV[r] == 0) }
            #expect(abs(halfV[r] - onV[r] / 2) <= 1e-15)
        }
    }

    /// Label noise 0.6 makes some labels negative, so that inner surfaces attract: seeds 1
    /// and 3 cross 9 and 17 surfaces and start to slide once and twice, at every depth.
    @Test("The balance v_k² − ‖w‖² stays constant through crossings and sliding", arguments: 1...3, [1, 3])
    func balanceIsConserved(m: Int, seed: Int) throws {
        let (model, initial) = try Self.instance(seed: UInt64(seed), scalarWeights: m, noise: 0.6)
        let result = try FlowSimulator(
            problem: FlowProblem(system: model, initialState: initial, endTime: 30), options: Self.options
        ).run()
        #expect(result.termination == .reachedEndTime)
        #expect(result.timeline.count >= 9)
        #expect(result.timeline.contains { $0.kind == .slideStart })
        #expect(result.statistics.slidingStepCount > 0)
        let before = model.balance(at: initial), after = model.balance(at: result.finalState)
        // d/dt(v_k² − ‖w‖²) = 0 exactly for every gate pattern, sliding gates included; the
        // integrator's errors in v_k² and ‖w‖² cancel to rounding, and projecting back onto
        // a surface slid on moves w along x_i ⟂ w, which changes ‖w‖² only to second order:
        // measured ≤ 8.2e-15 over t = 30.
        for (b, a) in zip(before, after) { #expect(abs(a - b) <= 1e-13) }
    }

    /// With v_1 < 0 and positive labels the positive side's normal speed at v_2 = 0 is
    /// c v_1 Σ_i y_i s_i (w·x_i) < 0 (notes §1.8 with the sign of v_1 reversed): v_2 reaches 0
    /// in finite time (t = 10.18 here), its ReLU switches off for every sample, and the
    /// network is frozen. The balance fixes the state there: ‖w‖² = v_1² = ‖w0‖² − v_2(0)².
    @Test("With v_1 < 0 the outer ReLU switches off at a located event and the flow rests")
    func outerReLUSwitchesOff() throws {
        let (model, drawn) = try Self.instance(seed: 3, scalarWeights: 2, noise: 0)
        let d = model.data.inputDimension
        let norm = drawn[..<d].reduce(0) { $0 + $1 * $1 }.squareRoot()
        let initial = drawn[..<d].map { $0 / norm } + [-1, 0.1]
        var eventStates: [[Double]] = []
        let result = try FlowSimulator(
            problem: FlowProblem(system: model, initialState: initial, endTime: 40), options: Self.options
        ).run(observer: FlowObserver(didRecordEvent: { _, state in eventStates.append(Array(state)) }))
        #expect(result.termination == .reachedEndTime)
        let last = try #require(result.timeline.last)
        #expect(last.surface == model.outerSurface(ofScalarWeight: 2))
        #expect(last.kind == .crossing(into: .negative))
        #expect(last.negativeSideSpeed == 0 && last.positiveSideSpeed < 0)
        let atEvent = try #require(eventStates.last)
        // Located to τ = 1e-12·t ≈ 1e-11 in time at speed |σ+| = 1.5e-3: |v_2| ≲ 1.5e-14
        // (measured 7e-19).
        #expect(abs(atEvent[d + 1]) <= 2e-14)
        let squaredNorm = atEvent[..<d].reduce(0) { $0 + $1 * $1 }
        // Conserved to rounding, as in `balanceIsConserved` (measured 1.2e-15).
        #expect(abs(squaredNorm - 0.99) <= 1e-13)
        #expect(abs(atEvent[d] * atEvent[d] - 0.99) <= 1e-13)
        // Frozen: the field vanishes once t_2 = 0.
        #expect(result.finalState == atEvent)
    }
}
