import Testing
import FlowEngine

/// `SurfaceClassifier.classify` over the sign patterns of (σ−, σ+), the normal speeds of
/// the negative and positive side's fields (Filippov's convex-combination rule).
struct SurfaceClassifierTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let negativeSideSpeed: Double
        let positiveSideSpeed: Double
        let behavior: SurfaceBehavior
        var testDescription: String { "σ− = \(negativeSideSpeed), σ+ = \(positiveSideSpeed) → \(behavior)" }
    }

    @Test(arguments: [
        // Both fields leave towards g > 0.
        Case(negativeSideSpeed: 1, positiveSideSpeed: 2, behavior: .crossing(into: .positive)),
        // Both fields leave towards g < 0.
        Case(negativeSideSpeed: -2, positiveSideSpeed: -1, behavior: .crossing(into: .negative)),
        // Grazing: one field tangent, the other leaves strictly; the flow still crosses.
        Case(negativeSideSpeed: -1, positiveSideSpeed: 0, behavior: .crossing(into: .negative)),
        Case(negativeSideSpeed: 0, positiveSideSpeed: -1, behavior: .crossing(into: .negative)),
        Case(negativeSideSpeed: 1, positiveSideSpeed: 0, behavior: .crossing(into: .positive)),
        Case(negativeSideSpeed: 0, positiveSideSpeed: 1, behavior: .crossing(into: .positive)),
        // σ− > 0 > σ+: both fields push into the surface.
        Case(negativeSideSpeed: 1, positiveSideSpeed: -1, behavior: .attractingSliding),
        // σ− < 0 < σ+: both fields push away from it.
        Case(negativeSideSpeed: -1, positiveSideSpeed: 1, behavior: .repelling),
        // Both tangent, whatever the sign of zero.
        Case(negativeSideSpeed: 0, positiveSideSpeed: 0, behavior: .tangential),
        Case(negativeSideSpeed: -0.0, positiveSideSpeed: 0, behavior: .tangential),
        Case(negativeSideSpeed: 0, positiveSideSpeed: -0.0, behavior: .tangential),
        // Tiny speeds classify by sign alone.
        Case(negativeSideSpeed: .leastNonzeroMagnitude, positiveSideSpeed: -.leastNonzeroMagnitude,
             behavior: .attractingSliding),
        // A speed at rounding level next to the other side's (below 1e-12 of it) is zero:
        // grazing, hence a crossing, not a slide with a gate of 1e-15.
        Case(negativeSideSpeed: 1e-17, positiveSideSpeed: -0.01, behavior: .crossing(into: .negative)),
        Case(negativeSideSpeed: 0.01, positiveSideSpeed: -1e-17, behavior: .crossing(into: .positive)),
        Case(negativeSideSpeed: 1e-13, positiveSideSpeed: -0.01, behavior: .attractingSliding),
    ])
    func classifyFollowsTheSignsOfBothNormalSpeeds(_ example: Case) {
        #expect(SurfaceClassifier.classify(
            negativeSideSpeed: example.negativeSideSpeed, positiveSideSpeed: example.positiveSideSpeed) == example.behavior)
    }
}
