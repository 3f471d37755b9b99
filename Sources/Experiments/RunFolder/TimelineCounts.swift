/// How many entries a timeline has, counted apart and named alike in summary.json, the
/// digests and the README:
/// - `transitions`: surface transitions after the start, the flow's (or GD's) own events:
///   `activation`, `deactivation`, `slide_start`, `slide_end`, `choice`, `chattering` at t > 0;
/// - `start_entries`: entries at t = 0, bookkeeping of the initial state (neurons dead from
///   the start, knots outside the data range, a start on a surface);
/// - `timeline_entries`: every line of timeline.jsonl, also the neuron-level entries the
///   transitions imply, `stage` crossings and plateau bounds.
public struct TimelineCounts: Sendable, Equatable {
    /// The kinds of a (neuron, sample) surface's transitions (`TimelineRecord.kind`).
    public static let transitionKinds: Set<String> = ["activation", "deactivation", "slide_start", "slide_end",
                                                      "choice", "chattering"]

    public let transitions: Int
    public let startEntries: Int
    public let timelineEntries: Int

    public init(_ timeline: [TimelineRecord]) {
        transitions = timeline.count { $0.time > 0 && Self.transitionKinds.contains($0.kind) }
        startEntries = timeline.count { $0.time == 0 }
        timelineEntries = timeline.count
    }

    /// "17 transitions, 1 start entry (t = 0), 23 timeline entries".
    public var text: String {
        func counted(_ count: Int, _ one: String, _ many: String) -> String { "\(count) \(count == 1 ? one : many)" }
        return counted(transitions, "transition", "transitions") + ", "
            + counted(startEntries, "start entry", "start entries") + " (t = 0), "
            + counted(timelineEntries, "timeline entry", "timeline entries")
    }
}
