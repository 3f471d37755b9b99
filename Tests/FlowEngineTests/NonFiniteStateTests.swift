import FlowEngine
import Testing
import _TestSupport

/// A state that overflows ends the run `failed` with `FlowError.nonFiniteState`, the time
/// and the component, instead of carrying inf or NaN to the end time.
struct NonFiniteStateTests {
    @Test("ẋ = 1e308 from x = 1e308 overflows near t = 0.8 and fails there, naming state component 0")
    func overflowingStateFailsTheRun() throws {
        // x(t) = 1e308·(1 + t) passes DBL_MAX ≈ 1.798e308 at t ≈ 0.798. The field is constant,
        // so every Runge–Kutta error estimate is 0 and GSL alone would accept the inf state.
        let line = SwitchedLine(negativeSpeed: 1e308, positiveSpeed: 1e308, slopes: [1], offsets: [0])
        let result = try FlowSimulator(problem: FlowProblem(system: line, initialState: [1e308], endTime: 10),
                                       options: FlowOptions()).run(observer: FlowObserver())
        guard case .failed(.nonFiniteState(let t, let cause)) = result.termination else {
            Issue.record("expected nonFiniteState, got \(result.termination)")
            return
        }
        #expect(t > 0.79 && t < 10, "t = \(t)")
        #expect(cause == "state component 0 is inf")
        #expect(FlowError.nonFiniteState(t: t, cause: cause).description.contains("at t = \(t)"))
    }
}

/// Failure messages name surfaces in the caller's words.
struct FlowErrorNamingTests {
    @Test("description(surfaceName:) names every surface of a failure by the namer")
    func surfacesAreNamedByTheNamer() {
        let error = FlowError.inconsistentSwitching(surfaces: [15, 16], t: 2)
        let named = error.description(surfaceName: { "(neuron \($0 / 4), sample \($0 % 4))" })
        #expect(named == "no consistent gate pattern for (neuron 3, sample 3), (neuron 4, sample 0) met together at t = 2.0")
        #expect(error.description == "no consistent gate pattern for surface 15, surface 16 met together at t = 2.0")
    }
}

/// A NaN in the equivalent-control system (an overflow in a rate along a jump) is no
/// solution: the slide fails as singular, naming its surfaces, instead of going on with NaN
/// gates (then a NaN field, reported as a non-finite state).
struct NaNEquivalentControlTests {
    /// Two surfaces g_i = y_i with ẏ_i = 1 − 4s_i (attracting: σ− = 1, σ+ = −3, gates ¼) and
    /// a clock ẋ₂ = 1. The rate of g₀ comes out NaN along a direction with neither a y₀ nor a
    /// clock component, as the jump J₁ = (0, −4, 0) is: with both surfaces slid on (in that
    /// order), the control matrix has ∇g₀·J₁ = NaN above its diagonal, while every σ± is
    /// finite. (Elimination skipped that entry's NaN: the gates came out NaN, and the run
    /// failed on a non-finite field instead.)
    struct NaNAlongJump: PiecewiseSmoothSystem {
        var dimension: Int { 3 }
        var surfaceCount: Int { 2 }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            field[0] = 1 - 4 * gates[0]
            field[1] = 1 - 4 * gates[1]
            field[2] = 1
            switching?[0] = state[0]
            switching?[1] = state[1]
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            rates[0] = velocity[0] == 0 && velocity[2] == 0 ? .nan : velocity[0]
            rates[1] = velocity[1]
        }
    }

    /// Surface 0 is reached at t = 0.1 and slid on alone (a finite 1 × 1 system); surface 1
    /// at t = 0.2, where the 2 × 2 system holds the NaN.
    @Test("A NaN entry in the equivalent-control system fails the slide as singular (t = 0.2)")
    func nanControlMatrixFailsAsSingular() throws {
        let problem = FlowProblem(system: NaNAlongJump(), initialState: [-0.1, -0.2, 0], endTime: 1)
        let result = try FlowSimulator(problem: problem).run()
        guard case .failed(.singularSlidingSystem(let surfaces, let t)) = result.termination else {
            Issue.record("expected singularSlidingSystem, got \(result.termination)")
            return
        }
        #expect(Set(surfaces) == [0, 1])
        // y₁ = −0.2 + t is integrated exactly to rounding: only the event tolerance remains.
        #expect(abs(t - 0.2) <= 1e-12)
    }
}
