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
/// leaves strictly (support-vector notes §2.3, "the grazing case still crosses").
public enum SurfaceClassifier {
    public static func classify(negativeSideSpeed σm: Double, positiveSideSpeed σp: Double) -> SurfaceBehavior {
        if σm >= 0, σp >= 0, σm > 0 || σp > 0 { return .crossing(into: .positive) }
        if σm <= 0, σp <= 0, σm < 0 || σp < 0 { return .crossing(into: .negative) }
        if σm > 0, σp < 0 { return .attractingSliding }
        if σm < 0, σp > 0 { return .repelling }
        return .tangential
    }
}
