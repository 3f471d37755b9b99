#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "model_kernels.h"
#include "thread_pool.h"

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
typedef void NeuronSums(long, long, long, long, long, const double *, const double *, const double *, long,
                        double *, double *, double *);

#define KERNEL_TARGET
#define KERNEL_NAME(name) name##_baseline
#include "kernel_bodies.h"
#undef KERNEL_TARGET
#undef KERNEL_NAME

// Clang only: GCC ignores FP_CONTRACT and would fuse multiply-adds in the wider kernels.
#if defined(__x86_64__) && defined(__clang__)
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

typedef void UnivariateField(const ReluflowUnivariateField *);
typedef void PreActivations(long, long, const double *, double, const double *, long, double *);

// Each kernel by level: the baseline's, then (x86-64 under clang) AVX2's and AVX-512's.
#ifdef HAS_WIDER_UNITS
#define BY_LEVEL(name) {name##_baseline, name##_avx2, name##_avx512}
#else
#define BY_LEVEL(name) {name##_baseline}
#endif

static PreActivations *const preActivations[] = BY_LEVEL(pre_activations);
static UnivariateField *const univariateFields[] = BY_LEVEL(univariate_field);
static AffineBlock *const affineBlocks[] = BY_LEVEL(affine_block);
static NeuronSums *const neuronSums[] = BY_LEVEL(neuron_sums);
static void (*const gatedRowSums[])(ReluflowGatedRowSums *) = BY_LEVEL(gated_row_sums);

/// The widest unit the CPU has (x86-64-v3: AVX2; x86-64-v4: AVX-512 F/BW/CD/DQ/VL).
static int widestLevel(void) {
#ifdef HAS_WIDER_UNITS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return 2;
    if (__builtin_cpu_supports("x86-64-v3")) return 1;
#endif
    return 0;
}

/// The defaults, set once (`pthread_once`): the widest level, and the threads large
/// evaluations use (`RELUFLOW_THREADS`, else the CPUs this process may run on).
static pthread_once_t defaultsOnce = PTHREAD_ONCE_INIT;
static int defaultLevel, defaultThreads;

/// The smallest m·n split into parts: below it a job's threads would cost more than they save.
enum { PARALLEL_SURFACES = 1 << 18, MAX_THREADS = 64 };

static int clampedThreads(long threads) { return threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : (int)threads; }

static void setDefaults(void) {
    defaultLevel = widestLevel();
    const char *variable = getenv("RELUFLOW_THREADS");
    if (variable && *variable) {
        defaultThreads = clampedThreads(strtol(variable, 0, 10));
    } else {
#ifdef __linux__
        cpu_set_t allowed;
        defaultThreads = sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? clampedThreads(CPU_COUNT(&allowed)) : 1;
#else
        defaultThreads = 1;
#endif
    }
}

/// A level or thread count the calling thread asked for (`reluflow_use_kernel_level`,
/// `reluflow_use_threads`); -1 and 0: the defaults. Per thread, so that tests comparing
/// levels or thread counts in parallel do not change each other's evaluations; a job's
/// workers run at the level of the thread that posted it.
static _Thread_local int requestedLevel = -1, requestedThreads = 0;

static int level(void) {
    if (requestedLevel >= 0) return requestedLevel;
    pthread_once(&defaultsOnce, setDefaults);
    return defaultLevel;
}

int reluflow_widest_kernel_level(void) { return widestLevel(); }

int reluflow_kernel_level(void) { return level(); }

int reluflow_use_kernel_level(int requested) {
    int widest = widestLevel();
    requestedLevel = requested < 0 ? 0 : requested > widest ? widest : requested;
    return requestedLevel;
}

int reluflow_thread_count(void) {
    if (requestedThreads > 0) return requestedThreads;
    pthread_once(&defaultsOnce, setDefaults);
    return defaultThreads;
}

int reluflow_use_threads(int threads) {
    requestedThreads = clampedThreads(threads);
    return requestedThreads;
}

long reluflow_parallel_parts(long m, long n) { return m * n < PARALLEL_SURFACES ? 1 : reluflow_thread_count(); }

/// One affine evaluation as a job: the field and the level of the thread that posted it.
typedef struct {
    const ReluflowAffineField *field;
    int level;
} AffineJob;

/// Pass 1 for this part's blocks (a contiguous share, the same for any thread count's
/// blocks: each block is one thread's alone), with the pulls r_i.
static void preActivationPart(void *context, long part, long parts) {
    const AffineJob *job = context;
    const ReluflowAffineField *f = job->field;
    long blockCount = (f->n + 7) / 8;
    AffineBlock *kernel = affineBlocks[job->level];
    for (long b = blockCount * part / parts; b < blockCount * (part + 1) / parts; b++) {
        long block = b * 8, count = f->n - block < 8 ? f->n - block : 8;
        double *outputs = f->gates ? f->pulls + block : 0;
        kernel(f->m, f->d, f->n, block, count, f->weights, f->biases, f->columns, f->columnStride, f->switching,
               f->gates, f->outer, outputs);
        if (!f->gates) continue;
        Lanes sums, targets;
        LOAD8(sums, outputs);
        LOAD_FIRST(targets, f->targets + block, count);
        Lanes pulls = BROADCAST(f->pullFactor) * (sums / BROADCAST(f->alpha) - targets);
        STORE8(outputs, pulls);
    }
}

/// Pass 2 for this part's neurons, two at a time, with the part's own scratch.
static void neuronSumPart(void *context, long part, long parts) {
    const AffineJob *job = context;
    const ReluflowAffineField *f = job->field;
    long blockCount = (f->n + 7) / 8, last = f->m * (part + 1) / parts;
    double *scratch = f->scratch + part * 16 * blockCount;
    for (long k = f->m * part / parts; k < last; k += 2) {
        neuronSums[job->level](k, k + 1 < last ? k + 1 : k, f->d, f->n, blockCount, f->pulls, f->gates, f->columns,
                               f->columnStride, scratch, f->weightSums, f->weightedInputs);
    }
}

void reluflow_affine_field(const ReluflowAffineField *field) {
    AffineJob job = {field, level()};
    long parts = field->parts < 1 ? 1 : field->parts;
    reluflow_run_parts(preActivationPart, &job, parts);
    if (field->gates) reluflow_run_parts(neuronSumPart, &job, parts);
}

void reluflow_univariate_field(const ReluflowUnivariateField *field) { univariateFields[level()](field); }

double reluflow_univariate_squared_residuals(const ReluflowUnivariateField *f) {
    typedef long long Mask __attribute__((vector_size(64), aligned(8)));
    double sum = 0;
    for (long block = 0; block < f->n; block += 8) {
        long count = f->n - block < 8 ? f->n - block : 8;
        Lanes x, outputs = BROADCAST(0.0);
        LOAD_FIRST(x, f->inputs + block, count);
        for (long k = 0; k < f->m; k++) {
            Lanes z = (f->slopes ? BROADCAST(f->slopes[k]) * x : x) - BROADCAST(f->knots[k]);
            // +0 where 0 ≥ z, else z: the bits of z with those lanes cleared.
            Mask isInactive = BROADCAST(0.0) >= z;
            Lanes active = (Lanes)((Mask)z & ~isInactive);
            outputs += BROADCAST(f->outer[k]) * active;
        }
        for (long lane = 0; lane < count; lane++) {
            double r = outputs[lane] / f->alpha - f->targets[block + lane];
            sum += r * r;
        }
    }
    return sum;
}

void reluflow_gated_row_sums(ReluflowGatedRowSums *sums) { gatedRowSums[level()](sums); }

void reluflow_pre_activations(long d, long n, const double *weights, double bias, const double *columns,
                              long columnStride, double *z) {
    preActivations[level()](d, n, weights, bias, columns, columnStride, z);
}
