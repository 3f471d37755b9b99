import Testing
import FlowEngine
import _TestSupport

/// Attracting contacts: both one-sided fields push into the surface, and the Filippov
/// solution slides along it with the equivalent-control gate.
struct SlidingModeTests {
    /// ẋ = (1 − s_0)·(+1) + s_0·(−1) = 1 − 2s_0 on g_0 = x (σ− = 1 > 0 > σ+ = −1), with an
    /// observer surface g_1 = x − 1/2. On x = 0 the equivalent control solves
    /// ∇g_0·F = 1 − 2s_0 = 0, so s_0 = 1/2 and the flow rests there.
    static let system = SwitchedLine(negativeSpeed: 1, positiveSpeed: -1, slopes: [1, 1], offsets: [0, 0.5])

    /// From x0 = 1 the flow crosses g_1 at t = 1/2, reaches x = 0 at t = 1 and slides there
    /// until t_end = 3.
    @Test func attractingContactStartsSlidingAtContactWithEquivalentControlGate() throws {
        let result = try FlowSimulator(
            problem: FlowProblem(system: Self.system, initialState: [1], endTime: 3)
        ).run()

        #expect(result.termination == .reachedEndTime)
        #expect(result.finalTime == 3)
        try #require(result.timeline.count == 2)
        let crossing = result.timeline[0], slide = result.timeline[1]
        #expect(crossing.surface == 1)
        #expect(crossing.kind == .crossing(into: .negative))
        // x = 1 − t is integrated exactly: only τ(t) = 1e-12·max(1, t) remains.
        #expect(abs(crossing.time - 0.5) <= 1e-12)
        #expect(slide.surface == 0)
        #expect(slide.kind == .slideStart)
        #expect(abs(slide.time - 1) <= 1e-12)
        #expect(slide.negativeSideSpeed == 1)
        #expect(slide.positiveSideSpeed == -1)
        #expect(slide.gate == 0.5)
        // The sliding field is exactly zero (1 − 2·(1/2)), so x stays where the contact
        // put it, within τ(1)·|ẋ| = 1e-12 of 0.
        #expect(abs(result.finalState[0]) <= 1e-12)
        #expect(result.finalGates == [0.5, 0])
    }

    /// From x0 = 0, exactly on the attracting surface, the flow slides from t = 0.
    @Test func startOnAttractingSurfaceSlidesFromTimeZero() throws {
        let result = try FlowSimulator(
            problem: FlowProblem(system: Self.system, initialState: [0], endTime: 3)
        ).run()
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 1)
        #expect(result.timeline[0].time == 0)
        #expect(result.timeline[0].surface == 0)
        #expect(result.timeline[0].kind == .slideStart)
        #expect(result.finalState == [0])
        #expect(result.finalGates == [0.5, 0])
    }
}
