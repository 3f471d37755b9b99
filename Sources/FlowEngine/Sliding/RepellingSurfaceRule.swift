/// Which side the flow takes at a repelling contact (σ− < 0 < σ+), where both one-sided
/// fields push away from the surface and the Filippov solution is not unique: it may
/// leave to either side, or (for a while) stay. Every such choice is recorded as a
/// `TimelineEvent.Kind.choice`.
public enum RepellingSurfaceRule: String, CaseIterable, Sendable {
    /// The negative (inactive) side: ReLU'(0) = 0, the convention of the papers and of
    /// PyTorch's `relu` backward. The default.
    case negativeSide = "inactive"
    /// The positive (active) side: ReLU'(0) = 1.
    case positiveSide = "active"
    /// Stop the run with `FlowError.repellingSurface`.
    case fail

    var side: Side? {
        switch self {
        case .negativeSide: .negative
        case .positiveSide: .positive
        case .fail: nil
        }
    }
}
