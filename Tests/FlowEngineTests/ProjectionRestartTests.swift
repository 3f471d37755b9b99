import Testing
import FlowEngine
import _TestSupport

/// After a sliding step the state is projected back onto the surfaces, so the step end GSL
/// saw is no longer the state the next step starts from.
struct ProjectionRestartTests {
    /// GSL's evolve reuses the last step's `dydt_out` as the next `dydt_in` (its explicit
    /// methods all declare `can_use_dydt_in`): unless it is reset, the first stage after a
    /// projection uses F at the unprojected state. With the reset, the integrator's first
    /// evaluation of the next step is at the projected state itself.
    @Test("The step after a projection starts from the field at the projected state")
    func stepAfterProjectionEvaluatesTheProjectedState() throws {
        let system = RotationOntoCircle()
        var projectedStarts: [(state: [Double], evaluationCount: Int)] = []
        var lastAdvance: [Double] = []
        let observer = FlowObserver(didAdvance: { _, state in
            lastAdvance = Array(state)
            projectedStarts.append((lastAdvance, system.recorder.evaluations.count))
        })
        let result = try FlowSimulator(
            problem: FlowProblem(system: system, initialState: [2, 0], endTime: 20),
            options: FlowOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-9)
        ).run(observer: observer)
        #expect(result.termination == .reachedEndTime)
        #expect(result.timeline.map(\.kind) == [.slideStart])
        #expect(result.statistics.maxSlidingDrift > 0)

        let evaluations = system.recorder.evaluations
        var checked = 0
        for (state, count) in projectedStarts.dropLast() {
            // The engine evaluated the step end and, after projecting, the projected state:
            // only starts that were actually moved are of interest.
            let own = evaluations[..<count].filter(\.wantsSwitching)
            guard own.count >= 2, own[own.count - 1].state == state, own[own.count - 2].state != state,
                  own[own.count - 2].gate == 0 else { continue }
            guard let next = evaluations[count...].first(where: { !$0.wantsSwitching && $0.gate == 0 }) else { continue }
            checked += 1
            #expect(next.state == state, "the first stage after the projection to \(state) was at \(next.state)")
        }
        #expect(checked >= 10)
    }
}
