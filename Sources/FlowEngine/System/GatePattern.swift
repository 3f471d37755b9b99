/// The gates of a mode as the system evaluates them (s_j ∈ {0, 1} off the sliding set, 0 on
/// it: `ModeField`), with a journal of the surfaces whose gate changed, so that a system
/// can keep what it derived from the pattern from one evaluation to the next and bring it up
/// to date at the cost of the changes (`PatternCachingSystem`). Between events nothing
/// changes at all; an event changes a few gates.
///
/// Every change of a gate increases `revision` by one. The journal keeps the last
/// `journalCapacity` changes; a system that last saw an older revision, or another pattern
/// (it can tell them apart by identity, `===`, holding the one it saw), starts again
/// from the gates themselves.
public final class GatePattern {
    /// s_j, `count` values.
    public var gates: UnsafePointer<Double> { UnsafePointer(values) }
    public let count: Int
    /// Gate changes since the pattern was made.
    public private(set) var revision = 0
    /// The most changes the journal keeps.
    public let journalCapacity: Int

    private let buffers = ScratchBuffers()
    private let values: UnsafeMutablePointer<Double>
    /// The surfaces changed at revisions `journalStart + 1 ... revision`, in order.
    private var journal: [Int] = []
    private var journalStart = 0

    /// - Parameter journalCapacity: defaults to 4096 changes, or `count` if smaller: a system
    ///   that missed more than that rebuilds from the gates, which costs about as much.
    public init(count: Int, journalCapacity: Int? = nil) {
        self.count = count
        self.journalCapacity = journalCapacity ?? min(count, 4096)
        values = buffers.doubles(count)
        journal.reserveCapacity(self.journalCapacity)
    }

    public subscript(_ j: Int) -> Double { values[j] }

    /// Sets s_j, journalling the change when the value differs.
    public func set(_ j: Int, to gate: Double) {
        guard values[j].bitPattern != gate.bitPattern else { return }
        values[j] = gate
        revision += 1
        if journal.count == journalCapacity {
            journal.removeAll(keepingCapacity: true)
            journalStart = revision - 1
        }
        journal.append(j)
    }

    /// The surfaces whose gates changed after `revision` (in order, with repeats), or nil
    /// when the journal no longer reaches back that far.
    public func changes(since revision: Int) -> ArraySlice<Int>? {
        guard revision >= journalStart, revision <= self.revision else { return nil }
        return journal[(revision - journalStart)...]
    }
}

/// A system that derives something from the gate pattern once and keeps it between
/// evaluations (a univariate network's knots as ranges of sorted samples: an O(n + m) field
/// instead of O(n·m)). `ModeField` calls this method, with its pattern, in place of
/// `evaluate(at:gates:field:switching:)`; the two must agree to rounding.
public protocol PatternCachingSystem: PiecewiseSmoothSystem {
    /// `evaluate(at:gates:field:switching:)` with `gates` = `pattern.gates`.
    func evaluate(at state: UnsafePointer<Double>, pattern: GatePattern, field: UnsafeMutablePointer<Double>,
                  switching: UnsafeMutablePointer<Double>?)
}

/// A system that names, for a gate pattern, the only surfaces whose switching functions can
/// be the first to change sign while the pattern holds (a univariate knot can first cross
/// only one of the two samples beside it). The engine then screens steps, and keeps signed
/// distances and rates, for those surfaces, the sliding set, the surfaces in exit bands or
/// departing, and the watched functions: O(candidates) per step instead of O(m).
/// The engine then takes single switching values (`switchingValue`) and rates
/// (`SurfaceRateProvidingSystem`) of those functions, and asks `evaluate` for none.
public protocol SurfaceNarrowingSystem: PatternCachingSystem, SurfaceRateProvidingSystem {
    /// g_surface(x): the value `evaluate` writes for it, to the bit.
    func switchingValue(of surface: Int, at state: UnsafePointer<Double>) -> Double

    /// Appends the candidate surfaces for `pattern` from `state` on (any order, repeats
    /// allowed) to `surfaces`, including every surface coincident with one of them. The
    /// engine asks at the start and after every event.
    ///
    /// - Returns: false when the system cannot narrow this pattern: every surface is then
    ///   screened.
    func candidateSurfaces(for pattern: GatePattern, at state: UnsafePointer<Double>, into surfaces: inout [Int]) -> Bool
}
