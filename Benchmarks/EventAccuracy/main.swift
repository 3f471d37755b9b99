// Event-time accuracy of the engine against the exact single-neuron flow, per stepper and
// tolerance, on random instances (positive labels, d = 2...12, n ≤ 60).
//
// With --sliding, labels may be negative (y ~ U(-1.5, 2)), so that surfaces attract and the
// flow slides; the exact reference then slides too.
//
//   swift run -c release EventAccuracy [instances] [--sliding] [--tight] [--details]
//
// --tight: rk8pd at rtol 1e-12 and 1e-13 only; --details: the first differing event of
// every instance that does not match at rk8pd, rtol 1e-12.
import Foundation
import FlowEngine
import _TestSupport

let instanceCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20 : 20
let negativeLabels = CommandLine.arguments.contains("--sliding")
let steppers: [GSLStepper] = CommandLine.arguments.contains("--tight") ? [.rk8pd] : [.rk8pd, .rkck, .rkf45, .msadams, .msbdf]
let tolerances: [Double] = CommandLine.arguments.contains("--tight") ? [1e-12, 1e-13] : [1e-8, 1e-10, 1e-12]
let instances = (0..<instanceCount).map { SingleNeuronInstance.random(seed: UInt64($0), negativeLabels: negativeLabels) }
let exactStart = Date()
let exactFlows = instances.map { $0.exactFlow() }
print("instances: \(instanceCount), exact events: \(exactFlows.map(\.events.count).reduce(0, +)), "
    + "exact reference time: \(String(format: "%.2f", Date().timeIntervalSince(exactStart))) s")
print("sliding events (exact): \(exactFlows.flatMap(\.events).filter { $0.kind == .slideStart }.count), "
    + "unsupported by the reference: \(exactFlows.filter(\.isUnsupported).count)")
print("errors over the matched instances (same events, same order, run completed)")
print("stepper  rtol     matched  max |Δt_event|  median      p99         max |Δθ_final|  steps/run  wall ms/run")
for stepper in steppers {
    for rtol in tolerances {
        var matched = 0, worstTime = 0.0, worstParameter = 0.0, steps = 0
        var timeErrors: [Double] = []
        let start = Date()
        for (instance, exact) in zip(instances, exactFlows) {
            let options = FlowOptions(stepper: stepper, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
            let simulator = try FlowSimulator(
                problem: .init(system: try instance.model(), initialState: instance.initial, endTime: instance.endTime),
                options: options)
            let comparison = ExactComparison(result: simulator.run(), exact: exact)
            guard comparison.eventsMatch, comparison.result.termination == .reachedEndTime else { continue }
            matched += 1
            worstTime = max(worstTime, comparison.maxEventTimeError)
            timeErrors += comparison.eventTimeErrors
            worstParameter = max(worstParameter, comparison.finalParameterError)
            steps += comparison.result.statistics.stepCount
        }
        let wall = Date().timeIntervalSince(start) * 1000 / Double(instanceCount)
        // The worst case over a few hundred events is one slow crossing's; the median and the
        // 99th percentile over all events describe the rest.
        timeErrors.sort()
        func percentile(_ p: Double) -> Double {
            timeErrors.isEmpty ? 0 : timeErrors[min(timeErrors.count - 1, Int(p * Double(timeErrors.count)))]
        }
        print(String(format: "%-8@ %.0e  %3d/%-3d  %.3e       %.3e   %.3e   %.3e       %8d   %8.2f",
                     stepper.rawValue as NSString, rtol, matched, instanceCount, worstTime, percentile(0.5),
                     percentile(0.99), worstParameter, steps / instanceCount, wall))
    }
}

if CommandLine.arguments.contains("--details") {
    print("\nmismatches at rk8pd, rtol 1e-12 (instance: first differing event, engine vs exact)")
    for (index, (instance, exact)) in zip(instances, exactFlows).enumerated() {
        let options = FlowOptions(stepper: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
        let simulator = try FlowSimulator(
            problem: .init(system: try instance.model(), initialState: instance.initial, endTime: instance.endTime),
            options: options)
        let comparison = ExactComparison(result: simulator.run(), exact: exact)
        guard !comparison.eventsMatch || comparison.result.termination != .reachedEndTime else { continue }
        let engine = comparison.result.timeline
        let pairs = Array(zip(engine, exact.events))
        let differing = pairs.firstIndex { (a: TimelineEvent, b: ExactSingleNeuronFlow.Event) -> Bool in
            a.surface != b.sample || abs(a.time - b.time) > 1e-6
        }
        let k = differing ?? min(engine.count, exact.events.count)
        var e = "none", x = "none"
        if k < engine.count { e = "\(engine[k].time) s\(engine[k].surface) \(engine[k].kind)" }
        if k < exact.events.count {
            let event = exact.events[k]
            x = "\(event.time) s\(event.sample) \(event.kind)"
        }
        let note = exact.isUnsupported ? " [reference unsupported]" : ""
        print("  #\(index) event \(k) of \(engine.count)/\(exact.events.count): engine \(e) | exact \(x)\(note) "
            + "\(comparison.result.termination)")
    }
}

