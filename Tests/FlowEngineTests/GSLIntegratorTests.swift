import Foundation
import Testing
import FlowEngine
import _TestSupport

/// Every GSL method driven through `FlowSimulator` on problems with exact answers, the
/// way GSL's `test.c` runs each `gsl_odeiv2_step_type` on each problem.
struct GSLIntegratorTests {
    // MARK: - Harmonic oscillator

    static let frequency = 1.3
    static let start = (x: 1.0, v: 0.5)

    /// x(t) = x0 cos ωt + (v0/ω) sin ωt and its derivative.
    static func exactState(at t: Double) -> (x: Double, v: Double) {
        let ω = frequency, (x0, v0) = start
        return (x0 * cos(ω * t) + v0 / ω * sin(ω * t), -x0 * ω * sin(ω * t) + v0 * cos(ω * t))
    }

    /// Span and bounds per method at rtol 1e-10, atol 1e-12, each 3–10× above what was
    /// measured (GSL 2.7.1, x86_64). The last column is the method's own error floor: the
    /// same run watched only by a surface it never meets (x − 10), i.e. GSL's global error.
    ///
    /// | method  | t_end | max event-time error | final-state error | event-free state error |
    /// | ------- | ----- | -------------------- | ----------------- | ---------------------- |
    /// | rk2     | 20    | 8.9e-12              | 1.9e-10           | 1.9e-10                |
    /// | rk4     | 20    | 5.0e-9               | 8.1e-9            | 8.1e-9                 |
    /// | rkf45   | 20    | 1.7e-11              | 4.7e-10           | 4.7e-10                |
    /// | rkck    | 20    | 5.1e-12              | 3.8e-10           | 3.9e-10                |
    /// | rk8pd   | 20    | 2.1e-11              | 3.3e-11           | 2.8e-11                |
    /// | rk1imp  | 3     | 1.6e-11              | 1.0e-5            | 1.0e-5                 |
    /// | rk2imp  | 20    | 2.0e-7               | 3.3e-7            | 3.3e-7                 |
    /// | rk4imp  | 20    | 3.5e-9               | 5.6e-9            | 5.5e-9                 |
    /// | bsimp   | 20    | 8.3e-12              | 4.8e-12           | 1.5e-10                |
    /// | msadams | 20    | 3.3e-8               | 5.5e-8            | 5.4e-8                 |
    /// | msbdf   | 20    | 1.3e-8               | 5.5e-8            | 1.1e-7                 |
    /// | limexw  | 20    | 3.6e-10              | 6.6e-10           | 6.6e-10                |
    ///
    /// Event times inherit the method's phase error; a located root adds only the event
    /// tolerance τ = 1e-12·t. rk1imp (backward Euler) is dissipative: its amplitude
    /// decays by (1 + ω²h²)^(−1/2) per step, ~1e-5 at t = 3 with the h ≈ 8e-6 that rtol
    /// 1e-10 forces, while its phase error (ωh)³/3 per step stays tiny; t_end = 3 keeps its
    /// 4·10^5 steps under a second. rk2imp (implicit midpoint) keeps the amplitude but lags
    /// in phase by about ω³h²t/12, as a second-order method does. bsimp takes steps of about
    /// one time unit when nothing happens (18 steps to t = 20); events cut its steps
    /// shorter, hence a smaller error with events than without.
    static func bounds(for stepper: GSLStepper) -> (endTime: Double, eventTime: Double, state: Double) {
        switch stepper {
        case .rk2: (20, 5e-11, 1e-9)
        case .rk4: (20, 2e-8, 3e-8)
        case .rkf45: (20, 1e-10, 2e-9)
        case .rkck: (20, 3e-11, 2e-9)
        case .rk8pd: (20, 1e-10, 2e-10)
        case .rk1imp: (3, 1e-10, 5e-5)
        case .rk2imp: (20, 1e-6, 1e-6)
        case .rk4imp: (20, 2e-8, 3e-8)
        case .bsimp: (20, 5e-11, 3e-11)
        case .msadams: (20, 2e-7, 3e-7)
        case .msbdf: (20, 1e-7, 3e-7)
        case .limexw: (20, 2e-9, 3e-9)
        }
    }

    @Test(arguments: GSLStepper.allCases)
    func harmonicOscillatorEventsMatchClosedFormZeroTimesInOrderWithDirection(stepper: GSLStepper) throws {
        let system = HarmonicOscillator(frequency: Self.frequency)
        let (endTime, eventTimeBound, stateBound) = Self.bounds(for: stepper)
        let options = FlowOptions(stepper: stepper, relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
        let result = try FlowSimulator(
            problem: FlowProblem(system: system, initialState: [Self.start.x, Self.start.v], endTime: endTime),
            options: options
        ).run()

        #expect(result.termination == .reachedEndTime)
        #expect(result.finalTime == endTime)

        // Zeros of x and v alternate a quarter period π/(2ω) ≈ 1.2 apart, so sorting by
        // time is unambiguous.
        let expected = (0..<2).flatMap { surface in
            system.zeroTimes(of: surface, x0: Self.start.x, v0: Self.start.v, until: endTime).map { (time: $0, surface: surface) }
        }.sorted { $0.time < $1.time }
        #expect(expected.count >= 3)
        try #require(result.timeline.count == expected.count)
        for (event, root) in zip(result.timeline, expected) {
            #expect(event.surface == root.surface)
            // Crossing x = 0 the state moves to the side of sign(v); crossing v = 0, to the
            // side of sign(v̇) = −sign(x).
            let exact = Self.exactState(at: root.time)
            let rate = root.surface == 0 ? exact.v : -exact.x
            #expect(event.kind == .crossing(into: rate > 0 ? .positive : .negative))
        }

        let worstEventTimeError = zip(result.timeline, expected).map { abs($0.time - $1.time) }.max() ?? 0
        #expect(worstEventTimeError <= eventTimeBound)
        let exact = Self.exactState(at: endTime)
        #expect(abs(result.finalState[0] - exact.x) <= stateBound)
        #expect(abs(result.finalState[1] - exact.v) <= stateBound)
    }

    // MARK: - Mode switch

    /// ẋ = 1 on g = x − 1 < 0 and ẋ = 3 on g > 0, from x0 = 0: one crossing at t = 1,
    /// then x(t) = 1 + 3(t − 1). Each mode is integrated exactly by every method (constant
    /// field), so a step after the switch that reused the old field (GSL hands the last
    /// `dydt_out` to the next step as `dydt_in`; the multistep methods keep a history)
    /// would show at once.
    @Test(arguments: GSLStepper.allCases)
    func firstStepAfterModeSwitchUsesTheNewField(stepper: GSLStepper) throws {
        let system = SwitchedLine(negativeSpeed: 1, positiveSpeed: 3, slopes: [1], offsets: [1])
        var afterSwitch: [(t: Double, x: Double)] = []
        var switched = false
        let observer = FlowObserver(
            didAdvance: { t, state in if switched { afterSwitch.append((t, state[0])) } },
            didRecordEvent: { _, _ in switched = true })
        let result = try FlowSimulator(
            problem: FlowProblem(system: system, initialState: [0], endTime: 2.5),
            options: FlowOptions(stepper: stepper)
        ).run(observer: observer)

        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 1)
        let event = result.timeline[0]
        #expect(event.surface == 0)
        #expect(event.kind == .crossing(into: .positive))
        #expect(event.negativeSideSpeed == 1)
        #expect(event.positiveSideSpeed == 3)
        #expect(result.finalGates == [1])
        // The event lies within τ(1) = 1e-12 after t = 1 and x(t_e) = t_e, so
        // x = 3t − 2t_e is off the exact 3t − 2 by at most 2τ; 3e-12 adds rounding room.
        // (Measured: at most 1.0e-12, rk4; zero or one ulp for the rest.)
        #expect(abs(event.time - 1) <= 1e-12)
        // The event itself, the first step after it, and every later one.
        #expect(afterSwitch.count >= 2)
        for (t, x) in afterSwitch {
            #expect(abs(x - (1 + 3 * (t - 1))) <= 3e-12, "x(\(t)) = \(x)")
        }
        #expect(abs(result.finalState[0] - (1 + 3 * 1.5)) <= 3e-12)
    }

    // MARK: - Broken right-hand side

    /// ẋ = 1 until x = 2, NaN from there (GSL `test.c`'s `rhs_broken`), with an event at
    /// t = 1 on the way. The run cannot pass t = 2; it must stop there as a failure and
    /// keep what it computed.
    @Test(arguments: GSLStepper.allCases)
    func nonFiniteFieldEndsTheRunAsFailureNearTheBreakdownKeepingTimelineAndState(stepper: GSLStepper) throws {
        let system = BrokenField(breakdown: 2, marker: 1)
        // A healthy run breaks down within a few dozen steps (29 measured); the cap keeps
        // a stalled one from taking the default 10^7.
        let options = FlowOptions(stepper: stepper, maxSteps: 10_000)
        let result = try FlowSimulator(
            problem: FlowProblem(system: system, initialState: [0], endTime: 3), options: options
        ).run()

        // The event before the breakdown is kept: x = t exactly, so it is within τ(1).
        try #require(result.timeline.count == 1)
        #expect(result.timeline[0].surface == 0)
        #expect(result.timeline[0].kind == .crossing(into: .positive))
        #expect(abs(result.timeline[0].time - 1) <= 1e-12)
        // The state handed back is one the field is finite at.
        #expect(result.finalState.allSatisfy { $0.isFinite })
        #expect(result.finalState[0] < 2)

        let failureTime: Double?
        switch result.termination {
        case .failed(.nonFiniteField(let t)), .failed(.stepSizeUnderflow(let t, _)): failureTime = t
        default: failureTime = nil
        }
        #expect(failureTime != nil, "termination: \(result.termination)")
        // Most methods halve h on a non-finite stage until t + h == t, so the run stops
        // within an ulp of t = 2 (ulp(2⁻) = 2.2e-16; measured: 0 or 1 ulp before 2). rk4,
        // and bsimp with this exact Jacobian, instead keep accepting steps of a few ulps
        // that advance t but leave x: the engine's stall guard stops them after
        // `FlowSimulator.stallLimit` = 100 steps of at most 16 ulp(t), i.e. within
        // 100·16·4.4e-16 = 7.1e-13 past the breakdown (measured 1e-15 and 1.7e-13).
        let overshoot = stepper == .rk4 || stepper == .bsimp ? 7.1e-13 : 0
        #expect(result.finalTime <= 2 + overshoot)
        #expect(result.finalTime >= 2 - 1e-15)
        if let failureTime { #expect(failureTime == result.finalTime) }
        // ẋ = 1 from x0 = 0: x and t are two sums of the same ~30 step sizes and agree
        // to their rounding (measured ≤ 3 ulp = 6.7e-16), plus what t crept on by.
        #expect(abs(result.finalState[0] - result.finalTime) <= 2e-15 + overshoot)
    }
}
