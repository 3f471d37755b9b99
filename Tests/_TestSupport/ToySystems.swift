import FlowEngine

/// A point on a line, ẋ = (1 − s_0)·f− + s_0·f+, watched by linear surfaces
/// g_j(x) = slope_j·x − offset_j.
///
/// Only gate 0 chooses the field; the other surfaces are observers. With constant speeds
/// every explicit and implicit method integrates a mode exactly, so whatever error a run
/// shows comes from event location and mode switching alone:
/// ```
/// x(t) = x(t_e) + f·(t − t_e)   inside a mode with speed f
/// ```
public struct SwitchedLine: PiecewiseSmoothSystem, Sendable {
    /// ẋ on the side g_0 < 0 (gate 0) and on the side g_0 > 0 (gate 1).
    public let negativeSpeed: Double
    public let positiveSpeed: Double
    public let slopes: [Double]
    public let offsets: [Double]

    public init(negativeSpeed: Double, positiveSpeed: Double, slopes: [Double], offsets: [Double]) {
        precondition(!slopes.isEmpty && slopes.count == offsets.count, "one slope and one offset per surface")
        self.negativeSpeed = negativeSpeed
        self.positiveSpeed = positiveSpeed
        self.slopes = slopes
        self.offsets = offsets
    }

    public var dimension: Int { 1 }
    public var surfaceCount: Int { slopes.count }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field[0] = (1 - gates[0]) * negativeSpeed + gates[0] * positiveSpeed
        if let switching {
            for j in 0..<slopes.count { switching[j] = slopes[j] * state[0] - offsets[j] }
        }
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        for j in 0..<slopes.count { rates[j] = slopes[j] * velocity[0] }
    }
}

/// ẋ = 1 watched by g(x) = (x − a)² − ε², negative exactly on (a − ε, a + ε).
///
/// The field ignores the gate, so from x0 the surface is met at t = a ∓ ε − x0 and both
/// contacts are transversal crossings. g is quadratic in t, so a cubic Hermite screen of g
/// over any step is exact: a step that jumps over the whole well must still see the dip.
public struct ParabolicWell: PiecewiseSmoothSystem, Sendable {
    public let center: Double
    public let halfWidth: Double

    public init(center: Double, halfWidth: Double) {
        self.center = center
        self.halfWidth = halfWidth
    }

    public var dimension: Int { 1 }
    public var surfaceCount: Int { 1 }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field[0] = 1
        let offset = state[0] - center
        switching?[0] = offset * offset - halfWidth * halfWidth
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        rates[0] = 2 * (state[0] - center) * velocity[0]
    }
}

/// ẋ = 1 while x < `breakdown`, NaN from there on (GSL `test.c`'s `rhs_broken`), watched
/// by g(x) = x − `marker` so that a run records an event before it breaks.
///
/// It gives its exact Jacobian (0) so that the implicit methods do not difference the field
/// across the breakdown: the engine's central differences would probe x ± ε^{1/3}·|x| and
/// meet the NaN some 1e-5 before the field itself does.
public struct BrokenField: JacobianProvidingSystem, Sendable {
    public let breakdown: Double
    public let marker: Double

    public init(breakdown: Double, marker: Double) {
        self.breakdown = breakdown
        self.marker = marker
    }

    public var dimension: Int { 1 }
    public var surfaceCount: Int { 1 }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field[0] = state[0] < breakdown ? 1 : .nan
        switching?[0] = state[0] - marker
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        rates[0] = velocity[0]
    }

    public func jacobian(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         into jacobian: UnsafeMutablePointer<Double>) {
        jacobian[0] = 0
    }
}

/// ẋ = F0 + Σ_j s_j J_j with constant F0 and jumps J_j, watched by g_j = x_j (one surface
/// per coordinate): the simplest field affine in its gates, with codimension-k sliding at
/// the origin whenever the equivalent control −(∇g·J)⁻¹ F0 lies in [0, 1]^k.
public struct ConstantJumpSystem: PiecewiseSmoothSystem, Sendable {
    public let base: [Double]
    /// `jumps[j]` is J_j.
    public let jumps: [[Double]]

    public init(base: [Double], jumps: [[Double]]) {
        precondition(jumps.count == base.count && jumps.allSatisfy { $0.count == base.count })
        self.base = base
        self.jumps = jumps
    }

    public var dimension: Int { base.count }
    public var surfaceCount: Int { base.count }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        for i in 0..<base.count {
            var value = base[i]
            for j in 0..<jumps.count { value += gates[j] * jumps[j][i] }
            field[i] = value
            switching?[i] = state[i]
        }
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        for i in 0..<base.count { rates[i] = velocity[i] }
    }
}

/// ẋ1 = −sign(x1) + x2, ẋ2 = 1 (gate s on g = x1: ẋ1 = 1 − 2s + x2).
///
/// On x1 = 0 the one-sided speeds are σ− = 1 + x2 and σ+ = −1 + x2, so the surface
/// attracts while |x2| < 1, with equivalent control s = (1 + x2)/2. From (1, −1):
/// x1 = 1 − 2t + t²/2 reaches 0 at t = 2 − √2 (x2 = 1 − √2), slides with x2 = t − 1 until
/// s = 1 at t = 2, then leaves to the positive side tangentially, x1 = (t − 2)²/2.
public struct PlanarRelay: PiecewiseSmoothSystem, Sendable {
    public init() {}

    public var dimension: Int { 2 }
    public var surfaceCount: Int { 1 }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field[0] = 1 - 2 * gates[0] + state[1]
        field[1] = 1
        switching?[0] = state[0]
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        rates[0] = velocity[0]
    }
}

/// ẋ = −sign(x) computed from the state, ignoring the gate, watched by g = x: a relay the
/// engine cannot slide on (its field does not depend on the gate, so the equivalent
/// control is singular), which therefore chatters.
public struct StateSwitchedRelay: PiecewiseSmoothSystem, Sendable {
    public init() {}

    public var dimension: Int { 1 }
    public var surfaceCount: Int { 1 }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field[0] = state[0] > 0 ? -1 : 1
        switching?[0] = state[0]
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        rates[0] = velocity[0]
    }
}

/// Rotation about the origin with the unit circle g = x² + y² − 1 attracting from both
/// sides: F(x, s) = (−y, x) + (1 − 2s)(x, y). On the circle ∇g·F = 2(1 − 2s)r², so the
/// flow slides around it with s = 1/2 and field (−y, x); the switching function is
/// quadratic, so integration error drifts the state off the circle and every sliding step
/// is projected back. Every evaluation is recorded (`EvaluationRecorder`).
public struct RotationOntoCircle: PiecewiseSmoothSystem {
    public let recorder: EvaluationRecorder

    public init(recorder: EvaluationRecorder = EvaluationRecorder()) { self.recorder = recorder }

    public var dimension: Int { 2 }
    public var surfaceCount: Int { 1 }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        recorder.record(state: [state[0], state[1]], gate: gates[0], wantsSwitching: switching != nil)
        let radial = 1 - 2 * gates[0]
        field[0] = -state[1] + radial * state[0]
        field[1] = state[0] + radial * state[1]
        switching?[0] = state[0] * state[0] + state[1] * state[1] - 1
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        rates[0] = 2 * (state[0] * velocity[0] + state[1] * velocity[1])
    }
}

/// The states a system was evaluated at, in order, with the gate of its first surface and
/// whether switching values were asked for (the integrator's own stage evaluations never
/// ask for them).
public final class EvaluationRecorder: @unchecked Sendable {
    public struct Evaluation: Sendable {
        public let state: [Double]
        public let gate: Double
        public let wantsSwitching: Bool
    }

    public private(set) var evaluations: [Evaluation] = []

    public init() {}

    public func record(state: [Double], gate: Double, wantsSwitching: Bool) {
        evaluations.append(Evaluation(state: state, gate: gate, wantsSwitching: wantsSwitching))
    }
}
