/// A vector field that switches on surfaces g_j(x) = 0 and is affine in its gates.
///
/// ```
/// ẋ = F(x, s),   s ∈ [0, 1]^m,   one gate s_j per switching function g_j
/// ```
/// Off the surfaces the engine sets s_j = 1 on the side g_j > 0 and s_j = 0 on the side
/// g_j < 0. On a surface the gate is what the engine decides from the one-sided normal
/// speeds ∇g_j·F(x, s_j = 0) and ∇g_j·F(x, s_j = 1) (see `SurfaceClassifier`): the system
/// never reads its own switching signs to pick a field.
///
/// Conformers evaluate F and g in one pass (the switching values are often
/// intermediate results of the field), write into caller-owned buffers and must not allocate.
public protocol PiecewiseSmoothSystem {
    /// Length of the state x.
    var dimension: Int { get }
    /// Number m of switching functions.
    var surfaceCount: Int { get }

    /// Writes F(x, s) into `field` and, when `switching` is not nil, g(x) into it.
    ///
    /// - Parameters:
    ///   - state: x, `dimension` values.
    ///   - gates: s, `surfaceCount` values in [0, 1].
    ///   - field: receives F(x, s), `dimension` values.
    ///   - switching: receives g(x), `surfaceCount` values, or nil when not needed.
    func evaluate(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?)

    /// Writes the directional derivatives ġ_j = ∇g_j(x)·v of every switching function.
    ///
    /// With v = F(x, s) these are the time derivatives of g along the flow; with v a
    /// one-sided field they are that side's normal speeds.
    func switchingRates(
        at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
        into rates: UnsafeMutablePointer<Double>)
}

/// A system that can give the exact Jacobian ∂F/∂x of the field for fixed gates.
///
/// Implicit GSL methods (`rk1imp`, `rk2imp`, `rk4imp`, `bsimp`, `msbdf`) call it; for
/// systems without it the engine uses central differences.
public protocol JacobianProvidingSystem: PiecewiseSmoothSystem {
    /// Writes ∂F_i/∂x_k row-major (`dimension` × `dimension`) into `jacobian`.
    func jacobian(
        at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
        into jacobian: UnsafeMutablePointer<Double>)
}

/// A system that says what magnitude each component's error should be measured against,
/// where |x_i| alone is the wrong yardstick: the step control then asks
/// |err_i| ≤ atol + rtol·max(|x_i|, scale_i) (the error weights of SUNDIALS CVODE's
/// `CVodeWFtolerances`). A component that is small beside the block it belongs to, say
/// one entry of a large weight vector, is then controlled relative to the block, not to
/// itself, as a norm-wise relative error would.
public protocol ErrorScaledSystem: PiecewiseSmoothSystem {
    /// Writes scale_i ≥ 0 for every component at `state`. Called once per step, at its start.
    func errorScales(at state: UnsafePointer<Double>, into scales: UnsafeMutablePointer<Double>)
}

/// A system that gives one surface's rate ∇g_j(x)·v without computing all m of them: the
/// engine asks for single rates where it needs a few surfaces' (the sliding set's rows, the
/// resolution band ε_j = Σ_k |∂g_j/∂x_k|·w_k of one contact, p rates along the axes), which
/// from `switchingRates` alone cost m rates each.
public protocol SurfaceRateProvidingSystem: PiecewiseSmoothSystem {
    /// ∇g_surface(x)·v for one surface.
    func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double
}

/// A system that gives the jump of one surface, J_j = F(x, s_j = 1) − F(x, s_j = 0) with the
/// other gates as they are, and one surface's rate, more cheaply than whole evaluations.
/// While sliding on k surfaces, `ModeField` otherwise pays k + 1 full evaluations of F and
/// k full sets of rates per field evaluation.
public protocol JumpProvidingSystem: SurfaceRateProvidingSystem {
    /// Writes J_surface at `state` into `jump` (`dimension` values). `gates[surface]` is 0.
    /// It must equal the difference of the two evaluations to rounding.
    func jump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
              into jump: UnsafeMutablePointer<Double>)

    /// The block of `surface` in a partition of the surfaces that the jumps cross only off
    /// their surfaces: ∇g_i·J_j = O(g_j(x)), zero where g_j(x) = 0, whenever
    /// `jumpBlock(of: i) != jumpBlock(of: j)`. While sliding, where every g_j is zero up to
    /// the drift, the equivalent control is then nearly block diagonal, and `ModeField`
    /// solves it block by block with a refinement to the whole system's solution. The
    /// default puts every surface in block 0.
    func jumpBlock(of surface: Int) -> Int
}

extension JumpProvidingSystem {
    /// Every surface in one block: no structure claimed.
    public func jumpBlock(of surface: Int) -> Int { 0 }
}
