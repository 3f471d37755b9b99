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

    @Test("Switching values are the pre-activations w·x_i + b, rates are x̃_i·v")
    func switchingValuesArePreActivations() throws {
        let instance = SingleNeuronInstance.random(seed: 7)
        let model = try instance.model()
        let (theta, gates) = Self.randomPoint(instance)
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
        }
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
        for k in 0..<3 { #expect(abs((fOn[k] - fOff[k]) - c * 0.05 * [1.0, 0, 2][k]) <= 1e-16) }
    }
}
