#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "model_kernels.h"
#include "vector_units.h"
#include "thread_pool.h"

// No contraction of a*b + c into one fused multiply-add (vector_units.h turns it off): the
// AVX-512 and AVX2 kernels must round exactly as the SSE2 ones (and as Swift's SIMD8
// arithmetic) do.

typedef void AffineBlock(long, long, long, long, long, const double *, const double *, const double *, long,
                         double *, const double *, const unsigned char *, const double *, double *);
typedef void NeuronSums(long, long, long, long, long, const double *, const double *, const unsigned char *,
                        const double *, long, double *, double *, double *);

#define KERNEL_BODIES "kernel_bodies.h"
#include "each_unit.h"

typedef void UnivariateField(const ReluflowUnivariateField *);
typedef void PreActivations(long, long, const double *, double, const double *, long, double *);

static PreActivations *const preActivations[] = BY_LEVEL(pre_activations);
static UnivariateField *const univariateFields[] = BY_LEVEL(univariate_field);
static AffineBlock *const affineBlocks[] = BY_LEVEL(affine_block);
static NeuronSums *const neuronSums[] = BY_LEVEL(neuron_sums);
static void (*const gatedRowSums[])(ReluflowGatedRowSums *) = BY_LEVEL(gated_row_sums);

/// The defaults, set once (`pthread_once`): the widest level, and the threads large
/// evaluations use (`RELUFLOW_THREADS`, else the CPUs this process may run on).
static pthread_once_t defaultsOnce = PTHREAD_ONCE_INIT;
static int defaultLevel, defaultThreads;

/// The smallest m·n split into parts: below it a job's threads would cost more than they save.
enum { PARALLEL_SURFACES = 1 << 18, MAX_THREADS = 64 };

static int clampedThreads(long threads) { return threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : (int)threads; }

static void setDefaults(void) {
    defaultLevel = reluflow_widest_vector_unit();
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

int reluflow_widest_kernel_level(void) { return reluflow_widest_vector_unit(); }

int reluflow_kernel_level(void) { return level(); }

int reluflow_use_kernel_level(int requested) {
    int widest = reluflow_widest_vector_unit();
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
               f->gates, f->gateBytes, f->outer, outputs);
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
        neuronSums[job->level](k, k + 1 < last ? k + 1 : k, f->d, f->n, blockCount, f->pulls, f->gates,
                               f->gateBytes, f->columns, f->columnStride, scratch, f->weightSums, f->weightedInputs);
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
