import Foundation
import Testing
import FlowEngine

/// `ErrorScaledSystem`: the step control measures each component against max(|x_i|, scale_i).
struct ErrorScaledSystemTests {
    /// A block of size 1 (x0, constant) holding a small fast oscillation (x1, x2) of
    /// amplitude 1e-8 and frequency ω: the "small entries of a large weight vector" case.
    /// With `scaled`, every component is measured against the block's size |x0|.
    struct SmallOscillationInABlock: ErrorScaledSystem {
        let frequency: Double
        let scaled: Bool
        var dimension: Int { 3 }
        var surfaceCount: Int { 1 }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            field[0] = 0
            field[1] = frequency * state[2]
            field[2] = -frequency * state[1]
            switching?[0] = state[0]
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            rates[0] = velocity[0]
        }

        func errorScales(at state: UnsafePointer<Double>, into scales: UnsafeMutablePointer<Double>) {
            for i in 0..<3 { scales[i] = scaled ? abs(state[0]) : 0 }
        }
    }

    static func run(scaled: Bool) throws -> FlowResult {
        let system = SmallOscillationInABlock(frequency: 10, scaled: scaled)
        return try FlowSimulator(problem: FlowProblem(system: system, initialState: [1, 1e-8, 0], endTime: 10),
                                 options: FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-10,
                                                      absoluteTolerance: 1e-300)).run()
    }

    @Test("Scaled to its block, a small component is kept to rtol of the block, not of itself, in fewer steps")
    func smallComponentsAreMeasuredAgainstTheirBlock() throws {
        let plain = try Self.run(scaled: false), scaled = try Self.run(scaled: true)
        #expect(plain.termination == .reachedEndTime && scaled.termination == .reachedEndTime)
        let exact = [1e-8 * cos(100.0), -1e-8 * sin(100.0)]
        let plainError = max(abs(plain.finalState[1] - exact[0]), abs(plain.finalState[2] - exact[1]))
        let scaledError = max(abs(scaled.finalState[1] - exact[0]), abs(scaled.finalState[2] - exact[1]))
        // Plain: rtol of the 1e-8 amplitude per step (measured 9.8e-19 at the end).
        // Scaled: at most rtol of the block per step, so at most steps·1e-10 in all
        // (measured 6.8e-10 after 32 steps): coarser, as asked, yet below the amplitude.
        #expect(plainError <= 1e-17)
        #expect(scaledError <= Double(scaled.statistics.stepCount) * 1e-10 && scaledError > 1000 * plainError)
        // Measured: 32 steps against 330.
        #expect(scaled.statistics.stepCount * 5 < plain.statistics.stepCount)
    }
}
