import Testing
import FlowEngine
import _TestSupport

/// Up-front checks: `FlowSimulator.init` rejects a bad problem or bad options with
/// `FlowError.invalidProblem`, whose message names the offending quantity.
struct FlowProblemValidationTests {
    struct BadInput: Sendable, CustomTestStringConvertible {
        var initialState = [1.0, 0.0]
        var endTime = 1.0
        var relativeTolerance = 1e-10
        var absoluteTolerance = 1e-12
        /// Words the message must contain.
        let named: String
        let label: String
        var testDescription: String { label }
    }

    @Test(arguments: [
        BadInput(initialState: [1], named: "initial state", label: "initial state too short"),
        BadInput(initialState: [1, 0, 0], named: "initial state", label: "initial state too long"),
        BadInput(initialState: [.nan, 0], named: "initial state component 0", label: "NaN initial state"),
        BadInput(initialState: [0, .infinity], named: "initial state component 1", label: "infinite initial state"),
        BadInput(endTime: 0, named: "end time", label: "t_end = 0"),
        BadInput(endTime: -1, named: "end time", label: "t_end < 0"),
        BadInput(endTime: .infinity, named: "end time", label: "t_end = inf"),
        BadInput(endTime: .nan, named: "end time", label: "t_end = NaN"),
        BadInput(relativeTolerance: 0, named: "relative tolerance", label: "rtol = 0"),
        BadInput(relativeTolerance: -1e-10, named: "relative tolerance", label: "rtol < 0"),
        BadInput(relativeTolerance: .nan, named: "relative tolerance", label: "rtol = NaN"),
        BadInput(relativeTolerance: 1e-20, named: "relative tolerance", label: "rtol = 1e-20"),
        BadInput(relativeTolerance: 10, named: "relative tolerance", label: "rtol = 10"),
        BadInput(absoluteTolerance: 0, named: "absolute tolerance", label: "atol = 0"),
        BadInput(absoluteTolerance: -1e-12, named: "absolute tolerance", label: "atol < 0"),
    ])
    func badProblemThrowsInvalidProblemNamingTheQuantity(_ input: BadInput) throws {
        let problem = FlowProblem(
            system: HarmonicOscillator(frequency: 1), initialState: input.initialState, endTime: input.endTime)
        let options = FlowOptions(relativeTolerance: input.relativeTolerance, absoluteTolerance: input.absoluteTolerance)
        let error = #expect(throws: FlowError.self) {
            _ = try FlowSimulator(problem: problem, options: options)
        }
        guard case .invalidProblem(let message) = error else {
            Issue.record("expected invalidProblem, got \(String(describing: error))")
            return
        }
        #expect(message.contains(input.named), "\(message)")
        #expect(error?.description == message)
    }

    /// The smallest accepted relative tolerance, 10 ε, is accepted.
    @Test func smallestRelativeToleranceIsAccepted() throws {
        let problem = FlowProblem(system: HarmonicOscillator(frequency: 1), initialState: [1, 0], endTime: 1)
        _ = try FlowSimulator(problem: problem, options: FlowOptions(relativeTolerance: FlowOptions.smallestRelativeTolerance))
    }

    /// The run guards' limits are options, checked before the run like the tolerances.
    @Test(arguments: [
        (FlowOptions(accumulationLimit: 0), "accumulation limit"),
        (FlowOptions(stallLimit: -1), "stall limit"),
        (FlowOptions(chatteringContactLimit: 1), "chattering contact limit"),
        (FlowOptions(chatteringWindow: .nan), "chattering window"),
    ])
    func badGuardLimitThrowsInvalidProblemNamingIt(options: FlowOptions, named: String) throws {
        let problem = FlowProblem(system: HarmonicOscillator(frequency: 1), initialState: [1, 0], endTime: 1)
        let error = #expect(throws: FlowError.self) { _ = try FlowSimulator(problem: problem, options: options) }
        guard case .invalidProblem(let message) = error else {
            Issue.record("expected invalidProblem, got \(String(describing: error))")
            return
        }
        #expect(message.contains(named), "\(message)")
    }
}
