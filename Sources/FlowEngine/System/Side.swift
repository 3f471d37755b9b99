/// One side of a switching surface: `positive` is g > 0 (gate 1), `negative` is g < 0 (gate 0).
public enum Side: String, Sendable, Equatable {
    case positive
    case negative

    /// The gate value s that selects this side's field.
    public var gate: Double { self == .positive ? 1 : 0 }

    /// +1 or −1: multiplying g by it gives the signed distance into this side.
    public var sign: Double { self == .positive ? 1 : -1 }

    public init(gate: Double) { self = gate > 0.5 ? .positive : .negative }
}
