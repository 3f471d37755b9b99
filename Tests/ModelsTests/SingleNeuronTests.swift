import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// Field, switching functions and Jacobian of `SingleNeuron` against direct evaluation.
@Suite struct SingleNeuronTests {
    /// θ drawn away from every surface, with the gates that its signs imply.
    static func randomPoint(_ instance: SingleNeuronInstance) -> (theta: [Double], gates: [Double]) {
        let features = instance.rows.map { instance.bias ? $0 + [1] : $0 }
        let g = features.map { x in zip(x, instance.initial).reduce(0) { $0 + $1.0 * $1.1 } }
        return (instance.initial, g.map { $0 > 0 ? 1 : 0 })
    }

    @Test("The field is minus the loss gradient (central differences)", arguments: 0..<12)
    func fieldIsNegativeLossGradient(seed: Int) throws {
        let instance = SingleNeuronInstance.random(seed: UInt64(1000 + seed))
        let model = try instance.model()
        let (theta, gates) = Self.randomPoint(instance)
        var field = [Double](repeating: 0, count: model.dimension)
        model.evaluate(at: theta, gates: gates, field: &field, switching: nil)
        let gradient = centralDifferenceGradient(of: { model.loss(at: $0) }, at: theta)
        let scale = max(1, gradient.map(abs).max()!)
        for (f, g) in zip(field, gradient) {
            // Loss is piecewise quadratic: central differences are exact up to rounding,
            // ε·L/h ≈ 1e-10·L for h = 1e-6 (no surface lies within h of a random θ);
            // measured ≤ 2.0e-10 over the 12 draws.
            #expect(abs(f + g) <= 1e-9 * scale * max(1, model.loss(at: theta)))
        }
    }

    /// On every vector unit of the field kernels (`Dataset.writePreActivations`).
    @Test("Switching values are the pre-activations w·x_i + b, rates are x̃_i·v")
    func switchingValuesArePreActivations() throws {
        let instance = SingleNeuronInstance.random(seed: 7)
        let model = try instance.model()
        let (theta, gates) = Self.randomPoint(instance)
        for level in 0...FieldKernels.widestLevel {
            FieldKernels.useLevel(level)
            var field = [Double](repeating: 0, count: model.dimension)
            var g = [Double](repeating: 0, count: model.surfaceCount)
            var rates = [Double](repeating: 0, count: model.surfaceCount)
            model.evaluate(at: theta, gates: gates, field: &field, switching: &g)
            model.switchingRates(at: theta, velocity: field, into: &rates)
            for (i, row) in instance.rows.enumerated() {
                let x = instance.bias ? row + [1] : row
                let direct = zip(x, theta).reduce(0) { $0 + $1.0 * $1.1 }
                let rate = zip(x, field).reduce(0) { $0 + $1.0 * $1.1 }
                // Same products summed in the same order up to one term: a few ulps.
                #expect(abs(g[i] - direct) <= 1e-13 * max(1, abs(direct)))
                #expect(abs(rates[i] - rate) <= 1e-13 * max(1, abs(rate)))
                // One surface's rate (`SurfaceRateProvidingSystem`, summed sample by sample) is
                // its entry of all of them, bit for bit.
                #expect(model.switchingRate(of: i, at: theta, velocity: field) == rates[i], "level \(level)")
            }
        }
        FieldKernels.useLevel(FieldKernels.widestLevel)
    }

    /// The pass over the samples runs in C (`reluflow_gated_row_sums`), several entries of
    /// the field at once; each entry must still add its samples in order, as this loop does.
    @Test("With switching values, the field is the sample-by-sample sum bit for bit, at every vector unit",
          arguments: [false, true])
    func fieldWithSwitchingIsSampleBySampleSum(bias: Bool) throws {
        var generator = SeededGenerator(seed: bias ? 31 : 32)
        let d = 37, n = 203
        let rows = (0..<n).map { _ in (0..<d).map { _ in generator.normal() } }
        let targets = (0..<n).map { _ in generator.normal() }
        let model = SingleNeuron(data: try Dataset(rows: rows, targets: targets), hasBias: bias, normalization: .mean)
        let theta = (0..<model.dimension).map { _ in generator.normal() }
        // Closed, open and sliding gates (a fractional s_i), whatever the signs.
        let gates = (0..<n).map { i in [0, 1, 1, 0.375][i % 4] }
        let c = LossNormalization.mean.gradientFactor(sampleCount: n)
        for level in 0...FieldKernels.widestLevel {
            FieldKernels.useLevel(level)
            var field = [Double](repeating: 0, count: model.dimension)
            var z = [Double](repeating: 0, count: n)
            model.evaluate(at: theta, gates: gates, field: &field, switching: &z)
            var expected = [Double](repeating: 0, count: model.dimension)
            for i in 0..<n where gates[i] != 0 {
                let pull = -c * gates[i] * (z[i] - targets[i])
                for k in 0..<d { expected[k] += pull * rows[i][k] }
                if bias { expected[d] += pull }
            }
            #expect(zip(field, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "level \(level)")
        }
        FieldKernels.useLevel(FieldKernels.widestLevel)
    }

    @Test("The Jacobian is −c Σ s_i x̃_i x̃_iᵀ, matching differences of the field")
    func jacobianMatchesFieldDifferences() throws {
        let instance = SingleNeuronInstance.random(seed: 11)
        let model = try instance.model()
        let (theta, gates) = Self.randomPoint(instance)
        let n = model.dimension
        var jacobian = [Double](repeating: 0, count: n * n)
        model.jacobian(at: theta, gates: gates, into: &jacobian)
        for k in 0..<n {
            var plus = theta, minus = theta
            plus[k] += 1e-3
            minus[k] -= 1e-3
            var fPlus = [Double](repeating: 0, count: n), fMinus = fPlus
            model.evaluate(at: plus, gates: gates, field: &fPlus, switching: nil)
            model.evaluate(at: minus, gates: gates, field: &fMinus, switching: nil)
            for i in 0..<n {
                // F is affine for fixed gates: the difference quotient is exact up to rounding.
                let difference = (fPlus[i] - fMinus[i]) / 2e-3
                #expect(abs(jacobian[i * n + k] - difference) <= 1e-9 * max(1, abs(difference)))
            }
        }
    }

    /// The integrator's stages evaluate −c(H θ − q) from H and q kept by rank-one changes
    /// (`AffineRegionCache`); an evaluation with switching values sums over the samples. Along
    /// 400 random gate changes (single flips, fractional gates as while sliding, bursts of many
    /// changes that resum H whole, returns to earlier patterns) both agree to the rounding of
    /// their terms: |Δ| ≤ 64 u Σ_i s_i |x̃_i|·(|x̃_i·θ| + |y_i|), entry by entry.
    @Test("The field from the cached region equals the sample sum after any sequence of gate changes", arguments: [false, true])
    func cachedRegionFieldMatchesSampleSum(bias: Bool) throws {
        var generator = SeededGenerator(seed: bias ? 11 : 12)
        let n = 40, d = 5
        let rows = (0..<n).map { _ in (0..<d).map { _ in Double.random(in: -1...1, using: &generator) } }
        let targets = (0..<n).map { _ in Double.random(in: -1...2, using: &generator) }
        let model = SingleNeuron(data: try Dataset(rows: rows, targets: targets), hasBias: bias, normalization: .halfMean)
        let p = model.dimension
        let theta = (0..<p).map { _ in Double.random(in: -1...1, using: &generator) }
        var gates = (0..<n).map { _ in Double(Int.random(in: 0...1, using: &generator)) }
        var cached = [Double](repeating: 0, count: p), summed = cached, switching = [Double](repeating: 0, count: n)
        for step in 0..<400 {
            let changes = step % 50 == 49 ? n / 2 : 1 + step % 3
            for _ in 0..<changes {
                let i = Int.random(in: 0..<n, using: &generator)
                gates[i] = step % 7 == 0 ? Double.random(in: 0...1, using: &generator) : 1 - gates[i].rounded()
            }
            model.evaluate(at: theta, gates: gates, field: &cached, switching: nil)
            model.evaluate(at: theta, gates: gates, field: &summed, switching: &switching)
            for r in 0..<p {
                var scale = 0.0
                for i in 0..<n {
                    let x = bias ? rows[i] + [1] : rows[i]
                    let z = zip(x, theta).reduce(0) { $0 + $1.0 * $1.1 }
                    scale += gates[i] * abs(x[r]) * (abs(z) + abs(targets[i]))
                }
                let bound = 64 * Double.ulpOfOne / 2 * scale / Double(n)
                #expect(abs(cached[r] - summed[r]) <= bound, "step \(step), entry \(r)")
            }
        }
    }

    /// A NaN gate makes that evaluation's field NaN, as the sample sum's is, and leaves no
    /// trace: the cached H is summed whole again at the next finite pattern.
    @Test("A non-finite gate leaves no trace in the cached region")
    func nonFiniteGateLeavesNoTrace() throws {
        let instance = SingleNeuronInstance.random(seed: 5)
        let model = try instance.model()
        let (theta, gates) = Self.randomPoint(instance)
        var poisoned = gates
        poisoned[0] = .nan
        var field = [Double](repeating: 0, count: model.dimension), summed = field
        var switching = [Double](repeating: 0, count: model.surfaceCount)
        model.evaluate(at: theta, gates: poisoned, field: &field, switching: nil)
        #expect(field.allSatisfy { $0.isNaN })
        model.evaluate(at: theta, gates: gates, field: &field, switching: nil)
        model.evaluate(at: theta, gates: gates, field: &summed, switching: &switching)
        let scale = max(1, summed.map(abs).max()!)
        // Both sum the same terms in another order (measured ≤ 1e-15 relative).
        for (a, b) in zip(field, summed) { #expect(abs(a - b) <= 1e-13 * scale) }
    }

    @Test("The jump across surface i on g_i = 0 is c·y_i·x̃_i, so σ+ − σ− = c·y_i·‖x̃_i‖²")
    func jumpAcrossSurfaceIsLabelTimesInput() throws {
        let data = try Dataset(rows: [[1, 0, 2], [1, 2, 0], [2, 0, 0]], targets: [0.05, 6, 0.5])
        let model = SingleNeuron(data: data, hasBias: false, normalization: .halfMean)
        let theta = [-2.0, 1, 1]  // g_0 = 0 exactly
        var off = [0.0, 1, 0], on = [1.0, 1, 0]
        var fOff = [0.0, 0, 0], fOn = [0.0, 0, 0]
        model.evaluate(at: theta, gates: &off, field: &fOff, switching: nil)
        model.evaluate(at: theta, gates: &on, field: &fOn, switching: nil)
        let c = 1.0 / 3
        // Each field's entries are sums of terms up to c·|y_1 x̃_1| = 4 in size (−c(H θ − q) with
        // H θ = 0 here), exact up to their rounding: the difference to one ulp(4) for each of
        // the two (measured 1.2e-16).
        for k in 0..<3 { #expect(abs((fOn[k] - fOff[k]) - c * 0.05 * [1.0, 0, 2][k]) <= 2 * (4.0).ulp) }
    }
}
