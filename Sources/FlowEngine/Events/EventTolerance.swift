/// How precisely event times are located.
///
/// ```
/// τ(t) = max(relative · max(1, |t|), 4 · ulp(t))
/// ```
/// The default relative size 1e-12 leaves about four digits of head room above double
/// rounding at |t| ≤ 1e3, so bracketing still converges; the ulp floor keeps it meaningful
/// for large t. It is shaped like CVODE's `ttol = 100·U·(|t| + |h|)` without the step-size
/// term: a re-stepped root is as good as the step it was taken from, whatever h was.
public struct EventTolerance: Sendable, Equatable {
    public var relative: Double
    /// How far a sliding gate must be seen outside [0, 1] at a step end before an exit is
    /// located (the exit time is then the root of the gate reaching 0 or 1 itself).
    ///
    /// A flow that converges to a point on a surface (common where the surfaces the flow is
    /// on do not determine x) drives its gate to 0 or 1 only asymptotically, and the equivalent
    /// control, a small difference of large terms there, then rounds to values up to
    /// ~1e-13 outside; 1e-12 keeps such noise from reading as an exit.
    public var gate: Double

    public init(relative: Double = 1e-12, gate: Double = 1e-12) {
        self.relative = relative
        self.gate = gate
    }

    public func time(near t: Double) -> Double {
        max(relative * max(1, abs(t)), 4 * abs(t).ulp)
    }
}
