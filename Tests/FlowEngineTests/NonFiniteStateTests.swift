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
