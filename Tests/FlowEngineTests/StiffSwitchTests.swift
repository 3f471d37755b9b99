import Foundation
import Testing
import FlowEngine

/// The change to the implicit `stiffStepper` where the explicit method is stability-limited
/// (`StiffSwitchingIntegrator`, `StiffnessMonitor`), against closed forms.
@Suite struct StiffSwitchTests {
    /// ẋ_i = −λ_i x_i with λ = (1, 100, 1e4), except that x_0 decays at rate 2 once it is below
    /// ½ (gate 0 on g = x_0 − ½): the fast components die out at once and leave rk8pd
    /// stability-limited (h·1e4 ≈ 6) for the rest of the run, while x_0 asks for long steps.
    /// ```
    /// x_0(t) = e^{−t} for t ≤ ln 2,   ½ e^{−2(t − ln 2)} after;   x_i(t) = e^{−λ_i t} x_i(0)
    /// ```
    struct StiffDecay: PiecewiseSmoothSystem, JacobianProvidingSystem {
        /// λ_1, λ_2 (λ_0 is 1, then 2).
        var fastRates = [100.0, 1e4]
        var dimension: Int { 3 }
        var surfaceCount: Int { 1 }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            field[0] = -(gates[0] * 1 + (1 - gates[0]) * 2) * state[0]
            for i in 1..<3 { field[i] = -fastRates[i - 1] * state[i] }
            switching?[0] = state[0] - 0.5
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            rates[0] = velocity[0]
        }

        func jacobian(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      into jacobian: UnsafeMutablePointer<Double>) {
            jacobian.update(repeating: 0, count: 9)
            jacobian[0] = -(gates[0] * 1 + (1 - gates[0]) * 2)
            jacobian[4] = -fastRates[0]
            jacobian[8] = -fastRates[1]
        }

        func exact(at t: Double) -> [Double] {
            let crossing = log(2.0)
            return [t <= crossing ? exp(-t) : 0.5 * exp(-2 * (t - crossing)), exp(-fastRates[0] * t),
                    exp(-fastRates[1] * t)]
        }
    }

    static let initial = [1.0, 1, 1]

    private func run(_ system: StiffDecay = StiffDecay(), stiffStepper: GSLStepper? = .msbdf) throws -> FlowResult {
        try FlowSimulator(problem: FlowProblem(system: system, initialState: Self.initial, endTime: 8),
                          options: FlowOptions(stiffStepper: stiffStepper)).run()
    }

    /// Both runs meet rtol 1e-10 per step. rk8pd's global error stays at that level (crossing
    /// time and x_0 ≈ 7e-7 at t = 8 to 1e-11 and 1e-12); msbdf's local errors add up over its
    /// ~600 steps of order ≤ 5, about 600 × 1e-10 × |x_0|/|ẋ_0| = 6e-8 in the crossing time at
    /// worst. Measured: 1.4e-9 in the crossing time (msbdf takes the x_1 transient before it
    /// too, where the rule before the cost comparison went back to rk8pd: 7.0e-10) and
    /// 7.4e-12 in the state; the bounds are under twice that, far inside the worst case, so
    /// that a less accurate implicit method or a wrong change would show.
    @Test("A stability-limited explicit run changes to msbdf, takes a fraction of the steps, and keeps the closed form and the crossing time")
    func stabilityLimitedRunChangesToImplicit() throws {
        let switching = try run(stiffStepper: .msbdf), explicitOnly = try run(stiffStepper: nil)
        for (result, timeError, stateError) in [(switching, 2.5e-9, 1e-11), (explicitOnly, 1e-11, 1e-12)] {
            #expect(result.termination == .reachedEndTime)
            #expect(result.timeline.count == 1)
            #expect(abs(result.timeline[0].time - log(2.0)) <= timeError)
            for (x, exact) in zip(result.finalState, StiffDecay().exact(at: 8)) { #expect(abs(x - exact) <= stateError) }
        }
        #expect(explicitOnly.statistics.implicitStepCount == 0)
        #expect(switching.statistics.stiffChangeCount >= 1)
        #expect(switching.statistics.implicitStepCount > 0)
        // Measured 789 steps against 15,432.
        #expect(switching.statistics.stepCount * 10 < explicitOnly.statistics.stepCount)
    }

    /// Rates 1 (then 2), 2, 3: rk8pd's steps are set by accuracy, h·ρ well below 6 at every
    /// check, and the run never changes.
    @Test("An accuracy-limited run stays explicit")
    func accuracyLimitedRunStaysExplicit() throws {
        let system = StiffDecay(fastRates: [2, 3])
        let result = try run(system)
        #expect(result.termination == .reachedEndTime)
        #expect(result.statistics.stepCount > 2 * 20)  // 47: two checks of the monitor
        #expect(result.statistics.stiffChangeCount == 0)
        for (x, exact) in zip(result.finalState, system.exact(at: 8)) { #expect(abs(x - exact) <= 1e-12) }
    }

    /// ẋ = −diag(1, 100, 1e4, ½, …, ½) x with 399 levels x_0 = 1 − k/400 as surfaces (the
    /// gates change nothing), so the events stay at t_k = −ln(1 − k/400) in every run:
    /// rk8pd is stability-limited, and each event restarts msbdf at order 1 with a new
    /// Jacobian and p × p factorisation. With p = 3 a factorisation is cheap and msbdf stays
    /// (fewer evaluations than rk8pd alone); with 300 more components it is charged 303
    /// evaluations, more per unit of time than rk8pd's steps, and the run changes back, each
    /// next try waiting for the explicit work of the last one's waste times a doubling backoff,
    /// so that the tries stay few.
    @Test("The implicit method stays where it is cheaper than the explicit one and is given up where factorisations make it dearer",
          arguments: [0, 300])
    func implicitStretchIsJudgedByItsCost(slowComponents: Int) throws {
        struct Levels: PiecewiseSmoothSystem {
            let slowComponents: Int
            var dimension: Int { 3 + slowComponents }
            var surfaceCount: Int { 399 }
            func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                          field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
                field[0] = -state[0]
                field[1] = -100 * state[1]
                field[2] = -1e4 * state[2]
                for i in 3..<dimension { field[i] = -0.5 * state[i] }
                if let switching { for k in 0..<399 { switching[k] = state[0] - (1 - Double(k + 1) / 400) } }
            }
            func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                                into rates: UnsafeMutablePointer<Double>) {
                for k in 0..<399 { rates[k] = velocity[0] }
            }
        }
        let system = Levels(slowComponents: slowComponents)
        func run(_ stiffStepper: GSLStepper?) throws -> FlowResult {
            try FlowSimulator(problem: FlowProblem(system: system, initialState: Array(repeating: 1, count: system.dimension),
                                                   endTime: 6.5),
                              options: FlowOptions(stiffStepper: stiffStepper)).run()
        }
        let switching = try run(.msbdf), explicitOnly = try run(nil)
        // rk8pd's event times are good to its tolerance (measured 3.0e-12); msbdf's global
        // error grows over its ~1,700 steps of order ≤ 5 (~1,700 × 1e-10 × |x_0|/|ẋ_0| at
        // worst; measured 1.9e-8 with p = 3, 1.3e-8 with p = 303).
        for (result, timeError) in [(switching, 5e-8), (explicitOnly, 1e-11)] {
            #expect(result.termination == .reachedEndTime)
            #expect(result.timeline.count == 399)
            for (k, event) in result.timeline.enumerated() {
                #expect(abs(event.time + log(1 - Double(k + 1) / 400)) <= timeError)
            }
        }
        if slowComponents == 0 {
            // Measured: one change, 94,297 evaluations against 234,640.
            #expect(switching.statistics.stiffChangeCount == 1)
            #expect(2 * switching.statistics.rhsEvaluationCount < explicitOnly.statistics.rhsEvaluationCount)
        } else {
            // Measured: 5 changes, 247 of 11,508 steps implicit, 240,347 evaluations against
            // 234,640 (8 changes and 406 implicit steps before the backoff).
            #expect(switching.statistics.stiffChangeCount >= 2)
            #expect(switching.statistics.stiffChangeCount <= 5)
            #expect(10 * switching.statistics.implicitStepCount < switching.statistics.stepCount)
            #expect(Double(switching.statistics.rhsEvaluationCount) < 1.1 * Double(explicitOnly.statistics.rhsEvaluationCount))
        }
    }

    @Test("A stiff stepper that is not implicit is refused by name")
    func explicitStiffStepperIsRefused() {
        #expect(FlowOptions(stiffStepper: .rkf45).firstInvalidSetting()?.setting == .stiffStepper)
        #expect(FlowOptions(stiffStepper: .bsimp).firstInvalidSetting() == nil)
    }
}
