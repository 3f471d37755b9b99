#ifndef RELUFLOW_MODEL_KERNELS_H
#define RELUFLOW_MODEL_KERNELS_H

/// The two GEMM-shaped passes of the affine two-layer networks' field (`AffineNeuronFamily`
/// in Models), on blocks of 8 consecutive samples. Every sum runs in the order the Swift
/// description in `AffineNeuronFamily.familyField` gives, lane by lane, with no fused
/// multiply-add: the result is the same to the bit on every x86-64 CPU, while the code
/// uses the widest vector unit the CPU has (level 2: AVX-512, 1: AVX2, 0: the baseline,
/// SSE2 on x86-64), chosen at the first call.

/// Pass 1 for the samples of block `block` (a multiple of 8; `count` = min(8, n − block) of
/// them): for every neuron k < m the pre-activations z_ki = b_k + Σ_l x_il w_kl (summed from
/// l = 0; w_k at weights + k·d, x_·l at columns + l·columnStride, zero-padded past n),
/// stored to switching + k·n + block when `switching` is not NULL, and, when `gates` is not
/// NULL, the output sums Σ_k (u_k s_ki) z_ki (in k order) into outputSums[0 ..< 8], lanes
/// past `count` carrying gate 0.
void reluflow_affine_block(long m, long d, long n, long block, long count,
                           const double *weights, const double *biases,
                           const double *columns, long columnStride,
                           double *switching, const double *gates, const double *outer,
                           double *outputSums);

/// Pass 2 for neuron k: with ω_i = r_i s_ki (r_i from `pulls`, 8 per block, blockCount
/// blocks; s_ki from gates + k·n), the sum Σ ω_i into *weightSum and Σ ω_i x_il into
/// weightedInputs[l] for l < d. Both accumulate lane-wise over the blocks (Σ ω x in two
/// accumulators, even and odd blocks, added at the end) and reduce the 8 lanes as
/// ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)). `scratch` holds 8·blockCount doubles.
void reluflow_neuron_sums(long k, long d, long n, long blockCount,
                          const double *pulls, const double *gates,
                          const double *columns, long columnStride,
                          double *scratch, double *weightSum, double *weightedInputs);

/// The widest level this CPU runs: 2, 1 or 0 (always 0 off x86-64).
int reluflow_widest_kernel_level(void);

/// The level the kernels run at.
int reluflow_kernel_level(void);

/// Makes the kernels run at `level` (clamped to 0 ... the widest), for a test that compares
/// the levels; returns the level now in use.
int reluflow_use_kernel_level(int level);

#endif
