import Foundation
import Testing
import FlowEngine

// README: begin
/// A mass on a spring riding a belt that moves at speed b, with Coulomb friction μ:
/// ẋ = v, v̇ = −x − μ·sign(v − b). One surface, g = v − b (slip speed); the gate s is 1
/// while the mass slips forwards (g > 0, friction −μ) and 0 while it slips backwards, so
/// the field is affine in s: v̇ = −x + μ(1 − 2s). On g = 0 the one-sided speeds are
/// σ− = −x + μ and σ+ = −x − μ: the mass sticks to the belt (Filippov sliding) while
/// |x| < μ, with gate s = (1 − x/μ)/2, and slips again when x reaches μ (s = 0).
struct StickSlipOscillator: PiecewiseSmoothSystem {
    var friction = 2.0   // μ
    var beltSpeed = 1.0  // b

    var dimension: Int { 2 }
    var surfaceCount: Int { 1 }

    func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                  field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field[0] = state[1]
        field[1] = -state[0] + friction * (1 - 2 * gates[0])
        switching?[0] = state[1] - beltSpeed
    }

    func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                        into rates: UnsafeMutablePointer<Double>) {
        rates[0] = velocity[1]
    }
}

/// Watched beside it, switching nothing: the position reaching 1 (either way), and the
/// velocity falling through 0 (only downwards).
struct PositionAndReversal: WatchedFunctions {
    var count: Int { 2 }

    func values(at state: UnsafePointer<Double>, into values: UnsafeMutablePointer<Double>) {
        values[0] = state[0] - 1
        values[1] = state[1]
    }

    func rates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
               into rates: UnsafeMutablePointer<Double>) {
        rates[0] = velocity[0]
        rates[1] = velocity[1]
    }

    func direction(of function: Int) -> WatchedDirection { function == 1 ? .decreasing : .both }
}

func runStickSlip() throws -> FlowResult {
    let problem = FlowProblem(system: StickSlipOscillator(), initialState: [0, 0], endTime: 5,
                              watching: PositionAndReversal())
    let options = FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
    let result = try FlowSimulator(problem: problem, options: options).run()
    for event in result.timeline {
        print(event.time, event.kind, event.surface)
    }
    // 0.5235987755982…  slideStart 0                   the mass sticks (t = π/6)
    // 1.2556…           watched(into: .positive) 0     x reaches 1 while sticking
    // 2.2556…           slideEnd(exit: .negative) 0    x = μ: it slips back (t = π/6 + √3)
    // 3.8264…           watched(into: .negative) 1     v falls through 0
    return result
}
// README: end

/// The README's stick–slip example, run, against its closed form: from (0, 0) the mass
/// slips backwards relative to the belt with x = μ(1 − cos t), v = μ sin t until v = b at
/// t1 = asin(b/μ), sticks (x = x1 + b(t − t1), gate (1 − x/μ)/2) until x = μ at
/// t2 = t1 + μ cos(t1)/b, then x = μ + b sin(t − t2), v = b cos(t − t2).
struct StickSlipExampleTests {
    static let (mu, b) = (2.0, 1.0)
    static let t1 = asin(b / mu)
    static let x1 = mu * (1 - cos(t1))
    static let t2 = t1 + mu * cos(t1) / b

    @Test("Stick–slip: sticks at t = asin(b/μ) with gate cos(t)/2, slips back at x = μ; watched crossings at their roots, filtered by direction")
    func stickSlipMatchesTheClosedForm() throws {
        let result = try runStickSlip()
        #expect(result.termination == .reachedEndTime)
        let kinds = result.timeline.map(\.kind)
        #expect(kinds == [.slideStart, .watched(into: .positive), .slideEnd(exit: .negative), .watched(into: .negative)])
        try #require(kinds.count == 4)
        let (stick, positionOne, slip, reversal) = (result.timeline[0], result.timeline[1], result.timeline[2],
                                                    result.timeline[3])
        // Trigonometric, not polynomial: rk8pd at 1e-12 gives the event times to ~1e-11.
        #expect(abs(stick.time - Self.t1) <= 1e-10)
        #expect(abs(stick.gate - cos(Self.t1) / 2) <= 1e-10)
        #expect(abs(positionOne.time - (Self.t1 + (1 - Self.x1) / Self.b)) <= 1e-10)
        #expect(positionOne.surface == 0 && positionOne.negativeSideSpeed == positionOne.positiveSideSpeed)
        #expect(abs(positionOne.negativeSideSpeed - Self.b) <= 1e-12)
        #expect(abs(slip.time - Self.t2) <= 1e-10)
        #expect(slip.gate == 0)
        #expect(abs(reversal.time - (Self.t2 + Double.pi / 2)) <= 1e-9)
        #expect(reversal.surface == 1)
        // The velocity's rise through 0 at the start is located but not recorded (its
        // direction is `.decreasing` only), and watching changes no gate.
        #expect(result.finalGates == [0])
        let tau = 5 - Self.t2
        #expect(abs(result.finalState[0] - (Self.mu + Self.b * sin(tau))) <= 1e-9)
        #expect(abs(result.finalState[1] - Self.b * cos(tau)) <= 1e-9)
    }

    @Test("Watching changes no surface event: the same events with and without the watched functions")
    func watchingChangesNoSurfaceEvent() throws {
        let options = FlowOptions(relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
        let plain = try FlowSimulator(
            problem: FlowProblem(system: StickSlipOscillator(), initialState: [0, 0], endTime: 5), options: options).run()
        let watched = try runStickSlip()
        let surfaceEvents = watched.timeline.filter { !$0.isWatched }
        #expect(surfaceEvents.map(\.kind) == plain.timeline.map(\.kind))
        for (a, b) in zip(surfaceEvents, plain.timeline) { #expect(abs(a.time - b.time) <= 1e-10) }
    }

    @Test("The README shows this example's code verbatim")
    func readmeShowsTheExample() throws {
        let here = URL(fileURLWithPath: #filePath)
        let source = try String(contentsOf: here, encoding: .utf8)
        let begin = try #require(source.range(of: "// README: begin\n")), end = try #require(source.range(of: "// README: end"))
        let code = String(source[begin.upperBound..<end.lowerBound])
        let readme = try String(contentsOf: here.deletingLastPathComponent().appendingPathComponent(
            "../../Sources/FlowEngine/README.md").standardizedFileURL, encoding: .utf8)
        #expect(readme.contains(code))
    }
}
