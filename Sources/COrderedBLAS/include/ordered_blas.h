#ifndef RELUFLOW_ORDERED_BLAS_H
#define RELUFLOW_ORDERED_BLAS_H

/// GSL's LU factorisation (`gsl_linalg_LU_decomp`, which the implicit steppers msbdf, bsimp
/// and rk*imp call on every new iteration matrix) spends its time in two Level 3 calls:
/// `cblas_dtrsm` (Left, Lower, NoTrans, Unit) and `cblas_dgemm` (NoTrans, NoTrans), row-major.
/// GSL's reference CBLAS (gslcblas, linked for reproducible bits: CGSL's README) runs them as
/// plain loops at a few GFlop/s. This target defines both symbols in the executable, so GSL's
/// calls reach the kernels below first (the dynamic linker looks in the executable before
/// libgslcblas); every other variant, and every call whose arguments gslcblas would reject,
/// is passed on to gslcblas's own (`dlsym(RTLD_NEXT, ...)`).
///
/// The kernels keep gslcblas's order of operations for every element: a dgemm element is
/// β-scaled first, then gets c += (α·a_ik)·b_kj for k ascending, skipping the k with
/// α·a_ik = 0; a dtrsm element is α-scaled, then gets b_kj −= a_ki·x_ij for i ascending; no
/// fused multiply-add. They only compute several elements side by side (register blocks of
/// rows × 8 columns, in the widest vector unit the CPU has), so their results are gslcblas's
/// to the bit on every CPU (FlowEngineTests' OrderedBLASTests compare them with the library),
/// except inside NaNs: a NaN comes out where gslcblas's does, but when two NaNs meet, which
/// one's payload and sign survive depends on the operand order the compiler chose.
///
/// This relies on ELF symbol lookup (Linux): elsewhere GSL keeps calling gslcblas's own. A
/// program that links this target and another BLAS statically gets these two routines for its
/// own calls as well (and its other variants fail, finding no gslcblas to forward to).

/// C := α·A·B + β·C for row-major A (m×k, lda), B (k×n, ldb), C (m×n, ldc), at vector unit
/// `level` (`reluflow_widest_vector_unit`, CVectorUnits; clamped to the widest). Arguments as `cblas_dgemm`'s with Order = RowMajor and no
/// transposes; they must be valid (lda ≥ max(1, k), ldb ≥ max(1, n), ldc ≥ max(1, n)).
void reluflow_ordered_dgemm(int level, int m, int n, int k, double alpha, const double *a, int lda,
                            const double *b, int ldb, double beta, double *c, int ldc);

/// B := α·inv(L)·B for row-major unit lower triangular L (m×m, lda; its diagonal and upper
/// part unread) and B (m×n, ldb), at `level`. Arguments as `cblas_dtrsm`'s with
/// Order = RowMajor, Side = Left, Uplo = Lower, TransA = NoTrans, Diag = Unit; valid ones.
void reluflow_ordered_dtrsm(int level, int m, int n, double alpha, const double *a, int lda, double *b,
                            int ldb);

/// How many calls to the `cblas_dgemm` and `cblas_dtrsm` defined here took the kernels (the
/// `reluflow_ordered_*` functions called directly are not counted): a check that GSL's calls
/// reach them.
long reluflow_ordered_blas_calls(void);

#endif
