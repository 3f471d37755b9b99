import Foundation
import Testing
import FlowEngine
import _TestSupport

/// Event edge cases that SUNDIALS, SciML and GSL learned the hard way, each on a toy
/// system whose event times are known exactly.
///
/// On the 1-D systems x(t) = x0 + t is integrated exactly by every method, so the only
/// error in an event time is the locator's: the bracket it returns is at most
/// τ(t) = max(1e-12·max(1, |t|), 4·ulp(t)) wide (`EventTolerance`).
struct EventLocatorTests {
    /// Every call to `didAdvance` (run start, accepted steps kept, events) with its time.
    final class AdvanceLog {
        var times: [Double] = []
        var observer: FlowObserver { FlowObserver(didAdvance: { t, _ in self.times.append(t) }) }
    }

    // MARK: - Start on a surface (CVODE cvRcheck1)

    struct OscillatorStart: Sendable, CustomTestStringConvertible {
        let x0: Double, v0: Double
        /// The surface with g = 0 at t = 0 and the side its field leaves to.
        let surface: Int, side: Side
        var testDescription: String { "x0 = \(x0), v0 = \(v0)" }
    }

    /// x'' = −ω²x from a zero of x or of v: the t = 0 event names the side the field
    /// leaves to (sign v0 for x; sign(−x0) for v), and the run then meets exactly the
    /// closed-form zeros after t = 0, the first one of the start surface at π/ω, without
    /// re-detecting the surface it started on.
    @Test(arguments: [
        OscillatorStart(x0: 0, v0: 1, surface: 0, side: .positive),
        OscillatorStart(x0: 0, v0: -1, surface: 0, side: .negative),
        OscillatorStart(x0: 1, v0: 0, surface: 1, side: .negative),
        OscillatorStart(x0: -1, v0: 0, surface: 1, side: .positive),
    ])
    func startExactlyOnSurfaceRecordsTimeZeroEventOnLeavingSideAndNoSpuriousRecrossing(_ start: OscillatorStart) throws {
        let ω = 1.3, endTime = 6.0
        let system = HarmonicOscillator(frequency: ω)
        let result = try FlowSimulator(
            problem: FlowProblem(system: system, initialState: [start.x0, start.v0], endTime: endTime)
        ).run()
        #expect(result.termination == .reachedEndTime)

        let first = try #require(result.timeline.first)
        #expect(first.time == 0)
        #expect(first.surface == start.surface)
        #expect(first.kind == .crossing(into: start.side))

        // Closed-form zeros after t = 0 (the start zero is computed as ~0, not exactly 0).
        let expected = (0..<2).flatMap { surface in
            system.zeroTimes(of: surface, x0: start.x0, v0: start.v0, until: endTime)
                .filter { $0 > 1e-9 }.map { (time: $0, surface: surface) }
        }.sorted { $0.time < $1.time }
        let rest = Array(result.timeline.dropFirst())
        try #require(rest.count == expected.count)
        for (event, root) in zip(rest, expected) {
            #expect(event.surface == root.surface)
            // rk8pd at rtol 1e-10 over t ≤ 6 plus τ(t) ≤ 6e-12 (measured: 1.8e-12 at π).
            #expect(abs(event.time - root.time) <= 1e-11, "surface \(root.surface) at \(root.time)")
        }
        let next = try #require(rest.first { $0.surface == start.surface })
        #expect(abs(next.time - Double.pi / ω) <= 1e-11)
        #expect(next.kind == .crossing(into: start.side == .positive ? .negative : .positive))
    }

    /// x'' = −ω²x over 25 periods (50 zeros of x and 50 of v): every root is located with
    /// two re-steps, the Hermite trial and Newton's trial τ/4 past the root, which the probe
    /// verifies (`EventLocator`: three with bracketing alone, 167 re-steps here), and still
    /// matches the closed form.
    @Test func newtonTrialPastTheRootLocatesEachCrossingWithTwoRestepsAtMost() throws {
        let ω = 1.3, endTime = 60.0, system = HarmonicOscillator(frequency: ω)
        let result = try FlowSimulator(
            problem: FlowProblem(system: system, initialState: [1, 0.5], endTime: endTime)
        ).run()
        #expect(result.termination == .reachedEndTime)
        let expected = (0..<2).flatMap { surface in
            system.zeroTimes(of: surface, x0: 1, v0: 0.5, until: endTime).filter { $0 > 0 }
        }.sorted()
        try #require(result.timeline.count == expected.count)
        #expect(result.statistics.restepCount <= 2 * expected.count)
        // rk8pd's global error at rtol 1e-10 grows with t; measured 5.9e-11 at most over t ≤ 60.
        for (event, root) in zip(result.timeline, expected) {
            #expect(abs(event.time - root) <= 1e-10, "root \(root)")
        }
    }

    /// ẋ = 1 with g = x(x − 1) written as (x − 1/2)² − 1/4, from x0 = 0 where g = 0
    /// exactly and ġ = −1: the t = 0 event goes negative; the next root, t = 1, lies
    /// inside the very first step (initial step = t_end) and is bracketed from a step
    /// start where the distance is zero.
    @Test func startOnSurfaceWithNextRootInsideFirstStepLocatesThatRoot() throws {
        let log = AdvanceLog()
        let result = try FlowSimulator(
            problem: FlowProblem(system: ParabolicWell(center: 0.5, halfWidth: 0.5), initialState: [0], endTime: 10),
            options: FlowOptions(initialStep: 10)
        ).run(observer: log.observer)
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 2)
        #expect(result.timeline[0].time == 0)
        #expect(result.timeline[0].kind == .crossing(into: .negative))
        #expect(result.timeline[1].kind == .crossing(into: .positive))
        // τ(1) = 1e-12 (measured error 5.0e-13).
        #expect(abs(result.timeline[1].time - 1) <= 1e-12)
        // Start, event, end: no accepted step ended before the root.
        #expect(log.times.count == 3)
    }

    // MARK: - Double crossing inside one step

    /// ẋ = 1 through the well g = (x − 5)² − ε² < 0 on (5 − ε, 5 + ε), from x0 = 0 with
    /// the first trial step equal to t_end = 10 and a loose rtol 1e-6. The field is
    /// constant, so GSL accepts that whole step: both step ends have g > 0 and only the
    /// Hermite screen of g (exact here, g being quadratic in t) sees the dip.
    @Test(arguments: [0.1, 1e-3, 1e-6])
    func doubleCrossingInsideOneStepFindsBothRoots(halfWidth ε: Double) throws {
        let log = AdvanceLog()
        let result = try FlowSimulator(
            problem: FlowProblem(system: ParabolicWell(center: 5, halfWidth: ε), initialState: [0], endTime: 10),
            options: FlowOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-8, initialStep: 10)
        ).run(observer: log.observer)
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 2)
        #expect(result.timeline.map(\.surface) == [0, 0])
        #expect(result.timeline[0].kind == .crossing(into: .negative))
        #expect(result.timeline[1].kind == .crossing(into: .positive))
        // Exact integration; only τ(5 ± ε) ≈ 5e-12 remains (measured ≤ 2.5e-12).
        #expect(abs(result.timeline[0].time - (5 - ε)) <= 1e-11)
        #expect(abs(result.timeline[1].time - (5 + ε)) <= 1e-11)
        // Start, two events, end: the first accepted step jumped over the whole well.
        #expect(log.times.count == 4)
        #expect(abs(result.finalState[0] - 10) <= 1e-14)
    }

    // MARK: - Simultaneous surfaces (DiffEqBase #837)

    /// ẋ = 1 with g_0 = x − 1 and g_1 = 2x − 2, both zero at t = 1 (and of the same sign
    /// at every x in floating point): one event time, two entries.
    @Test(arguments: [10.0, 1e-3])
    func surfacesCrossedTogetherGiveTwoEventsWithIdenticalTime(initialStep: Double) throws {
        let system = SwitchedLine(negativeSpeed: 1, positiveSpeed: 1, slopes: [1, 2], offsets: [1, 2])
        let result = try FlowSimulator(
            problem: FlowProblem(system: system, initialState: [0], endTime: 3),
            options: FlowOptions(initialStep: initialStep)
        ).run()
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 2)
        #expect(Set(result.timeline.map(\.surface)) == [0, 1])
        #expect(result.timeline[0].time == result.timeline[1].time)
        #expect(abs(result.timeline[0].time - 1) <= 1e-12)  // τ(1)
        #expect(result.timeline.allSatisfy { $0.kind == .crossing(into: .positive) })
        #expect(result.finalGates == [1, 1])
    }

    /// ẋ = 1 with g_0 = x − 1 and g_1 = x − (1 + 10 ulp): roots 10 ulp apart (SciML
    /// `event_repeat_tests.jl`). With the default τ(1) = 1e-12 they are one event time;
    /// with the 4-ulp floor alone (relative 0) they are two. Either way each surface is
    /// recorded exactly once, in root order.
    @Test(arguments: [EventTolerance(), EventTolerance(relative: 0)], [10.0, 1e-3])
    func eventsTenUlpApartAreEachRecordedOnce(tolerance: EventTolerance, initialStep: Double) throws {
        let roots = [1.0, 1.0 + 10 * 1.0.ulp]
        let system = SwitchedLine(negativeSpeed: 1, positiveSpeed: 1, slopes: [1, 1], offsets: roots)
        let result = try FlowSimulator(
            problem: FlowProblem(system: system, initialState: [0], endTime: 3),
            options: FlowOptions(initialStep: initialStep, eventTimeTolerance: tolerance)
        ).run()
        #expect(result.termination == .reachedEndTime)
        try #require(result.timeline.count == 2)
        #expect(result.timeline.map(\.surface) == [0, 1])
        #expect(result.timeline.allSatisfy { $0.kind == .crossing(into: .positive) })
        #expect(result.finalGates == [1, 1])
        // The bracket width τ plus two ulps for the re-stepped x (measured: 4 ulp and
        // 1 ulp off with the 4-ulp floor, 5e-13 with the default).
        for (event, root) in zip(result.timeline, roots) {
            #expect(abs(event.time - root) <= tolerance.time(near: root) + 2 * root.ulp)
        }
        if tolerance.relative == 0 {
            #expect(result.timeline[0].time < result.timeline[1].time)
        } else {
            #expect(result.timeline[0].time == result.timeline[1].time)
        }
    }
}
