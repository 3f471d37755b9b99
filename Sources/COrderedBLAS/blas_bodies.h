// The kernels' bodies, compiled once per vector unit by ordered_blas.c: it defines
// KERNEL_TARGET (the target attribute) and KERNEL_NAME(name) (the name with the unit's
// suffix) before each inclusion. No include guard, on purpose.
//
// A block is four rows of 8 columns, one `Lanes` per row, kept in registers over the whole
// sum; each element's chain of operations is gslcblas's (ordered_blas.h). The 8 columns of B
// a block reads are first copied into `panel` (rows × 8, zeros past the matrix's last
// column), so the rows it reads are contiguous.

/// C[0..m)[j..j+count) += (α·a_il)·b_l for l = 0..<k ascending, skipping α·a_il = 0, for one
/// panel of `count` ≤ 8 columns copied to `panel` (k × 8).
KERNEL_TARGET
static void KERNEL_NAME(gemm_panel)(long m, long k, long count, double alpha, const double *a, long lda,
                                    const double *panel, double *c, long ldc) {
    long i = 0;
    for (; i + 4 <= m; i += 4) {
        const double *a0 = a + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        double *c0 = c + i * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
        Lanes s0, s1, s2, s3;
        LOAD_FIRST(s0, c0, count);
        LOAD_FIRST(s1, c1, count);
        LOAD_FIRST(s2, c2, count);
        LOAD_FIRST(s3, c3, count);
        for (long l = 0; l < k; l++) {
            Lanes row;
            LOAD8(row, panel + 8 * l);
            const double t0 = alpha * a0[l], t1 = alpha * a1[l], t2 = alpha * a2[l], t3 = alpha * a3[l];
            if (t0 != 0.0) s0 += BROADCAST(t0) * row;
            if (t1 != 0.0) s1 += BROADCAST(t1) * row;
            if (t2 != 0.0) s2 += BROADCAST(t2) * row;
            if (t3 != 0.0) s3 += BROADCAST(t3) * row;
        }
        STORE_FIRST(c0, s0, count);
        STORE_FIRST(c1, s1, count);
        STORE_FIRST(c2, s2, count);
        STORE_FIRST(c3, s3, count);
    }
    for (; i < m; i++) {
        const double *ai = a + i * lda;
        double *ci = c + i * ldc;
        Lanes s;
        LOAD_FIRST(s, ci, count);
        for (long l = 0; l < k; l++) {
            Lanes row;
            LOAD8(row, panel + 8 * l);
            const double t = alpha * ai[l];
            if (t != 0.0) s += BROADCAST(t) * row;
        }
        STORE_FIRST(ci, s, count);
    }
}

/// B[0..m)[j..j+count) := inv(L)·B for one panel of `count` ≤ 8 columns: row r becomes
/// b_r − Σ_{i<r} l_ri·x_i, subtracted for i ascending; each finished row x_r also goes to
/// `panel` (m × 8), where the rows below read it.
KERNEL_TARGET
static void KERNEL_NAME(trsm_panel)(long m, long count, const double *a, long lda, double *b, long ldb,
                                    double *panel) {
    long r = 0;
    for (; r + 4 <= m; r += 4) {
        const double *a0 = a + r * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        double *b0 = b + r * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
        Lanes x0, x1, x2, x3;
        LOAD_FIRST(x0, b0, count);
        LOAD_FIRST(x1, b1, count);
        LOAD_FIRST(x2, b2, count);
        LOAD_FIRST(x3, b3, count);
        for (long i = 0; i < r; i++) {
            Lanes xi;
            LOAD8(xi, panel + 8 * i);
            x0 -= BROADCAST(a0[i]) * xi;
            x1 -= BROADCAST(a1[i]) * xi;
            x2 -= BROADCAST(a2[i]) * xi;
            x3 -= BROADCAST(a3[i]) * xi;
        }
        x1 -= BROADCAST(a1[r]) * x0;
        x2 -= BROADCAST(a2[r]) * x0;
        x3 -= BROADCAST(a3[r]) * x0;
        x2 -= BROADCAST(a2[r + 1]) * x1;
        x3 -= BROADCAST(a3[r + 1]) * x1;
        x3 -= BROADCAST(a3[r + 2]) * x2;
        STORE8(panel + 8 * r, x0);
        STORE8(panel + 8 * (r + 1), x1);
        STORE8(panel + 8 * (r + 2), x2);
        STORE8(panel + 8 * (r + 3), x3);
        STORE_FIRST(b0, x0, count);
        STORE_FIRST(b1, x1, count);
        STORE_FIRST(b2, x2, count);
        STORE_FIRST(b3, x3, count);
    }
    for (; r < m; r++) {
        const double *ar = a + r * lda;
        double *br = b + r * ldb;
        Lanes x;
        LOAD_FIRST(x, br, count);
        for (long i = 0; i < r; i++) {
            Lanes xi;
            LOAD8(xi, panel + 8 * i);
            x -= BROADCAST(ar[i]) * xi;
        }
        STORE8(panel + 8 * r, x);
        STORE_FIRST(br, x, count);
    }
}
