/// The vector field of the current mode.
///
/// Off the sliding set S the gates are fixed at 0 or 1. On S they are Utkin's equivalent
/// control: the field is affine in the gates, F(x, s) = F(x, s_S = 0) + Σ_{j∈S} s_j J_j(x)
/// with jumps J_j = F(x, s_j = 1) − F(x, s_j = 0), and s_S solves
/// ```
/// Σ_{k∈S} (∇g_i·J_k) s_k = −∇g_i·F(x, s_S = 0)   for every i ∈ S,
/// ```
/// so that every g_i, i ∈ S, stays constant (zero) along the flow. A solved gate in (0, 1)
/// is an effective derivative of the switch at 0 (the gate's value on the surface). It is the Filippov solution on S as long as the
/// gates stay in [0, 1] (DESIGN.md; Filippov 1988, §2.4; Utkin 1977).
///
/// After every evaluation `gates` holds the gates used, the solved ones included, and the
/// jumps and the matrix ∇g_S·J of that state stay available for projecting back onto S.
/// The jumps come from the system when it provides them (`JumpProvidingSystem`), else as
/// differences of two evaluations.
final class ModeField<System: PiecewiseSmoothSystem> {
    let system: System
    /// The system's own jumps and single rates, when it has them (`JumpProvidingSystem`).
    private let jumpProvider: (any JumpProvidingSystem)?
    let dimension: Int
    let surfaceCount: Int
    /// s: fixed gates off S, the last solved ones on S.
    let gates: UnsafeMutablePointer<Double>
    /// Whether each surface is in S.
    let isSliding: UnsafeMutablePointer<Bool>
    /// S in the order the gates are solved.
    private(set) var slidingSurfaces: [Int] = []
    /// Field evaluations of the system (each costs one forward pass).
    private(set) var evaluationCount = 0

    private let baseField: UnsafeMutablePointer<Double>
    private let rates: UnsafeMutablePointer<Double>
    private var jumps: UnsafeMutablePointer<Double>
    private var controlMatrix: UnsafeMutablePointer<Double>
    private var factoredMatrix: UnsafeMutablePointer<Double>
    private var solution: UnsafeMutablePointer<Double>
    private var capacity = 0

    init(system: System) {
        self.system = system
        jumpProvider = system as? any JumpProvidingSystem
        dimension = system.dimension
        surfaceCount = system.surfaceCount
        let m = max(surfaceCount, 1)
        gates = .allocate(capacity: m)
        gates.initialize(repeating: 0, count: m)
        isSliding = .allocate(capacity: m)
        isSliding.initialize(repeating: false, count: m)
        baseField = .allocate(capacity: dimension)
        rates = .allocate(capacity: m)
        jumps = .allocate(capacity: 1)
        controlMatrix = .allocate(capacity: 1)
        factoredMatrix = .allocate(capacity: 1)
        solution = .allocate(capacity: 1)
    }

    deinit {
        gates.deallocate()
        isSliding.deallocate()
        baseField.deallocate()
        rates.deallocate()
        jumps.deallocate()
        controlMatrix.deallocate()
        factoredMatrix.deallocate()
        solution.deallocate()
    }

    /// Makes S exactly `surfaces`. Buffers grow here, at events, never during a step.
    func setSlidingSurfaces(_ surfaces: [Int]) {
        for j in slidingSurfaces { isSliding[j] = false }
        slidingSurfaces = surfaces
        for j in surfaces { isSliding[j] = true }
        let k = surfaces.count
        if k > capacity {
            jumps.deallocate()
            controlMatrix.deallocate()
            factoredMatrix.deallocate()
            solution.deallocate()
            capacity = k
            jumps = .allocate(capacity: k * dimension)
            controlMatrix = .allocate(capacity: k * k)
            factoredMatrix = .allocate(capacity: k * k)
            solution = .allocate(capacity: k)
        }
    }

    /// F(x, s) for the current mode, and g(x) when `switching` is not nil.
    ///
    /// - Returns: false when the equivalent-control system is singular (then `field`
    ///   holds F with s_S = 0).
    @discardableResult
    func evaluate(at x: UnsafePointer<Double>, field: UnsafeMutablePointer<Double>,
                  switching: UnsafeMutablePointer<Double>?) -> Bool {
        evaluationCount += 1
        let surfaces = slidingSurfaces
        guard !surfaces.isEmpty else {
            system.evaluate(at: x, gates: gates, field: field, switching: switching)
            return true
        }
        let n = dimension, k = surfaces.count
        for j in surfaces { gates[j] = 0 }
        system.evaluate(at: x, gates: gates, field: baseField, switching: switching)
        system.switchingRates(at: x, velocity: baseField, into: rates)
        for (row, i) in surfaces.enumerated() { solution[row] = -rates[i] }
        for (column, j) in surfaces.enumerated() {
            let jump = jumps + column * n
            if let provider = jumpProvider {
                provider.jump(of: j, at: x, gates: gates, into: jump)
                for (row, i) in surfaces.enumerated() {
                    controlMatrix[row * k + column] = provider.switchingRate(of: i, at: x, velocity: jump)
                }
                continue
            }
            gates[j] = 1
            evaluationCount += 1
            system.evaluate(at: x, gates: gates, field: jump, switching: nil)
            gates[j] = 0
            for r in 0..<n { jump[r] -= baseField[r] }
            system.switchingRates(at: x, velocity: jump, into: rates)
            for (row, i) in surfaces.enumerated() { controlMatrix[row * k + column] = rates[i] }
        }
        factoredMatrix.update(from: controlMatrix, count: k * k)
        let solved = SmallLinearSolver.solve(factoredMatrix, solution, size: k)
        field.update(from: baseField, count: n)
        guard solved else { return false }
        for (column, j) in surfaces.enumerated() {
            let s = solution[column]
            gates[j] = s
            let jump = jumps + column * n
            for r in 0..<n { field[r] += s * jump[r] }
        }
        return true
    }

    /// Moves x back onto S along the jump directions after an accepted step:
    /// x ← x − Σ_k c_k J_k with (∇g_S·J) c = g_S(x), which is exact in one step for
    /// switching functions linear in x (affine surfaces), using the
    /// jumps of the last `evaluate`, which must have been at x.
    ///
    /// - Returns: max_{i∈S} |g_i(x)| before the correction (the drift off S).
    func projectOntoSlidingSurfaces(_ x: UnsafeMutablePointer<Double>, switching: UnsafePointer<Double>) -> Double {
        let surfaces = slidingSurfaces
        let n = dimension, k = surfaces.count
        guard k > 0 else { return 0 }
        var drift = 0.0
        for (row, i) in surfaces.enumerated() {
            solution[row] = switching[i]
            drift = max(drift, abs(switching[i]))
        }
        guard drift > 0 else { return 0 }
        factoredMatrix.update(from: controlMatrix, count: k * k)
        guard SmallLinearSolver.solve(factoredMatrix, solution, size: k) else { return drift }
        for column in 0..<k {
            let jump = jumps + column * n
            for r in 0..<n { x[r] -= solution[column] * jump[r] }
        }
        return drift
    }
}
