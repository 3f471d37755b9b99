// Event-time accuracy of the engine against the exact single-neuron flow, per stepper and
// tolerance, on random instances (positive labels, d = 2...12, n ≤ 60).
//
//   swift run -c release EventAccuracy [instances]
import Foundation
import FlowEngine
import _TestSupport

let instanceCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20 : 20
let steppers: [GSLStepper] = [.rk8pd, .rkck, .rkf45, .msadams, .msbdf]
let tolerances: [Double] = [1e-8, 1e-10, 1e-12]
let instances = (0..<instanceCount).map { SingleNeuronInstance.random(seed: UInt64($0)) }
let exactStart = Date()
let exactFlows = instances.map { $0.exactFlow() }
print("instances: \(instanceCount), exact events: \(exactFlows.map(\.events.count).reduce(0, +)), "
    + "exact reference time: \(String(format: "%.2f", Date().timeIntervalSince(exactStart))) s")
print("stepper  rtol     matched  max |Δt_event|  max |Δθ_final|  steps/run  wall ms/run")
for stepper in steppers {
    for rtol in tolerances {
        var matched = 0, worstTime = 0.0, worstParameter = 0.0, steps = 0
        let start = Date()
        for (instance, exact) in zip(instances, exactFlows) {
            let options = FlowOptions(stepper: stepper, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
            let simulator = try FlowSimulator(
                problem: .init(system: try instance.model(), initialState: instance.initial, endTime: instance.endTime),
                options: options)
            let comparison = ExactComparison(result: simulator.run(), exact: exact)
            if comparison.eventsMatch, comparison.result.termination == .reachedEndTime { matched += 1 }
            worstTime = max(worstTime, comparison.maxEventTimeError)
            worstParameter = max(worstParameter, comparison.finalParameterError)
            steps += comparison.result.statistics.stepCount
        }
        let wall = Date().timeIntervalSince(start) * 1000 / Double(instanceCount)
        print(String(format: "%-8@ %.0e  %3d/%-3d  %.3e       %.3e       %8d   %8.2f",
                     stepper.rawValue as NSString, rtol, matched, instanceCount, worstTime, worstParameter,
                     steps / instanceCount, wall))
    }
}
