import FlowEngine

/// The timeline entries that follow from surface events, the same for a flow and a GD run:
/// neuron deaths and revivals, knot exits and entries.
public protocol ImpliedTimelineEntries {
    /// The entries at t = 0 (neurons dead and knots outside the data range from the start).
    var initialEntries: [TimelineRecord] { get }
    /// The entries `event` causes, with the loss at the event.
    mutating func entries(after event: TimelineEvent, loss: Double) -> [TimelineRecord]
}
