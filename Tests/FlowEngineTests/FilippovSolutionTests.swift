import Foundation
import Testing
import FlowEngine
import _TestSupport

/// Analytic Filippov problems: sliding with equivalent control, exits, codimension 2,
/// repelling choices and chattering.
struct FilippovSolutionTests {
    /// Every field below is polynomial of degree ≤ 2 in t inside a mode, which rk8pd
    /// integrates exactly; what remains is the event tolerance τ(t) = 1e-12·max(1, t).
    static func tolerance(_ t: Double) -> Double { 1e-12 * max(1, t) }

    @Test("Scalar relay ẋ = −sign(x) + c: slides at t = x0/(1 − c) with gate (1 + c)/2", arguments: [-0.5, 0, 0.3, 0.9])
    func scalarRelaySlidesWithEquivalentControl(c: Double) throws {
        let relay = SwitchedLine(negativeSpeed: 1 + c, positiveSpeed: -1 + c, slopes: [1], offsets: [0])
        let result = try FlowSimulator(problem: FlowProblem(system: relay, initialState: [1], endTime: 20)).run()
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 1)
        let slide = result.timeline[0]
        #expect(slide.kind == .slideStart)
        #expect(abs(slide.time - 1 / (1 - c)) <= Self.tolerance(slide.time))
        #expect(abs(slide.gate - (1 + c) / 2) <= 1e-15)
        #expect(slide.negativeSideSpeed == 1 + c && slide.positiveSideSpeed == -1 + c)
        // On the surface the sliding field is 1 + c − 2·(1 + c)/2 = 0 up to rounding; the
        // contact left x within τ·|ẋ| of 0.
        #expect(abs(result.finalState[0]) <= Self.tolerance(20) * 2)
        #expect(abs(result.finalGates[0] - (1 + c) / 2) <= 1e-15)
    }

    @Test("Planar relay: slides from t = 2 − √2 and exits to the positive side at t = 2 with gate 1")
    func planarRelaySlidesAndExits() throws {
        let result = try FlowSimulator(
            problem: FlowProblem(system: PlanarRelay(), initialState: [1, -1], endTime: 3)
        ).run()
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 2)
        let (start, end) = (result.timeline[0], result.timeline[1])
        #expect(start.kind == .slideStart)
        #expect(abs(start.time - (2 - 2.0.squareRoot())) <= Self.tolerance(1))
        // s = (1 + x2)/2 at x2 = 1 − √2.
        #expect(abs(start.gate - (2 - 2.0.squareRoot()) / 2) <= 1e-12)
        #expect(end.kind == .slideEnd(exit: .positive))
        #expect(abs(end.time - 2) <= Self.tolerance(2))
        // Two re-steps per event: the exit's Newton trials use the gate's rate, by central
        // differences of the equivalent control (`StateEvaluator.writeGateRates`).
        #expect(result.statistics.restepCount <= 4)
        #expect(end.gate == 1)
        // After the exit x1 = (t − 2)²/2 and x2 = t − 1: at t = 3, (0.5, 2). The exit time
        // error τ moves x1 by ~τ·(t − 2) only.
        #expect(abs(result.finalState[0] - 0.5) <= 1e-11)
        #expect(abs(result.finalState[1] - 2) <= 1e-12)
        // While sliding the projection keeps x1 on the surface; the largest correction is the
        // first, of the slide start's own offset: located to τ = 1e-12 in time at approach
        // speed |ẋ1| = √2, so at most τ√2 (measured 7.1e-13).
        #expect(result.statistics.slidingStepCount > 0)
        #expect(result.statistics.maxSlidingDrift <= Self.tolerance(1) * 2.0.squareRoot())
    }

    /// F0 = (0.8, 0.9), J1 = (−2, 0.5), J2 = (0.5, −2), from (1, 1) with both gates 1:
    /// ẋ = (−0.7, −0.6) reaches x1 = 0 at t1 = 1/0.7 with x2 = 1/7; surface 1 attracts
    /// (σ− = 1.3, σ+ = −0.7), gate s1 = 0.65, then ẋ2 = −0.775 reaches x2 = 0 at
    /// t2 = t1 + (1/7)/0.775, where both slide with (∇g·J) s = −F0:
    /// s2 = 1.1/1.875 = 0.58667, s1 = 0.4 + s2/4 = 0.54667.
    @Test("Two coupled surfaces: slide on one, then on both (codimension 2) with the joint equivalent control")
    func twoSurfacesSlideTogether() throws {
        let system = ConstantJumpSystem(base: [0.8, 0.9], jumps: [[-2, 0.5], [0.5, -2]])
        let result = try FlowSimulator(problem: FlowProblem(system: system, initialState: [1, 1], endTime: 4)).run()
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 2)
        let t1 = 1 / 0.7, t2 = 1 / 0.7 + (1.0 / 7) / 0.775
        #expect(result.timeline[0].surface == 0 && result.timeline[0].kind == .slideStart)
        #expect(abs(result.timeline[0].time - t1) <= Self.tolerance(t1))
        #expect(abs(result.timeline[0].gate - 0.65) <= 1e-14)
        #expect(result.timeline[1].surface == 1 && result.timeline[1].kind == .slideStart)
        #expect(abs(result.timeline[1].time - t2) <= Self.tolerance(t2))
        let s2 = 1.1 / 1.875, s1 = 0.4 + 0.25 * s2
        #expect(abs(result.finalGates[0] - s1) <= 1e-14 && abs(result.finalGates[1] - s2) <= 1e-14)
        #expect(result.finalState.allSatisfy { abs($0) <= 1e-11 })
    }

    @Test("A repelling start follows the rule and records the choice", arguments: RepellingSurfaceRule.allCases)
    func repellingStartRecordsChoice(rule: RepellingSurfaceRule) throws {
        // ẋ = −1 on the negative side, +1 on the positive side: both leave x = 0.
        let repeller = SwitchedLine(negativeSpeed: -1, positiveSpeed: 1, slopes: [1], offsets: [0])
        let result = try FlowSimulator(
            problem: FlowProblem(system: repeller, initialState: [0], endTime: 2),
            options: FlowOptions(repellingRule: rule)
        ).run()
        switch rule {
        case .fail:
            #expect(result.termination == .failed(.repellingSurface(surface: 0, t: 0)))
            #expect(result.timeline.isEmpty)
        case .negativeSide, .positiveSide:
            let side: Side = rule == .negativeSide ? .negative : .positive
            #expect(result.termination == .reachedEndTime)
            #expect(result.timeline.map(\.kind) == [.choice(into: side)])
            #expect(result.timeline[0].time == 0)
            #expect(abs(result.finalState[0] - side.sign * 2) <= 1e-14)
        }
    }

    @Test("A field that switches on its state, not its gate, chatters and stops with eventAccumulation")
    func stateSwitchedRelayChattersAndStops() throws {
        let result = try FlowSimulator(
            problem: FlowProblem(system: StateSwitchedRelay(), initialState: [0.5], endTime: 2)
        ).run()
        guard case .failed(.eventAccumulation(_, let surfaces, let t)) = result.termination else {
            Issue.record("termination: \(result.termination)")
            return
        }
        // The relay reaches 0 at t = 0.5 and then cannot move; it is caught within the
        // chattering window (1000 event tolerances) of its first contact.
        #expect(abs(t - 0.5) <= 1e-8)
        #expect(surfaces == [0])
        #expect(result.timeline.count < 20)
    }
}
