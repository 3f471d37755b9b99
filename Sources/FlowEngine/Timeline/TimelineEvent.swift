/// One transition of one switching surface, or one crossing of a watched function,
/// recorded when it happens.
///
/// Simultaneous transitions (several surfaces within the event-time tolerance) are separate
/// entries with the same `time`. One entry per transition: reaching a surface and starting
/// to slide on it is a `slideStart` (not also a crossing), and leaving it is a `slideEnd`.
public struct TimelineEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The state crossed the surface and now follows the field of `into`.
        /// At t = 0 it marks a start exactly on the surface and the side chosen.
        case crossing(into: Side)
        /// Both one-sided fields point into the surface: the flow slides along it with
        /// its gate set by the equivalent control.
        case slideStart
        /// The sliding gate reached 0 (`exit: .negative`) or 1 (`exit: .positive`) and the
        /// flow left the surface to that side.
        case slideEnd(exit: Side)
        /// The surface repels on both sides, so the forward solution is not unique; the
        /// engine's `RepellingSurfaceRule` chose `into`.
        case choice(into: Side)
        /// The surface was crossed back and forth within a tiny time (Zeno behaviour); the
        /// engine now slides on it instead.
        case chattering
        /// Watched function h_i (`WatchedFunctions`) crossed zero into `into`: `.positive`
        /// when it rose through 0, `.negative` when it fell. Changes no mode.
        case watched(into: Side)
    }

    /// Flow time of the event.
    public let time: Double
    /// Index j of the switching function g_j, or of the watched function h_j for a
    /// `.watched` entry.
    public let surface: Int
    public let kind: Kind
    /// ∇g_j·F(x, s_j = 0) at the event: the normal speed of the negative side's field.
    /// For a watched function both speeds are its rate ∇h_j·F (it gates nothing).
    public let negativeSideSpeed: Double
    /// ∇g_j·F(x, s_j = 1) at the event: the normal speed of the positive side's field.
    public let positiveSideSpeed: Double
    /// The gate s_j after the event: the equivalent control at a slide start, 0 or 1
    /// after a crossing or slide end (for a watched function, 1 above zero, 0 below).
    public let gate: Double

    public init(time: Double, surface: Int, kind: Kind, negativeSideSpeed: Double, positiveSideSpeed: Double,
                gate: Double) {
        self.time = time
        self.surface = surface
        self.kind = kind
        self.negativeSideSpeed = negativeSideSpeed
        self.positiveSideSpeed = positiveSideSpeed
        self.gate = gate
    }

    /// Whether the entry is a crossing of a watched function rather than a surface event.
    public var isWatched: Bool {
        if case .watched = kind { true } else { false }
    }
}
