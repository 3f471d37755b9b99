// The kernels' bodies, compiled once per vector unit by ordered_blas.c through `each_unit.h`
// (CVectorUnits), which defines KERNEL_TARGET and KERNEL_NAME(name) before each inclusion.
// No include guard, on purpose.
//
// A block is four rows of 8 columns, one `Lanes` per row, kept in registers over the whole
// sum; each element's chain of operations is gslcblas's (ordered_blas.h). The 8 columns of B
// a block reads are first copied into `panel` (rows × 8, zeros past the matrix's last
// column), so the rows it reads are contiguous.

/// C[0..m)[j..j+count) += (α·a_il)·b_l for l = 0..<k ascending, skipping α·a_il = 0, for one
/// panel of `count` ≤ 8 columns copied to `panel` (k × 8): blocks of four rows, then single
/// rows.
KERNEL_TARGET
static void KERNEL_NAME(gemm_panel)(long m, long k, long count, double alpha, const double *a, long lda,
                                    const double *panel, double *c, long ldc) {
    long i = 0;
    // Rows i ..< i + R at a time while R of them are left (R a constant: the block's lanes
    // stay in registers).
#define GEMM_ROWS(R)                                                                          \
    for (; i + (R) <= m; i += (R)) {                                                          \
        Lanes s[R];                                                                           \
        for (int r = 0; r < (R); r++) LOAD_FIRST(s[r], c + (i + r) * ldc, count);             \
        for (long l = 0; l < k; l++) {                                                        \
            Lanes row;                                                                        \
            LOAD8(row, panel + 8 * l);                                                        \
            for (int r = 0; r < (R); r++) {                                                   \
                const double t = alpha * a[(i + r) * lda + l];                                \
                if (t != 0.0) s[r] += BROADCAST(t) * row;                                     \
            }                                                                                 \
        }                                                                                     \
        for (int r = 0; r < (R); r++) STORE_FIRST(c + (i + r) * ldc, s[r], count);            \
    }
    GEMM_ROWS(4)
    GEMM_ROWS(1)
#undef GEMM_ROWS
}

/// B[0..m)[j..j+count) := inv(L)·B for one panel of `count` ≤ 8 columns: row r becomes
/// b_r − Σ_{i<r} l_ri·x_i, subtracted for i ascending; each finished row x_r also goes to
/// `panel` (m × 8), where the rows below read it. Blocks of four rows (their terms from the
/// rows above, then the triangle among them), then single rows.
KERNEL_TARGET
static void KERNEL_NAME(trsm_panel)(long m, long count, const double *a, long lda, double *b, long ldb,
                                    double *panel) {
    long r = 0;
#define TRSM_ROWS(R)                                                                          \
    for (; r + (R) <= m; r += (R)) {                                                          \
        Lanes x[R];                                                                           \
        for (int q = 0; q < (R); q++) LOAD_FIRST(x[q], b + (r + q) * ldb, count);             \
        for (long i = 0; i < r; i++) {                                                        \
            Lanes xi;                                                                         \
            LOAD8(xi, panel + 8 * i);                                                         \
            for (int q = 0; q < (R); q++) x[q] -= BROADCAST(a[(r + q) * lda + i]) * xi;       \
        }                                                                                     \
        for (int q = 0; q < (R); q++) {                                                       \
            for (int p = 0; p < q; p++) x[q] -= BROADCAST(a[(r + q) * lda + r + p]) * x[p];   \
            STORE8(panel + 8 * (r + q), x[q]);                                                \
            STORE_FIRST(b + (r + q) * ldb, x[q], count);                                      \
        }                                                                                     \
    }
    TRSM_ROWS(4)
    TRSM_ROWS(1)
#undef TRSM_ROWS
}
