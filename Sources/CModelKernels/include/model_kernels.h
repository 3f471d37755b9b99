#ifndef RELUFLOW_MODEL_KERNELS_H
#define RELUFLOW_MODEL_KERNELS_H

/// The two GEMM-shaped passes of the affine two-layer networks' field (`AffineNeuronFamily`
/// in Models), on blocks of 8 consecutive samples. Every sum runs in the order the Swift
/// description in `AffineNeuronFamily.familyField` gives, lane by lane, with no fused
/// multiply-add, and every block's and every neuron's sums are formed by one thread: the
/// result is the same to the bit on every x86-64 CPU and for any thread count, while the
/// code uses the widest vector unit the CPU has (level 2: AVX-512, 1: AVX2, 0: the
/// baseline, SSE2 on x86-64), chosen at the first call, and several threads for large m·n.

/// One evaluation's inputs and outputs. Samples come in `blockCount` = ⌈n/8⌉ blocks of 8.
typedef struct {
    /// Neurons, input dimension, samples.
    long m, d, n;
    /// w_k at weights + k·d; b_k; u_k, the weight of neuron k's activation in the output.
    const double *weights, *biases, *outer;
    /// Feature l of every sample at columns + l·columnStride, zero-padded to whole blocks.
    const double *columns;
    long columnStride;
    /// y_i (n of them), the output scaling α and the pull's factor c′ = −c/α:
    /// r_i = c′ (h_i/α − y_i) for the output sums h_i = Σ_k (u_k s_ki) z_ki.
    const double *targets;
    double alpha, pullFactor;
    /// s_ki at gates + k·n + i; NULL for the pre-activations alone.
    const double *gates;
    /// When not NULL, the same gates as bytes (every s_ki is +0.0 or 1.0: byte 0 or 1), read
    /// in their place: an eighth of the memory traffic, and the same results to the bit.
    const unsigned char *gateBytes;
    /// z_ki to switching + k·n + i when not NULL.
    double *switching;
    /// Out: r_i (8·blockCount, zero past n), Σ_i ω_ki (m) and Σ_i ω_ki x_il at
    /// weightedInputs + k·d + l, with ω_ki = r_i s_ki.
    double *pulls, *weightSums, *weightedInputs;
    /// How many parts (threads) the evaluation is split into, `reluflow_parallel_parts(m, n)`
    /// when the scratch was sized, and 16·blockCount doubles of scratch for each.
    long parts;
    double *scratch;
} ReluflowAffineField;

/// Pass 1, z_ki = b_k + Σ_l x_il w_kl (summed from l = 0) for every neuron and block,
/// stored to `switching` when not NULL; with `gates`, the output sums Σ_k (u_k s_ki) z_ki (in
/// k order) and the pulls r_i. Pass 2 (with `gates`), for every neuron k: ω_ki = r_i s_ki,
/// Σ ω_i and Σ ω_i x_il, each accumulated lane-wise over the blocks (Σ ω x in two chains,
/// even and odd blocks, added at the end) and reduced over the 8 lanes as
/// ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)).
void reluflow_affine_field(const ReluflowAffineField *field);

/// One evaluation of the univariate knot models (`UnivariateNetwork` in Models):
/// z_ki = a_k x_i − b_k, h_i = Σ_k (c_k s_ki) z_ki, r_i = c′ (h_i/α − y_i), and per neuron
/// Σ_i ω_ki z_ki, Σ_i ω_ki x_i and Σ_i ω_ki with ω_ki = r_i s_ki, every sum in sample (or
/// neuron) order as a sample-by-sample loop adds it: the same bits as that loop.
typedef struct {
    /// Neurons, samples.
    long m, n;
    /// a_k (NULL: the knots form, a_k = 1), b_k, c_k.
    const double *slopes, *knots, *outer;
    /// x_i and y_i; α and c′ = −c/α as in `ReluflowAffineField`.
    const double *inputs, *targets;
    double alpha, pullFactor;
    /// s_ki at gates + k·n + i; z_ki to switching + k·n + i when not NULL.
    const double *gates;
    double *switching;
    /// Out: r_i (n rounded up to whole blocks of 8), and per neuron Σ ω z, Σ ω x, Σ ω.
    double *pulls, *outputSums, *slopeSums, *knotSums;
} ReluflowUnivariateField;

/// Evaluates a `ReluflowUnivariateField`: the output sums neuron by neuron (vectorised over
/// the samples), the pulls, then the neurons' sums eight neurons at a time (vectorised over
/// the neurons, each lane adding its samples in order).
void reluflow_univariate_field(const ReluflowUnivariateField *field);

/// Σ_i (f(x_i)/α − y_i)² of a `ReluflowUnivariateField`'s network, f(x_i) = Σ_k c_k σ(z_ki)
/// with σ(z) = max(z, 0) as Swift's `max(z, 0)` gives it (+0 for −0, NaN kept): each f(x_i)
/// adds its neurons in order (eight samples at a time), the squares are added sample by
/// sample; the same bits as that loop. Reads m, n, slopes, knots, outer, inputs, targets and
/// alpha only.
double reluflow_univariate_squared_residuals(const ReluflowUnivariateField *field);

/// One neuron's pre-activations z_i = b + Σ_l x_il w_l (summed from l = 0) for the n samples
/// into z, from the feature-major `columns` (as in `ReluflowAffineField`): the single
/// neurons' switching values, eight features at a time over all samples, so that a large d
/// streams eight columns at once.
void reluflow_pre_activations(long d, long n, const double *weights, double bias, const double *columns,
                              long columnStride, double *z);

/// The single neurons' pass over their samples (`SingleNeuron` and `DeepSingleNeuron` in
/// Models): for every sample with s_i ≠ 0, in sample order, a weight ω_i from its
/// pre-activation z_i, gate s_i and target y_i, and Σ ω_i x_il added to `sums[l]`, each
/// element adding its samples in order as a sample-by-sample loop does (the same bits; the
/// vector unit only adds several elements at once).
typedef struct {
    /// Input dimension, samples; x_i at rows + i·d (sample-major), z_i, s_i, y_i.
    long d, n;
    const double *rows, *switching, *gates, *targets;
    /// 0: ω_i = (scale·s_i)·(z_i − y_i); 1: ω_i = ((scale·s_i)·z_i − y_i)·s_i.
    int form;
    double scale;
    /// In and out: Σ ω_i x_il is added to sums[l], l < d.
    double *sums;
    /// Out: Σ ω_i and Σ ω_i z_i, each from 0 in sample order.
    double weightSum, pathSum;
} ReluflowGatedRowSums;

void reluflow_gated_row_sums(ReluflowGatedRowSums *sums);

/// How many parts (threads) an evaluation of m neurons on n samples is split into: 1 below
/// m·n = 2^18, else the thread count.
long reluflow_parallel_parts(long m, long n);

/// The threads the calling thread's large evaluations use: what it asked for with
/// `reluflow_use_threads`, else `RELUFLOW_THREADS` if set, else the CPUs this process may run
/// on (a Slurm task's allocation included), at most 64.
int reluflow_thread_count(void);

/// Makes the calling thread's large evaluations use `threads` threads (clamped to 1 ... 64),
/// for a test or a benchmark; returns that count.
int reluflow_use_threads(int threads);

/// The widest level this CPU runs: 2, 1 or 0 (always 0 off x86-64).
int reluflow_widest_kernel_level(void);

/// The level the calling thread's evaluations run at.
int reluflow_kernel_level(void);

/// Makes the calling thread's evaluations run at `level` (clamped to 0 ... the widest), for
/// a test that compares the levels; returns that level.
int reluflow_use_kernel_level(int level);

#endif
