import CModelKernels

/// How the field kernels (`CModelKernels`, behind the affine two-layer networks'
/// `AffineNeuronFamily.familyField` and `linearSwitchingRates`, `UnivariateNetwork.evaluate`
/// and the single neurons' `Dataset.writePreActivations` and `Dataset.addGatedRowSums`)
/// run: on which vector unit, and on how many threads a two-layer evaluation uses once m·n
/// reaches 2^18 (the univariate one stays on one: at E7 paper's m·n = 3·10⁵ two threads were
/// slower). Neither changes a bit
/// of the results: the kernels fuse no multiply-add, keep every sum's order, and give each
/// block and each neuron to one thread, so a run is bit-identical on any x86-64 machine and
/// for any thread count.
/// By default the widest unit the CPU has and `RELUFLOW_THREADS` threads, else as many as
/// the CPUs the process may run on (a Slurm task's allocation); `useLevel` and `useThreads`
/// change that for the calling thread's evaluations only (tests compare levels in parallel).
public enum FieldKernels {
    /// What each level runs on, by level.
    public static let levelNames = ["baseline (SSE2)", "AVX2", "AVX-512"]

    /// The widest level this CPU runs (0 off x86-64).
    public static var widestLevel: Int { Int(reluflow_widest_kernel_level()) }

    /// The level the calling thread's evaluations run at.
    public static var level: Int { Int(reluflow_kernel_level()) }

    /// Makes the calling thread's evaluations run at `level`, clamped to 0 ... `widestLevel`;
    /// returns that level.
    @discardableResult
    public static func useLevel(_ level: Int) -> Int { Int(reluflow_use_kernel_level(Int32(level))) }

    /// The threads the calling thread's large evaluations use.
    public static var threads: Int { Int(reluflow_thread_count()) }

    /// Makes the calling thread's large evaluations use `threads` threads (clamped to 1 ... 64);
    /// returns that count.
    @discardableResult
    public static func useThreads(_ threads: Int) -> Int { Int(reluflow_use_threads(Int32(threads))) }

    /// How many threads an evaluation of `width` neurons on `samples` samples uses.
    public static func parts(width: Int, samples: Int) -> Int { reluflow_parallel_parts(width, samples) }
}
