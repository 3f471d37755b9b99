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

    public init(relative: Double = 1e-12) {
        self.relative = relative
    }

    public func time(near t: Double) -> Double {
        max(relative * max(1, abs(t)), 4 * abs(t).ulp)
    }
}
