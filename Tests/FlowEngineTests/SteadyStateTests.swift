import Foundation
import Testing
import FlowEngine

/// `FlowOptions.steadyStateTolerance`: a run ends once the field is that small.
struct SteadyStateTests {
    /// ẋ = −x, watched by g = x + 1 (never met): ‖F‖∞ = |x| = e^{−t}, so with tolerance τ
    /// the steady state is reached at t* = ln(1/τ) (|x| < 1 keeps the scale max(1, |x|) at 1).
    struct Decay: PiecewiseSmoothSystem {
        var dimension: Int { 1 }
        var surfaceCount: Int { 1 }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            field[0] = -state[0]
            switching?[0] = state[0] + 1
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            rates[0] = velocity[0]
        }
    }

    @Test("The run ends at the first step end with ‖F‖∞ ≤ τ, just past t* = ln(1/τ), and says so")
    func endsAtTheFirstSteadyStep() throws {
        let tolerance = 1e-6, steadyTime = log(1 / tolerance)
        var stepEnds: [Double] = []
        let result = try FlowSimulator(
            problem: FlowProblem(system: Decay(), initialState: [1], endTime: 100),
            options: FlowOptions(steadyStateTolerance: tolerance)
        ).run(observer: FlowObserver(didAdvance: { t, _ in stepEnds.append(t) }))
        #expect(result.termination == .reachedSteadyState)
        #expect(result.finalTime >= steadyTime && abs(result.finalState[0]) <= tolerance)
        // The step end before it was not yet steady.
        let before = try #require(stepEnds.dropLast().last)
        #expect(before < steadyTime)
        // Accurate to the default atol 1e-12 (measured 1.5e-14 at t = 14.4).
        #expect(abs(result.finalState[0] - exp(-result.finalTime)) <= 1e-12)
    }

    @Test("Without the option the same run goes to its end time; a non-positive tolerance is refused")
    func optionalAndValidated() throws {
        let result = try FlowSimulator(problem: FlowProblem(system: Decay(), initialState: [1], endTime: 30)).run()
        #expect(result.termination == .reachedEndTime && result.finalTime == 30)
        #expect(throws: FlowError.self) {
            _ = try FlowSimulator(problem: FlowProblem(system: Decay(), initialState: [1], endTime: 30),
                                  options: FlowOptions(steadyStateTolerance: 0))
        }
    }
}
