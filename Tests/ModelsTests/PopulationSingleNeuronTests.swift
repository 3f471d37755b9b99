import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// `PopulationSingleNeuron`: its field against its loss, its loss against Monte Carlo, and
/// the engine's d-dimensional flow against the reduced (‖w‖, φ) ODE of Props 3.1 and 3.6
/// (magnitude/angle notes §1.6–1.7).
@Suite struct PopulationSingleNeuronTests {
    static let options = FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// A random vector of R^d with norm `length`.
    static func vector(length: Double, dimension d: Int, using generator: inout SeededGenerator) -> [Double] {
        let v = (0..<d).map { _ in generator.normal() }
        return v.map { length * $0 / norm(v) }
    }

    /// φ = π − θ, θ the angle between w and w*, from θ = atan2(‖w − (w·u)u‖, w·u) with
    /// u = w*/‖w*‖ (notes §6.1).
    static func supplementaryAngle(_ w: [Double], _ teacher: [Double]) -> Double {
        let u = teacher.map { $0 / norm(teacher) }
        let along = zip(w, u).reduce(0) { $0 + $1.0 * $1.1 }
        return Double.pi - atan2(norm(zip(w, u).map { $0 - along * $1 }), along)
    }

    @Test("The field is minus the gradient of the closed-form loss (central differences)", arguments: 0...3)
    func fieldIsNegativeLossGradient(m: Int) throws {
        var generator = SeededGenerator(seed: UInt64(40 + m))
        let d = 5
        let model = try PopulationSingleNeuron(
            teacherWeights: Self.vector(length: 1.3, dimension: d, using: &generator),
            teacherScalarWeights: (0..<m).map { _ in Double.random(in: 0.5...1.5, using: &generator) })
        let drawn = Self.vector(length: 0.9, dimension: d, using: &generator)
            + (0..<m).map { _ in Double.random(in: 0.5...1.5, using: &generator) }
        // As drawn; for m ≥ 1 the output weight negative; for m ≥ 2 an outer weight negative
        // (its ReLU off: the gain, the field and the gradient vanish).
        var points = [drawn]
        if m >= 1 { points.append(drawn.enumerated().map { $0.offset == d ? -$0.element : $0.element }) }
        if m >= 2 { points.append(drawn.enumerated().map { $0.offset == d + m - 1 ? -$0.element : $0.element }) }
        for theta in points {
            var switching = [Double](repeating: 0, count: model.surfaceCount)
            let gates = theta.dropFirst(d + 1).reversed().map { $0 > 0 ? 1.0 : 0 }  // surface m − k holds v_k
            var field = [Double](repeating: 0, count: model.dimension)
            model.evaluate(at: theta, gates: gates, field: &field, switching: &switching)
            #expect(switching == Array(theta.dropFirst(d + 1).reversed()))
            let gradient = centralDifferenceGradient(of: { model.loss(at: $0) }, at: theta)
            // The loss is analytic away from w = 0 and v_k = 0: the differences are good to
            // h²·L'''/6 + ε·L/h ≈ 1e-10 for h = 1e-6 and L ≈ 1; measured ≤ 8.8e-11.
            for (f, g) in zip(field, gradient) { #expect(abs(f + g) <= 1e-9) }
        }
    }

    @Test("w = 0 is a rest point (σ'(0) = 0) where L = ¼ P*² ‖w*‖²; a zero teacher is rejected")
    func originIsARestPoint() throws {
        let model = try PopulationSingleNeuron(teacherWeights: [0.6, -0.8, 0], teacherScalarWeights: [1.5, 2])
        let theta = [0, 0, 0, 0.7, 0.4]
        var field = [Double](repeating: 1, count: model.dimension), switching = [0.0]
        model.evaluate(at: theta, gates: [1], field: &field, switching: &switching)
        #expect(field == [0, 0, 0, 0, 0])
        #expect(abs(model.loss(at: theta) - 0.25 * 9) <= 1e-15)
        #expect(throws: ModelError.self) { try PopulationSingleNeuron(teacherWeights: [0, 0]) }
    }

    @Test("The closed-form loss matches a Monte-Carlo average of ½(f − f*)² over x ~ N(0, I)")
    func lossMatchesMonteCarlo() throws {
        var generator = SeededGenerator(seed: 2024)
        let d = 4
        let teacherWeights = [0.9, -0.4, 0.3, 0.7], teacherScalars = [1.1, 0.8]
        let model = try PopulationSingleNeuron(teacherWeights: teacherWeights, teacherScalarWeights: teacherScalars)
        let w = [0.2, 0.6, -0.8, 0.5], v = [0.7, 1.3]
        let closedForm = model.loss(at: w + v)
        func network(_ w: [Double], _ v: [Double], _ x: [Double]) -> Double {
            v[0] * max(v[1] * max(zip(w, x).reduce(0) { $0 + $1.0 * $1.1 }, 0), 0)
        }
        let samples = 200_000
        var sum = 0.0, sumOfSquares = 0.0
        for _ in 0..<samples {
            let x = (0..<d).map { _ in generator.normal() }
            let r = network(w, v, x) - network(teacherWeights, teacherScalars, x)
            let term = 0.5 * r * r
            sum += term
            sumOfSquares += term * term
        }
        let mean = sum / Double(samples)
        let standardError = ((sumOfSquares / Double(samples) - mean * mean) / Double(samples - 1)).squareRoot()
        // The estimate resolves L to 0.4% (SE = 1.5e-3, L = 0.377), far finer than a wrong
        // constant would move it: the cross term P P* K alone is 0.19. Four standard errors
        // (two-sided p = 6e-5 for a correct formula); measured z = −0.25.
        #expect(standardError <= 0.005 * closedForm)
        #expect(abs(mean - closedForm) <= 4 * standardError)
    }

    /// The reduced system of Props 3.1 (m = 0) and 3.6 (m ≥ 1, balanced teacher and start),
    /// one formula for all depths (notes §1.7):
    /// v̇ = −½ v^m (v^{m+1} − v*^{m+1} S(φ)/π),  φ̇ = v^{m−1} v*^{m+1} φ sin φ/(2π).
    static func reducedField(_ y: (v: Double, phi: Double), m: Int, teacherScale: Double) -> (v: Double, phi: Double) {
        let s = sin(y.phi) - y.phi * cos(y.phi)
        let vm = pow(y.v, Double(m)), starPower = pow(teacherScale, Double(m + 1))
        return (-0.5 * vm * (y.v * vm - starPower * s / Double.pi),
                pow(y.v, Double(m - 1)) * starPower * y.phi * sin(y.phi) / (2 * Double.pi))
    }

    /// Classical fixed-step RK4 of the reduced system with step `h`, from t = 0 to `end`.
    static func reducedFlow(from y0: (v: Double, phi: Double), until end: Double, step h: Double, m: Int,
                            teacherScale: Double) -> (v: Double, phi: Double) {
        let steps = Int((end / h).rounded())
        precondition(abs(Double(steps) * h - end) <= 1e-12 * end, "the step must divide the end time")
        func field(_ y: (v: Double, phi: Double)) -> (v: Double, phi: Double) {
            reducedField(y, m: m, teacherScale: teacherScale)
        }
        var y = y0
        for _ in 0..<steps {
            let k1 = field(y)
            let k2 = field((y.v + h / 2 * k1.v, y.phi + h / 2 * k1.phi))
            let k3 = field((y.v + h / 2 * k2.v, y.phi + h / 2 * k2.phi))
            let k4 = field((y.v + h * k3.v, y.phi + h * k3.phi))
            y = (y.v + h / 6 * (k1.v + 2 * k2.v + 2 * k3.v + k4.v), y.phi + h / 6 * (k1.phi + 2 * k2.phi + 2 * k3.phi + k4.phi))
        }
        return y
    }

    /// Teacher ‖w*‖ = v*_k = 1.2 in R^6, start ‖w0‖ = v_k = 0.6 in a random direction; φ goes
    /// from 1.01, 1.66, 0.93, 1.83 (m = 0..3) to 3.07, 3.09, 2.51, 3.14 by t = 6, and ‖w‖ from
    /// 0.6 to about v*. Checked at t = 1.5, 3 and 6.
    @Test("The engine's d-dimensional flow follows the reduced (‖w‖, φ) ODE of Prop 3.1 (m = 0) and Prop 3.6 (m ≥ 1)",
          arguments: 0...3)
    func flowMatchesReducedODE(m: Int) throws {
        var generator = SeededGenerator(seed: UInt64(60 + m))
        let d = 6, teacherScale = 1.2, startScale = 0.6
        let teacherWeights = Self.vector(length: teacherScale, dimension: d, using: &generator)
        let model = try PopulationSingleNeuron(teacherWeights: teacherWeights,
                                               teacherScalarWeights: Array(repeating: teacherScale, count: m))
        let w0 = Self.vector(length: startScale, dimension: d, using: &generator)
        let initial = w0 + Array(repeating: startScale, count: m)
        let y0 = (v: startScale, phi: Self.supplementaryAngle(w0, teacherWeights))
        for endTime in [1.5, 3, 6] {
            let result = try FlowSimulator(
                problem: FlowProblem(system: model, initialState: initial, endTime: endTime), options: Self.options
            ).run()
            #expect(result.termination == .reachedEndTime)
            #expect(result.timeline.isEmpty)  // v_k > 0 throughout: no outer ReLU switches

            let reference = Self.reducedFlow(from: y0, until: endTime, step: 5e-4, m: m, teacherScale: teacherScale)
            let coarse = Self.reducedFlow(from: y0, until: endTime, step: 1e-3, m: m, teacherScale: teacherScale)
            // RK4's global error is O(h⁴): halving h divides it by 16, so the reference is off
            // by about |reference − coarse|/15 ≤ 1e-12/15; measured |reference − coarse|
            // ≤ 3.8e-14 (m = 3, t = 3), so the reference is at rounding.
            #expect(abs(reference.v - coarse.v) <= 1e-12 && abs(reference.phi - coarse.phi) <= 1e-12)

            // rk8pd at rtol 1e-12 on this smooth flow: 8–72 steps, each with local error
            // ≲ 1e-12·|y|, which do not accumulate beyond that here: measured errors
            // ≤ 5.6e-14 in ‖w‖, φ and every v_k (which stay equal to ‖w‖: balance).
            let w = Array(result.finalState[..<d])
            #expect(abs(Self.norm(w) - reference.v) <= 1e-12)
            #expect(abs(Self.supplementaryAngle(w, teacherWeights) - reference.phi) <= 1e-12)
            for v in result.finalState[d...] { #expect(abs(v - reference.v) <= 1e-12) }
        }
    }
}
