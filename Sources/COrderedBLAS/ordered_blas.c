#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_cblas.h>

#include "ordered_blas.h"
#include "vector_units.h"

// No contraction of a*b + c into one fused multiply-add (vector_units.h turns it off): every
// unit's kernels must round as gslcblas (compiled for the baseline, without FMA) does.

#define KERNEL_BODIES "blas_bodies.h"
#include "each_unit.h"

typedef void GemmPanel(long, long, long, double, const double *, long, const double *, double *, long);
typedef void TrsmPanel(long, long, const double *, long, double *, long, double *);

static GemmPanel *const gemmPanels[] = BY_LEVEL(gemm_panel);
static TrsmPanel *const trsmPanels[] = BY_LEVEL(trsm_panel);

static int clampedLevel(int level) {
    int widest = reluflow_widest_vector_unit();
    return level < 0 ? 0 : level > widest ? widest : level;
}

/// Calls that reached this file's `cblas_dgemm` and `cblas_dtrsm` and took the kernels.
static atomic_long interposedCalls;

long reluflow_ordered_blas_calls(void) { return atomic_load_explicit(&interposedCalls, memory_order_relaxed); }

/// A panel buffer of rows × 8 doubles, or exit: a CBLAS routine has no way to report a
/// failure to its caller.
static double *panelBuffer(long rows) {
    double *panel = malloc((size_t)(rows > 0 ? rows : 1) * 8 * sizeof(double));
    if (!panel) {
        fputs("reluflow: out of memory for a BLAS panel\n", stderr);
        abort();
    }
    return panel;
}

void reluflow_ordered_dgemm(int level, int m, int n, int k, double alpha, const double *a, int lda,
                            const double *b, int ldb, double beta, double *c, int ldc) {
    if (alpha == 0.0 && beta == 1.0) return;
    // β first, element by element, as gslcblas does.
    if (beta == 0.0) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[(long)ldc * i + j] = 0.0;
    } else if (beta != 1.0) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[(long)ldc * i + j] *= beta;
    }
    if (alpha == 0.0 || m == 0 || n == 0 || k == 0) return;
    GemmPanel *kernel = gemmPanels[clampedLevel(level)];
    double *panel = panelBuffer(k);
    for (long j = 0; j < n; j += 8) {
        long count = n - j < 8 ? n - j : 8;
        for (long l = 0; l < k; l++)
            for (long lane = 0; lane < 8; lane++) panel[8 * l + lane] = lane < count ? b[(long)ldb * l + j + lane] : 0.0;
        kernel(m, k, count, alpha, a, lda, panel, c + j, ldc);
    }
    free(panel);
}

void reluflow_ordered_dtrsm(int level, int m, int n, double alpha, const double *a, int lda, double *b, int ldb) {
    // α first, element by element, as gslcblas does.
    if (alpha != 1.0) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) b[(long)ldb * i + j] *= alpha;
    }
    if (m == 0 || n == 0) return;
    TrsmPanel *kernel = trsmPanels[clampedLevel(level)];
    double *panel = panelBuffer(m);
    for (long j = 0; j < n; j += 8) {
        long count = n - j < 8 ? n - j : 8;
        kernel(m, count, a, lda, b + j, ldb, panel);
    }
    free(panel);
}

// MARK: - The CBLAS symbols GSL calls

/// The unit the process's calls use: the widest, found once.
static int processLevel(void) {
    static atomic_int level = -1;
    int known = atomic_load_explicit(&level, memory_order_relaxed);
    if (known < 0) {
        known = reluflow_widest_vector_unit();
        atomic_store_explicit(&level, known, memory_order_relaxed);
    }
    return known;
}

/// The next definition of `name` after this executable's (gslcblas's), or exit.
static void *libraryFunction(const char *name) {
    void *function = dlsym(RTLD_NEXT, name);
    if (!function) {
        fprintf(stderr, "reluflow: %s not found in the linked CBLAS (gslcblas)\n", name);
        abort();
    }
    return function;
}

typedef void Dgemm(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, int, int, int, double,
                   const double *, int, const double *, int, double, double *, int);
typedef void Dtrsm(enum CBLAS_ORDER, enum CBLAS_SIDE, enum CBLAS_UPLO, enum CBLAS_TRANSPOSE, enum CBLAS_DIAG, int,
                   int, double, const double *, int, double *, int);

static int atLeastOne(int n) { return n > 1 ? n : 1; }

void cblas_dgemm(const enum CBLAS_ORDER Order, const enum CBLAS_TRANSPOSE TransA, const enum CBLAS_TRANSPOSE TransB,
                 const int M, const int N, const int K, const double alpha, const double *A, const int lda,
                 const double *B, const int ldb, const double beta, double *C, const int ldc) {
    if (Order == CblasRowMajor && TransA == CblasNoTrans && TransB == CblasNoTrans && M >= 0 && N >= 0 && K >= 0 &&
        lda >= atLeastOne(K) && ldb >= atLeastOne(N) && ldc >= atLeastOne(N)) {
        atomic_fetch_add_explicit(&interposedCalls, 1, memory_order_relaxed);
        reluflow_ordered_dgemm(processLevel(), M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    static _Atomic(Dgemm *) library;
    Dgemm *function = atomic_load_explicit(&library, memory_order_relaxed);
    if (!function) atomic_store_explicit(&library, function = (Dgemm *)libraryFunction("cblas_dgemm"), memory_order_relaxed);
    function(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void cblas_dtrsm(const enum CBLAS_ORDER Order, const enum CBLAS_SIDE Side, const enum CBLAS_UPLO Uplo,
                 const enum CBLAS_TRANSPOSE TransA, const enum CBLAS_DIAG Diag, const int M, const int N,
                 const double alpha, const double *A, const int lda, double *B, const int ldb) {
    if (Order == CblasRowMajor && Side == CblasLeft && Uplo == CblasLower && TransA == CblasNoTrans &&
        Diag == CblasUnit && M >= 0 && N >= 0 && lda >= atLeastOne(M) && ldb >= atLeastOne(N)) {
        atomic_fetch_add_explicit(&interposedCalls, 1, memory_order_relaxed);
        reluflow_ordered_dtrsm(processLevel(), M, N, alpha, A, lda, B, ldb);
        return;
    }
    static _Atomic(Dtrsm *) library;
    Dtrsm *function = atomic_load_explicit(&library, memory_order_relaxed);
    if (!function) atomic_store_explicit(&library, function = (Dtrsm *)libraryFunction("cblas_dtrsm"), memory_order_relaxed);
    function(Order, Side, Uplo, TransA, Diag, M, N, alpha, A, lda, B, ldb);
}
