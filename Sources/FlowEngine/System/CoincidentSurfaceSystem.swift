/// A system some of whose switching functions coincide: g_i(x) = g_j(x) for every x, as
/// the pre-activations of one neuron on two identical samples do.
///
/// Coincident surfaces are one surface counted several times. On either side of it their
/// gates agree, so the Filippov set there is spanned by the fields with all of them 0 and
/// all of them 1 (Filippov 1988, §2.4); a pattern with different gates is no side of
/// anything. The engine therefore treats each group as one surface with one gate: it is
/// crossed, slid on and left as a whole, its jump is the sum of its members' jumps and, while
/// sliding, every member reports the same solved gate. Without this declaration the group's
/// equivalent-control system would be singular with a one-parameter family of gates, and
/// of sliding velocities too where the members' jumps differ.
public protocol CoincidentSurfaceSystem: PiecewiseSmoothSystem {
    /// Disjoint groups of at least two surfaces each whose switching functions are
    /// identical (computed by the same operations, so equal to the last bit).
    var coincidentSurfaceGroups: [[Int]] { get }
}
