import Foundation
import Testing

/// `knot_exit` and `knot_entry` in the timeline of a bundled univariate scenario.
struct KnotEventTests {
    @Test("Williams et al. Fig. 4 (full form): knots leave and re-enter at the outermost samples ±0.9, alternately")
    func knotsLeaveAndEnterAtTheOutermostSamples() throws {
        let scratch = try ScratchFolder()
        let scenario = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/univariate/fig4-sine-adaptive-small.yaml")
        #expect(try ReLUFlowProcess.run(["run", scenario.path, "--out", scratch.path("run"), "--quiet"]).status == 0)
        let entries = try scratch.lines("run/timeline.jsonl")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let knotEvents = entries.filter { ["knot_exit", "knot_entry"].contains($0["kind"] as? String) }
        var isInside: [Int: Bool] = [:]
        for event in knotEvents {
            let neuron = try #require(event["neuron"] as? Int), t = try #require(event["t"] as? Double)
            let position = try #require(event["position"] as? Double), side = try #require(event["side"] as? String)
            let entering = event["kind"] as? String == "knot_entry"
            // Exits and entries alternate; a knot without an exit at t = 0 started inside.
            #expect(isInside[neuron, default: true] != entering, "neuron \(neuron) at t = \(t)")
            isInside[neuron] = entering
            if t > 0 {
                // The knot sits on the sample it crosses: an end of the data range [−0.9, 0.9]
                // (equispaced points, so to rounding).
                #expect(abs(abs(position) - 0.9) <= 1e-15 && (side == "left") == (position < 0), "\(event)")
            } else {
                #expect(side == "left" ? position < -0.9 : position > 0.9, "\(event)")
            }
        }
        // Both directions and both ends occur: exits right at t ≈ 0.898 and 1.70, entries from both sides.
        #expect(knotEvents.contains { $0["kind"] as? String == "knot_exit" && ($0["t"] as? Double ?? 0) > 0 })
        #expect(Set(knotEvents.filter { $0["kind"] as? String == "knot_entry" }.compactMap { $0["side"] as? String })
                == ["left", "right"])
        // A dead neuron is active on no sample, so its knot is outside: every death is an exit then.
        for death in entries where death["kind"] as? String == "neuron_death" {
            #expect(knotEvents.contains { $0["kind"] as? String == "knot_exit" && $0["neuron"] as? Int == death["neuron"] as? Int
                && $0["t"] as? Double == death["t"] as? Double })
        }
    }
}
