import CEngineKernels

/// The vector field of the current mode.
///
/// Off the sliding set S the gates are fixed at 0 or 1. On S they are Utkin's equivalent
/// control: the field is affine in the gates, F(x, s) = F(x, s_S = 0) + Σ_{j∈S} s_j J_j(x)
/// with jumps J_j = F(x, s_j = 1) − F(x, s_j = 0), and s_S solves
/// ```
/// Σ_{k∈S} (∇g_i·J_k) s_k = −∇g_i·F(x, s_S = 0)   for every i ∈ S,
/// ```
/// so that every g_i, i ∈ S, stays constant (zero) along the flow. A solved gate in (0, 1)
/// is the switch's effective value on the surface. Where the jumps are linearly dependent
/// (knots clustered on one sample) the system is singular: the sliding velocity is still
/// unique, the gates are not, and `SmallLinearSolver` takes the solution nearest ½·1, moved
/// into [0, 1]^k when one lies there. It is the Filippov solution on S as
/// long as the gates stay in [0, 1] (DESIGN.md; Filippov 1988, §2.4; Utkin 1977).
///
/// The mode itself is `gates` (0 or 1 off S, 0 on S) and S; evaluating it changes neither:
/// the solved gates are an output of each evaluation, and the jumps and the matrix ∇g_S·J
/// of the last evaluation stay available for projecting back onto S. The jumps come from
/// the system when it provides them (`JumpProvidingSystem`), else as differences of two
/// evaluations.
///
/// When the system partitions its surfaces into blocks that the jumps cross only off their
/// surfaces (`JumpProvidingSystem.jumpBlock`: ∇g_i·J_j = O(g_j) across blocks; a two-layer
/// network's neurons), M = ∇g_S·J_S is its block diagonal B (S ordered by block) plus a
/// coupling E of the size of the drift off S. The system is solved with B, k_b × k_b systems
/// instead of one k × k, and refined once, s ← s + B⁻¹(r − M s), where M s needs only the
/// rates of S along Σ s_j J_j, the sliding field's own jump part (iterative refinement with B
/// as the approximate inverse; Higham, *Accuracy and Stability*, §12.1). The correction is
/// about ‖B⁻¹E‖·‖s‖, and so is the error left after it, relative to it: when the correction
/// is below 1e-8·max(1, ‖s‖∞) the solution is the whole system's to ~1e-16, and the
/// residual ∇g_S·F is checked to be the rounding of its terms (1e-12 of them). Otherwise,
/// and whenever a block is singular (its jumps dependent: a neuron at the origin of its
/// (w, b), where the choice among gates must see the whole system, coupling included), M is
/// built whole and solved as one system. Where E is zero (exactly on S) the blocks are the solution:
/// the solution set of a block-diagonal system is the product of the blocks', and the
/// choice among solutions (`SmallLinearSolver.Choice`) is separable.
///
/// Coincident surfaces (`CoincidentSurfaceSystem`) are one surface: S holds only each
/// group's leader (`SurfaceGroups`), the leader's jump is the sum of its members' (the field
/// is affine in the gates) and its row uses the leader's g, and every member gets the
/// leader's gate, solved or set (`setSide`).
final class ModeField<System: PiecewiseSmoothSystem> {
    let system: System
    /// The system's own jumps, when it has them (`JumpProvidingSystem`).
    private let jumpProvider: (any JumpProvidingSystem)?
    /// Whether `jump(of:at:base:into:)` costs no evaluation (the system gives its jumps).
    var providesJumps: Bool { jumpProvider != nil }
    /// The system's single rates, when it has them (`SurfaceRateProvidingSystem`).
    private let rateProvider: (any SurfaceRateProvidingSystem)?
    let dimension: Int
    let surfaceCount: Int
    /// Coincident surfaces, acted on as one.
    let groups: SurfaceGroups
    /// The gate pattern: s_j ∈ {0, 1} off S, 0 on S (the solved values are outputs); every
    /// change goes through `setGate`, which journals it for a `PatternCachingSystem`.
    let pattern: GatePattern
    var gates: UnsafePointer<Double> { pattern.gates }
    /// The system's pattern-keeping evaluation, when it has one.
    private let patternCaching: (any PatternCachingSystem)?
    /// Whether each surface is in S.
    let isSliding: UnsafeMutablePointer<Bool>
    /// S in the order it was set.
    private(set) var slidingSurfaces: [Int] = []
    /// S ordered block by block (`JumpProvidingSystem.jumpBlock`): the order of the columns
    /// of the equivalent control, whose jumps, rows and gates are stored in it.
    private var solveOrder: [Int] = []
    /// The sizes of the consecutive blocks of `solveOrder`.
    private var blockSizes: [Int] = []
    /// Whether the last `evaluate` solved M whole (`wholeMatrix`) rather than by blocks.
    private var solvedWhole = false
    /// Surface j's gate in an evaluation that wrote `gatesUsed`: the solved one on the sliding
    /// set, else the pattern's (`evaluate` writes only the former).
    @inline(__always)
    func gateUsed(_ j: Int, in gatesUsed: UnsafePointer<Double>) -> Double { isSliding[j] ? gatesUsed[j] : gates[j] }

    /// Writes the pattern's gates off the sliding set into `gatesUsed` too, for a consumer
    /// that reads every gate (a Jacobian). O(m).
    func completeGatesUsed(_ gatesUsed: UnsafeMutablePointer<Double>) {
        for j in 0..<surfaceCount where !isSliding[j] { gatesUsed[j] = gates[j] }
    }

    /// Field evaluations of the system (each costs one forward pass).
    private(set) var evaluationCount = 0

    private let buffers = ScratchBuffers()
    private let baseField: UnsafeMutablePointer<Double>
    /// All surfaces' rates, for a system without single ones (with them the buffer is never
    /// written, so its pages never become resident).
    private let rates: UnsafeMutablePointer<Double>
    /// One member's jump, summed into its group's; or F(x, s_G = 0) for a jump without a base.
    private let memberJump: UnsafeMutablePointer<Double>
    /// The equivalent-control system of S; replaced (never resized in place) when S grows.
    private var control: EquivalentControlBuffers

    /// Buffers for k sliding surfaces: the jumps J_S, the diagonal blocks of the matrix
    /// ∇g_S·J_S (each row-major, one after the other), the whole matrix when it is needed,
    /// the right-hand side, which becomes s_S, its copy, a correction, one column of a block,
    /// and the solver's own.
    private final class EquivalentControlBuffers {
        private let buffers = ScratchBuffers()
        let capacity: Int
        let jumps: UnsafeMutablePointer<Double>
        let matrix: UnsafeMutablePointer<Double>
        let wholeMatrix: UnsafeMutablePointer<Double>
        let solution: UnsafeMutablePointer<Double>
        let rightHandSide: UnsafeMutablePointer<Double>
        let correction: UnsafeMutablePointer<Double>
        let column: UnsafeMutablePointer<Double>
        let solver: SmallLinearSolver

        init(capacity k: Int, dimension n: Int) {
            capacity = k
            jumps = buffers.doubles(k * n)
            matrix = buffers.doubles(k * k)
            wholeMatrix = buffers.doubles(k * k)
            solution = buffers.doubles(k)
            rightHandSide = buffers.doubles(k)
            correction = buffers.doubles(k)
            column = buffers.doubles(k)
            solver = SmallLinearSolver(capacity: k)
        }
    }

    init(system: System, groups: SurfaceGroups) {
        self.system = system
        self.groups = groups
        jumpProvider = system as? any JumpProvidingSystem
        rateProvider = system as? any SurfaceRateProvidingSystem
        dimension = system.dimension
        surfaceCount = system.surfaceCount
        pattern = GatePattern(count: surfaceCount)
        patternCaching = system as? any PatternCachingSystem
        isSliding = buffers.flags(surfaceCount)
        baseField = buffers.doubles(dimension)
        rates = buffers.doubles(surfaceCount)
        memberJump = buffers.doubles(dimension)
        control = EquivalentControlBuffers(capacity: 0, dimension: dimension)
    }

    /// Makes S exactly `surfaces` (group leaders); their members' pattern gates become 0.
    /// Buffers grow here, at events, never during a step.
    func setSlidingSurfaces(_ surfaces: [Int]) {
        for j in slidingSurfaces {
            for member in groups.members(of: j) { isSliding[member] = false }
        }
        slidingSurfaces = surfaces
        (solveOrder, blockSizes) = blocks(of: surfaces)
        for j in surfaces {
            for member in groups.members(of: j) {
                isSliding[member] = true
                pattern.set(member, to: 0)
            }
        }
        if surfaces.count > control.capacity {
            control = EquivalentControlBuffers(capacity: surfaces.count, dimension: dimension)
        }
    }

    /// `surfaces` ordered block by block, blocks in the order first met and S's order within
    /// each, with the block sizes; one block when the system names no blocks, or when the
    /// members of a coincident group (whose jumps are summed) lie in different blocks.
    private func blocks(of surfaces: [Int]) -> (order: [Int], sizes: [Int]) {
        guard let provider = jumpProvider, surfaces.count > 1 else {
            return (surfaces, surfaces.isEmpty ? [] : [surfaces.count])
        }
        var lists: [[Int]] = [], listOfBlock: [Int: Int] = [:]
        for j in surfaces {
            let block = provider.jumpBlock(of: j)
            guard groups.members(of: j).allSatisfy({ provider.jumpBlock(of: $0) == block }) else {
                return (surfaces, [surfaces.count])
            }
            if let list = listOfBlock[block] {
                lists[list].append(j)
            } else {
                listOfBlock[block] = lists.count
                lists.append([j])
            }
        }
        return (lists.flatMap { $0 }, lists.map(\.count))
    }

    /// Puts surface j off S on `side`, with every surface coincident with it.
    func setSide(_ side: Side, of j: Int) {
        for member in groups.members(of: groups.leader(of: j)) { pattern.set(member, to: side.gate) }
    }

    /// Sets pattern gate s_j alone (the start of a run, a contact's resolution).
    func setGate(_ j: Int, to gate: Double) { pattern.set(j, to: gate) }

    /// The system's F (and g) at x with the pattern's gates.
    @inline(__always)
    private func evaluateSystem(at x: UnsafePointer<Double>, field: UnsafeMutablePointer<Double>,
                                switching: UnsafeMutablePointer<Double>?) {
        if let patternCaching {
            patternCaching.evaluate(at: x, pattern: pattern, field: field, switching: switching)
        } else {
            system.evaluate(at: x, gates: gates, field: field, switching: switching)
        }
    }

    /// F(x, s) for the current mode, g(x) when `switching` is not nil, and the solved s_S
    /// into `gatesUsed` (indexed by surface) when it is not nil. Its other entries are left
    /// as they are, not copied from the pattern (O(m) per evaluation, and the pages of an
    /// m-sized buffer): read a gate used through `gateUsed(_:in:)`.
    ///
    /// - Returns: false when the equivalent-control system has no solution (singular and
    ///   inconsistent: no sliding velocity keeps every g_S at zero); then `field` holds F
    ///   with s_S = 0, and so does `gatesUsed`.
    @discardableResult
    func evaluate(at x: UnsafePointer<Double>, field: UnsafeMutablePointer<Double>,
                  switching: UnsafeMutablePointer<Double>?, gatesUsed: UnsafeMutablePointer<Double>? = nil) -> Bool {
        evaluationCount += 1
        let surfaces = solveOrder
        guard !surfaces.isEmpty else {
            evaluateSystem(at: x, field: field, switching: switching)
            return true
        }
        let n = dimension, k = surfaces.count
        let jumps = control.jumps, solution = control.solution, rightHandSide = control.rightHandSide
        evaluateSystem(at: x, field: baseField, switching: switching)
        writeRates(of: surfaces.indices, at: x, along: baseField, into: rightHandSide)
        for row in surfaces.indices { rightHandSide[row] = -rightHandSide[row] }
        solution.update(from: rightHandSide, count: k)
        solvedWhole = false
        var solved = true, allUnique = true
        forEachBlock { start, size, block in
            for column in 0..<size {
                let jump = jumps + (start + column) * n
                self.jump(of: surfaces[start + column], at: x, base: baseField, into: jump)
                writeRates(of: start..<(start + size), at: x, along: jump, into: control.column)
                for row in 0..<size { block[row * size + column] = control.column[row] }
            }
            if solved { solved = control.solver.solve(block, solution + start, size: size, choosing: .gates) }
            allUnique = allUnique && control.solver.lastSolutionWasUnique
        }
        field.update(from: baseField, count: n)
        if solved { addJumps(weighted: solution, to: field) }
        if blockSizes.count > 1, !(solved && allUnique && refineBlockSolution(at: x, field: field)) {
            solvedWhole = true
            solved = solveWhole(at: x, field: field)
        }
        if let gatesUsed {
            for column in surfaces.indices {
                for member in groups.members(of: surfaces[column]) { gatesUsed[member] = solved ? solution[column] : 0 }
            }
        }
        guard solved else {
            field.update(from: baseField, count: n)
            return false
        }
        return true
    }

    /// field += Σ_c weights[c] J_c over the columns of the equivalent control, column after
    /// column in each component (four columns per pass over `field`), on the widest vector
    /// unit (`reluflow_add_weighted_columns`: the same sums on every unit).
    private func addJumps(weighted weights: UnsafePointer<Double>, to field: UnsafeMutablePointer<Double>) {
        reluflow_add_weighted_columns(-1, dimension, solveOrder.count, weights, control.jumps, field)
    }

    /// One step of iterative refinement of the block solution s (`control.solution`), with
    /// `field` = F₀ + Σ s_c J_c on entry: c = B⁻¹(r − M s), where r − M s = −∇g_S·`field`
    /// (r = −∇g_S·F₀). Adds c to s and Σ c_j J_j to `field`.
    ///
    /// - Returns: whether c was small enough for s to be the whole system's solution (see
    ///   the type's notes); false when a block could not be solved.
    private func refineBlockSolution(at x: UnsafePointer<Double>, field: UnsafeMutablePointer<Double>) -> Bool {
        let correction = control.correction, solution = control.solution
        writeRates(of: solveOrder.indices, at: x, along: field, into: correction)
        var solutionSize = 1.0
        for c in solveOrder.indices {
            correction[c] = -correction[c]
            solutionSize = max(solutionSize, abs(solution[c]))
        }
        var solved = true
        forEachBlock { start, size, block in
            if solved { solved = control.solver.solve(block, correction + start, size: size, choosing: .minimumNorm) }
        }
        guard solved else { return false }
        var correctionSize = 0.0
        for c in solveOrder.indices {
            solution[c] += correction[c]
            correctionSize = max(correctionSize, abs(correction[c]))
        }
        addJumps(weighted: correction, to: field)
        guard correctionSize <= Self.refinementLimit * solutionSize else { return false }
        // A singular block is solved only to its consistency tolerance: the residual must
        // now be the rounding of the rows' terms, |r_i| + Σ_c |B_ic s_c|.
        writeRates(of: solveOrder.indices, at: x, along: field, into: correction)
        var converged = true
        forEachBlock { start, size, block in
            for row in 0..<size {
                var scale = abs(control.rightHandSide[start + row])
                for column in 0..<size { scale += abs(block[row * size + column] * solution[start + column]) }
                if abs(correction[start + row]) > Self.residualLimit * scale { converged = false }
            }
        }
        return converged
    }

    /// The largest residual of a refined block solution, relative to its row's terms.
    static var residualLimit: Double { 1e-12 }

    /// A refinement's correction above this, relative to max(1, ‖s‖∞), sends the solve to
    /// the whole system.
    static var refinementLimit: Double { 1e-8 }

    /// Builds M whole from the jumps of the last solve and solves it for the gates:
    /// `control.solution` and `field` = F₀ + Σ s_j J_j.
    private func solveWhole(at x: UnsafePointer<Double>, field: UnsafeMutablePointer<Double>) -> Bool {
        let n = dimension, k = solveOrder.count
        buildWholeMatrix(at: x)
        control.solution.update(from: control.rightHandSide, count: k)
        guard control.solver.solve(control.wholeMatrix, control.solution, size: k, choosing: .gates) else { return false }
        field.update(from: baseField, count: n)
        addJumps(weighted: control.solution, to: field)
        return true
    }

    /// M = ∇g_S·J_S whole into `control.wholeMatrix`, from the jumps of the last `evaluate`.
    private func buildWholeMatrix(at x: UnsafePointer<Double>) {
        let n = dimension, k = solveOrder.count, matrix = control.wholeMatrix
        for column in 0..<k {
            writeRates(of: solveOrder.indices, at: x, along: control.jumps + column * n, into: control.column)
            for row in 0..<k { matrix[row * k + column] = control.column[row] }
        }
    }

    /// Calls `body(start, size, block)` for each block of `solveOrder` in turn, `block` its
    /// k_b × k_b matrix storage in `control.matrix`.
    private func forEachBlock(_ body: (Int, Int, UnsafeMutablePointer<Double>) -> Void) {
        var start = 0, offset = 0
        for size in blockSizes {
            body(start, size, control.matrix + offset)
            start += size
            offset += size * size
        }
    }

    /// ∇g_i·v for the surfaces i = solveOrder[c], c in `columns`, in order into `target`: one
    /// surface's rate at a time from a `SurfaceRateProvidingSystem`, else from all the
    /// system's rates.
    private func writeRates(of columns: Range<Int>, at x: UnsafePointer<Double>, along v: UnsafePointer<Double>,
                            into target: UnsafeMutablePointer<Double>) {
        if let provider = rateProvider {
            for c in columns { target[c - columns.lowerBound] = provider.switchingRate(of: solveOrder[c], at: x, velocity: v) }
        } else {
            system.switchingRates(at: x, velocity: v, into: rates)
            for c in columns { target[c - columns.lowerBound] = rates[solveOrder[c]] }
        }
    }

    /// ∇g_j·v at x for one surface: from a `SurfaceRateProvidingSystem` alone, else from all
    /// the system's rates.
    func switchingRate(of j: Int, at x: UnsafePointer<Double>, along v: UnsafePointer<Double>) -> Double {
        if let provider = rateProvider { return provider.switchingRate(of: j, at: x, velocity: v) }
        system.switchingRates(at: x, velocity: v, into: rates)
        return rates[j]
    }

    /// The jump of leader j's group at x, J_j = F(x, s_G = 1) − F(x, s_G = 0), the other gates
    /// as in the pattern: the sum of the members' jumps (the field is affine in the gates).
    /// From the system when it provides jumps, else the difference of two evaluations
    /// (counted in `evaluationCount`), of which `base`, F(x, s_G = 0), may be given.
    /// The pattern is unchanged afterwards.
    func jump(of j: Int, at x: UnsafePointer<Double>, base: UnsafePointer<Double>?,
              into jump: UnsafeMutablePointer<Double>) {
        let members = groups.members(of: j)
        if let provider = jumpProvider {
            provider.jump(of: j, at: x, gates: gates, into: jump)
            for member in members.dropFirst() {
                provider.jump(of: member, at: x, gates: gates, into: memberJump)
                for r in 0..<dimension { jump[r] += memberJump[r] }
            }
            return
        }
        // Trials of the pattern with s_G = 0 and 1, restored at once.
        let gate = gates[j]
        if base == nil {
            for member in members { pattern.set(member, to: 0) }
            evaluationCount += 1
            evaluateSystem(at: x, field: memberJump, switching: nil)
        }
        for member in members { pattern.set(member, to: 1) }
        evaluationCount += 1
        evaluateSystem(at: x, field: jump, switching: nil)
        for member in members { pattern.set(member, to: gate) }
        let reference = base ?? UnsafePointer(memberJump)
        for r in 0..<dimension { jump[r] -= reference[r] }
    }

    /// Moves x back onto S along the jump directions after an accepted step:
    /// x ← x − Σ_k c_k J_k with (∇g_S·J) c = g_S(x), c of minimum norm where the jumps
    /// are dependent (`SmallLinearSolver.Choice.minimumNorm`), which is exact in one step for
    /// switching functions linear in x (affine surfaces), using the
    /// jumps of the last `evaluate`, which must have been at x, and its blocks when it solved
    /// by blocks (then every block was nonsingular, and the coupling leaves E c = O(drift²)
    /// on S). Where the jumps of one block are dependent (a neuron at the origin of its
    /// (w, b)) `evaluate` solved M whole, and so does this: the blocks' minimum-norm c would be
    /// another c than the whole system's, which moves x along S as well.
    ///
    /// - Returns: max_{i∈S} |g_i(x)| before the correction (the drift off S).
    func projectOntoSlidingSurfaces(_ x: UnsafeMutablePointer<Double>, switching: UnsafePointer<Double>) -> Double {
        let surfaces = solveOrder
        guard !surfaces.isEmpty else { return 0 }
        let solution = control.solution
        var drift = 0.0
        for (row, i) in surfaces.enumerated() {
            solution[row] = switching[i]
            drift = max(drift, abs(switching[i]))
        }
        guard drift > 0 else { return 0 }
        subtractJumpCombination(from: x)
        return drift
    }

    /// v ← v − J_S M⁻¹ (∇g_S·v), M = ∇g_S·J_S: the part of v along the jumps taken out, so
    /// that ∇g_i·v = 0 for every i ∈ S afterwards (the oblique projection onto the tangent
    /// space of S along the jumps; minimum-norm M⁻¹ where the jumps are dependent). Uses the
    /// jumps and M of the last `evaluate`, which must have been at x: its blocks when it
    /// solved by blocks, so ∇g_i·v is then O(drift) (for Newton iterations' Jacobians).
    ///
    /// - Returns: false when M has no solution for v's rates (v is then unchanged).
    @discardableResult
    func projectAlongJumps(_ v: UnsafeMutablePointer<Double>, at x: UnsafePointer<Double>) -> Bool {
        guard !solveOrder.isEmpty else { return true }
        writeRates(of: solveOrder.indices, at: x, along: v, into: control.solution)
        return subtractJumpCombination(from: v)
    }

    /// y ← y − Σ_k c_k J_k with M c = `control.solution` (minimum norm), which becomes −c:
    /// with M whole when the last `evaluate` solved it whole, else block by block, which
    /// leaves the coupling's E c.
    @discardableResult
    private func subtractJumpCombination(from y: UnsafeMutablePointer<Double>) -> Bool {
        let k = solveOrder.count, solution = control.solution
        if solvedWhole {
            guard control.solver.solve(control.wholeMatrix, solution, size: k, choosing: .minimumNorm) else { return false }
        } else {
            var solved = true
            forEachBlock { start, size, block in
                if solved { solved = control.solver.solve(block, solution + start, size: size, choosing: .minimumNorm) }
            }
            guard solved else { return false }
        }
        // y − c·J is y + (−c)·J exactly.
        for column in solveOrder.indices { solution[column] = -solution[column] }
        addJumps(weighted: solution, to: y)
        return true
    }
}
