/// One transition of one switching surface, recorded when it happens.
///
/// Simultaneous transitions (several surfaces within the event-time tolerance) are separate
/// entries with the same `time`.
public struct TimelineEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The state crossed the surface and now follows the field of `into`.
        /// At t = 0 it marks a start exactly on the surface and the side chosen.
        case crossing(into: Side)
    }

    /// Flow time of the event.
    public let time: Double
    /// Index j of the switching function g_j.
    public let surface: Int
    public let kind: Kind
    /// ∇g_j·F(x, s_j = 0) at the event: the normal speed of the negative side's field.
    public let negativeSideSpeed: Double
    /// ∇g_j·F(x, s_j = 1) at the event: the normal speed of the positive side's field.
    public let positiveSideSpeed: Double

    public init(time: Double, surface: Int, kind: Kind, negativeSideSpeed: Double, positiveSideSpeed: Double) {
        self.time = time
        self.surface = surface
        self.kind = kind
        self.negativeSideSpeed = negativeSideSpeed
        self.positiveSideSpeed = positiveSideSpeed
    }
}
