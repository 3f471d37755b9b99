/// The surfaces of a system grouped by coincidence (`CoincidentSurfaceSystem`): each group
/// is represented by its smallest member, its leader; a surface in no group is its own
/// leader and only member.
///
/// Every part of the engine that changes a mode (the sliding set, a side) works on leaders
/// and applies the result to every member, so the members' gates are always equal.
///
/// Without groups nothing is stored: every surface is its own leader.
struct SurfaceGroups {
    /// The leader of each surface (empty without groups).
    private let leaders: [Int]
    /// The members of leader j are `members[offsets[j] ..< offsets[j + 1]]` (empty for a
    /// surface that is not a leader; both empty without groups).
    private let members: [Int]
    private let offsets: [Int]
    /// Whether any group has more than one member.
    let hasGroups: Bool

    init(surfaceCount: Int, groups: [[Int]]) {
        hasGroups = !groups.isEmpty
        guard hasGroups else {
            (leaders, members, offsets) = ([], [], [])
            return
        }
        var leaders = Array(0..<surfaceCount)
        for group in groups {
            let leader = group.min()!
            for j in group { leaders[j] = leader }
        }
        // Members grouped by leader, in surface order within each group (a counting sort: no
        // per-surface arrays, which at 10⁶ surfaces cost more than all the rest).
        var offsets = [Int](repeating: 0, count: surfaceCount + 1)
        for j in 0..<surfaceCount { offsets[leaders[j] + 1] += 1 }
        for k in 0..<surfaceCount { offsets[k + 1] += offsets[k] }
        var next = offsets, members = [Int](repeating: 0, count: surfaceCount)
        for j in 0..<surfaceCount {
            members[next[leaders[j]]] = j
            next[leaders[j]] += 1
        }
        self.leaders = leaders
        self.members = members
        self.offsets = offsets
    }

    /// The groups of `system`, checked: in range, disjoint, at least two members each.
    static func of<System: PiecewiseSmoothSystem>(_ system: System) throws(FlowError) -> SurfaceGroups {
        let groups = (system as? any CoincidentSurfaceSystem)?.coincidentSurfaceGroups ?? []
        var seen = Set<Int>()
        for group in groups {
            guard group.count >= 2 else {
                throw .invalidProblem("a group of coincident surfaces needs at least two surfaces, got \(group)")
            }
            for j in group {
                guard (0..<system.surfaceCount).contains(j) else {
                    throw .invalidProblem("coincident surface \(j) is not among the \(system.surfaceCount) surfaces")
                }
                guard seen.insert(j).inserted else {
                    throw .invalidProblem("surface \(j) is in two groups of coincident surfaces")
                }
            }
        }
        return SurfaceGroups(surfaceCount: system.surfaceCount, groups: groups)
    }

    func leader(of j: Int) -> Int { hasGroups ? leaders[j] : j }

    /// The members of leader j, j first.
    func members(of j: Int) -> Members {
        hasGroups ? Members(grouped: members[offsets[j]..<offsets[j + 1]], alone: j) : Members(grouped: nil, alone: j)
    }

    /// A leader's members, without allocating: a slice of the groups, or the surface alone.
    struct Members: RandomAccessCollection {
        let grouped: ArraySlice<Int>?
        let alone: Int

        var startIndex: Int { 0 }
        var endIndex: Int { grouped?.count ?? 1 }
        subscript(position: Int) -> Int { grouped.map { $0[$0.startIndex + position] } ?? alone }
    }

    /// The leaders of `surfaces`, each once, in the order first met.
    func leaders(of surfaces: [Int]) -> [Int] {
        var seen = Set<Int>()
        return surfaces.map(leader(of:)).filter { seen.insert($0).inserted }
    }
}
