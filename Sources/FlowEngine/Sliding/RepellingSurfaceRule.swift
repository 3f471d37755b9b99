/// Which side the flow takes at a repelling contact (σ− < 0 < σ+), where both one-sided
/// fields push away from the surface and the Filippov solution is not unique: it may
/// leave to either side, or (for a while) stay. Every such choice is recorded as a
/// `TimelineEvent.Kind.choice`.
public enum RepellingSurfaceRule: CaseIterable, Sendable {
    /// The negative side, gate 0: the convention of a one-sided derivative taken from the
    /// left (σ'(0) = 0 for a gate σ). The default.
    case negativeSide
    /// The positive side, gate 1.
    case positiveSide
    /// Stop the run with `FlowError.repellingSurface`.
    case fail

    /// The side the rule takes, or nil for `fail`.
    public var side: Side? {
        switch self {
        case .negativeSide: .negative
        case .positiveSide: .positive
        case .fail: nil
        }
    }
}
