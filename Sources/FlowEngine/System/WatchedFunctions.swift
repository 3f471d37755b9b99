/// Functions h_i(x) whose zeros are located like surface events but switch nothing: the
/// root functions of CVODE (`CVodeRootInit`, with `CVodeSetRootDirection`) and the
/// conditions of SciML's `ContinuousCallback`. A level of some quantity, a threshold, a
/// norm reaching a size: each crossing is a `TimelineEvent.Kind.watched` entry, located
/// with the same screen, re-stepping and precision as a surface event, and the field and
/// the mode are never changed by it.
///
/// Declared on the problem beside the system (`FlowProblem.watched`), so the system keeps
/// its own capabilities (jumps, Jacobian, error scales) untouched. The engine labels
/// functions by their index i; the caller names them. Conformers write into caller-owned
/// buffers and must not allocate.
public protocol WatchedFunctions {
    /// Number of functions h_i.
    var count: Int { get }

    /// Writes h_i(x) for every i into `values` (`count` values).
    func values(at state: UnsafePointer<Double>, into values: UnsafeMutablePointer<Double>)

    /// Writes ∇h_i(x)·v for every i into `rates`: with v = F(x, s), the rates along the flow
    /// that the step screen's Hermite interpolants use.
    func rates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
               into rates: UnsafeMutablePointer<Double>)

    /// Which crossings of h_i are recorded (CVODE's root direction). Crossings in the
    /// other direction are still located, so that the side of h_i is always known.
    func direction(of function: Int) -> WatchedDirection
}

extension WatchedFunctions {
    /// Both directions.
    public func direction(of function: Int) -> WatchedDirection { .both }
}

/// The crossings of a watched function that are recorded: h rising through 0 (into its
/// positive side), falling through 0, or both (`CVodeSetRootDirection`'s +1, −1, 0).
public enum WatchedDirection: Sendable, Equatable {
    case increasing
    case decreasing
    case both

    /// Whether a crossing into `side` is recorded.
    public func admits(_ side: Side) -> Bool {
        switch self {
        case .increasing: side == .positive
        case .decreasing: side == .negative
        case .both: true
        }
    }
}
