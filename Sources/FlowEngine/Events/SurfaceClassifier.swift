/// What the flow does at a point of surface g_j = 0, from the two one-sided normal speeds
/// σ− = ∇g_j·F(x, s_j = 0) and σ+ = ∇g_j·F(x, s_j = 1).
public enum SurfaceBehavior: Sendable, Equatable {
    /// Both fields leave towards one side (or one is tangent and the other leaves): cross.
    case crossing(into: Side)
    /// σ− > 0 > σ+: both fields push into the surface, the Filippov solution slides.
    case attractingSliding
    /// σ− < 0 < σ+: both fields push away; the forward solution is not unique.
    case repelling
    /// σ− = σ+ = 0: both fields are tangent to the surface.
    case tangential
}

/// Decides `SurfaceBehavior` from the normal speeds (Filippov's convex-combination rule).
///
/// Grazing cases count as crossings: with σ+ = 0 and σ− < 0 the negative field still
/// leaves strictly (support-vector notes §2.3, "the grazing case still crosses"). A speed
/// below `relativeZero` times the other side's is rounding, not a direction, and counts as
/// zero: a field that is tangent in exact arithmetic (e.g. a coordinate frozen on the
/// negative side, whose field has no component along its own normal) must not read as attracting
/// because its ∇g·F came out 1e-17 instead of 0.
public enum SurfaceClassifier {
    public static let relativeZero = 1e-12

    /// Whether `speed` is rounding next to `other` (at most `relativeZero` of the larger).
    public static func isNegligible(_ speed: Double, comparedTo other: Double) -> Bool {
        abs(speed) <= relativeZero * max(abs(speed), abs(other))
    }

    public static func classify(negativeSideSpeed negative: Double, positiveSideSpeed positive: Double) -> SurfaceBehavior {
        let σm = isNegligible(negative, comparedTo: positive) ? 0 : negative
        let σp = isNegligible(positive, comparedTo: negative) ? 0 : positive
        if σm >= 0, σp >= 0, σm > 0 || σp > 0 { return .crossing(into: .positive) }
        if σm <= 0, σp <= 0, σm < 0 || σp < 0 { return .crossing(into: .negative) }
        if σm > 0, σp < 0 { return .attractingSliding }
        if σm < 0, σp > 0 { return .repelling }
        return .tangential
    }
}
