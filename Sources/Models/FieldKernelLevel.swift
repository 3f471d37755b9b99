import CModelKernels

/// The vector unit the affine two-layer networks' field kernels (`CModelKernels`, used by
/// `AffineNeuronFamily.familyField` and `linearSwitchingRates`) run on. Every level gives the
/// same bits: the kernels fuse no multiply-add and keep every sum's order, so a run is
/// bit-identical on any x86-64 machine. The widest level the CPU has is used unless a
/// benchmark or a test picks another.
public enum FieldKernelLevel {
    /// What each level runs on, by level.
    public static let names = ["baseline (SSE2)", "AVX2", "AVX-512"]

    /// The widest level this CPU runs (0 off x86-64).
    public static var widest: Int { Int(reluflow_widest_kernel_level()) }

    /// The level the kernels run at.
    public static var current: Int { Int(reluflow_kernel_level()) }

    /// Makes the kernels run at `level`, clamped to 0 ... `widest`; returns the level in use.
    @discardableResult
    public static func use(_ level: Int) -> Int { Int(reluflow_use_kernel_level(Int32(level))) }
}
