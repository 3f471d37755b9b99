import Foundation
import Testing
import FlowEngine
import _TestSupport

/// `FlowProblem.outputTimes`: the state at requested times, without interpolation.
struct OutputTimesTests {
    @Test("Output times are each reached once, exactly, with the exact state; events are unchanged")
    func outputTimesAreExactStepEnds() throws {
        let oscillator = HarmonicOscillator(frequency: 1.3)
        let times = (1...40).map { 0.37 * Double($0) }
        var reached: [(Double, [Double])] = []
        let observer = FlowObserver(didReachOutputTime: { t, state in reached.append((t, Array(state))) })
        let options = FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
        let withOutputs = try FlowSimulator(
            problem: FlowProblem(system: oscillator, initialState: [1, 0.5], endTime: 15, outputTimes: times),
            options: options).run(observer: observer)
        let plain = try FlowSimulator(
            problem: FlowProblem(system: oscillator, initialState: [1, 0.5], endTime: 15), options: options).run()
        #expect(reached.map(\.0) == times)
        for (t, state) in reached {
            let x = cos(1.3 * t) + 0.5 / 1.3 * sin(1.3 * t)
            // rk8pd at rtol 1e-12 over t ≤ 15: the oscillator's global error is ~1e-12.
            #expect(abs(state[0] - x) <= 1e-11)
        }
        #expect(withOutputs.timeline.map(\.surface) == plain.timeline.map(\.surface))
        for (a, b) in zip(withOutputs.timeline, plain.timeline) { #expect(abs(a.time - b.time) <= 1e-11) }
    }

    @Test("Output times outside (0, t_end] or out of order are rejected")
    func badOutputTimesAreRejected() {
        for times in [[0.0, 1], [2, 1], [1, 20]] {
            #expect(throws: FlowError.self) {
                try FlowSimulator(problem: FlowProblem(system: HarmonicOscillator(frequency: 1), initialState: [1, 0],
                                                       endTime: 10, outputTimes: times))
            }
        }
    }
}
