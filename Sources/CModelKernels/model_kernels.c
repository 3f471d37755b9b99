#include "model_kernels.h"

// No contraction of a*b + c into one fused multiply-add: the AVX-512 and AVX2 kernels must
// round exactly as the SSE2 ones (and as Swift's SIMD8 arithmetic) do.
#pragma STDC FP_CONTRACT OFF

typedef double Lanes __attribute__((vector_size(64), aligned(8)));

// Loads and stores are macros: a helper function taking or returning `Lanes` would change
// its calling convention between the clones.

/// Lanes from 8 doubles at `source`, which need not be aligned.
#define LOAD8(lanes, source) __builtin_memcpy(&(lanes), (source), sizeof(Lanes))
/// `lanes` to 8 doubles at `target`.
#define STORE8(target, lanes) __builtin_memcpy((target), &(lanes), sizeof(Lanes))
/// Lanes from `count` doubles at `source`, zeros past them.
#define LOAD_FIRST(lanes, source, count)                                                     \
    do {                                                                                     \
        if ((count) == 8) { LOAD8(lanes, source); break; }                                    \
        for (long lane = 0; lane < 8; lane++) (lanes)[lane] = lane < (count) ? (source)[lane] : 0; \
    } while (0)
/// Every lane `value`.
#define BROADCAST(value) ((Lanes){value, value, value, value, value, value, value, value})
/// The lanes' sum in a fixed order, ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)).
#define LANE_SUM(v) ((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7])))

typedef void AffineBlock(long, long, long, long, long, const double *, const double *, const double *, long,
                         double *, const double *, const double *, double *);
typedef void NeuronSums(long, long, long, long, const double *, const double *, const double *, long, double *,
                        double *, double *);

#define KERNEL_TARGET
#define KERNEL_NAME(name) name##_baseline
#include "kernel_bodies.h"
#undef KERNEL_TARGET
#undef KERNEL_NAME

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define HAS_WIDER_UNITS 1

#define KERNEL_TARGET __attribute__((target("arch=x86-64-v3")))
#define KERNEL_NAME(name) name##_avx2
#include "kernel_bodies.h"
#undef KERNEL_TARGET
#undef KERNEL_NAME

#define KERNEL_TARGET __attribute__((target("arch=x86-64-v4"), min_vector_width(512)))
#define KERNEL_NAME(name) name##_avx512
#include "kernel_bodies.h"
#undef KERNEL_TARGET
#undef KERNEL_NAME
#endif

static AffineBlock *const affineBlocks[] = {
    affine_block_baseline,
#ifdef HAS_WIDER_UNITS
    affine_block_avx2, affine_block_avx512,
#endif
};
static NeuronSums *const neuronSums[] = {
    neuron_sums_baseline,
#ifdef HAS_WIDER_UNITS
    neuron_sums_avx2, neuron_sums_avx512,
#endif
};

/// The widest unit the CPU has (x86-64-v3: AVX2; x86-64-v4: AVX-512 F/BW/CD/DQ/VL).
static int widestLevel(void) {
#ifdef HAS_WIDER_UNITS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return 2;
    if (__builtin_cpu_supports("x86-64-v3")) return 1;
#endif
    return 0;
}

/// The level in use; -1 until the first call picks the widest.
static _Atomic int currentLevel = -1;

static int level(void) {
    int chosen = currentLevel;
    if (chosen < 0) {
        chosen = widestLevel();
        currentLevel = chosen;
    }
    return chosen;
}

int reluflow_widest_kernel_level(void) { return widestLevel(); }

int reluflow_kernel_level(void) { return level(); }

int reluflow_use_kernel_level(int requested) {
    int widest = widestLevel();
    currentLevel = requested < 0 ? 0 : requested > widest ? widest : requested;
    return currentLevel;
}

void reluflow_affine_block(long m, long d, long n, long block, long count, const double *weights,
                           const double *biases, const double *columns, long columnStride, double *switching,
                           const double *gates, const double *outer, double *outputSums) {
    affineBlocks[level()](m, d, n, block, count, weights, biases, columns, columnStride, switching, gates, outer,
                          outputSums);
}

void reluflow_neuron_sums(long k, long d, long n, long blockCount, const double *pulls, const double *gates,
                          const double *columns, long columnStride, double *scratch, double *weightSum,
                          double *weightedInputs) {
    neuronSums[level()](k, d, n, blockCount, pulls, gates, columns, columnStride, scratch, weightSum,
                        weightedInputs);
}
