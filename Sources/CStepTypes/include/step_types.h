#ifndef RELUFLOW_STEP_TYPES_H
#define RELUFLOW_STEP_TYPES_H

#include <gsl/gsl_odeiv2.h>

/// ReLUFlow's own GSL odeiv2 step types, run by GSL's evolve, control and driver like GSL's.

/// limexw: extrapolation of the linearly implicit Euler method with a low-rank W.
///
/// Gradient flows of ReLU networks are often stiff through a handful of directions only:
/// at E7's state at t = 553 the loss Hessian has eigenvalues 423 and 14, then 1.7 and less.
/// An explicit method is then held at h·423 ≲ 6 by stability, an implicit one pays a dense
/// factorisation per step. limexw takes from Hairer & Wanner (Solving ODEs II, §IV.9, the
/// linearly implicit Euler method and its extrapolation, as in Deuflhard's LIMEX and their
/// SEULEX) the one-step scheme
///
///     (I − (h/n) A)(u_{i+1} − u_i) = (h/n) F(u_i),   i = 0 … n−1,   u_0 = y,
///
/// for n = 1 … K (K = 5), and extrapolates the K results by Aitken–Neville in h/n (the
/// harmonic sequence n_j = j): T_KK is of order K, and T_KK − T_K,K−1 is its error estimate.
/// A step costs 1 + (0 + 1 + … + (K − 1)) = 11 evaluations of F, F at the start included
/// (under GSL's evolve: 10, plus F at the end, which the next step starts from). The
/// increments u_n − y are extrapolated, not the states, so that the extrapolation's weights
/// multiply the increments' rounding, not |y|'s.
///
/// A may be any matrix: the method is a W-method, whose error expansion in h holds for
/// every A (Hairer & Wanner II, §IV.9 and §IV.7); A decides stability only. Here
/// A = Σ_k θ_k v_k v_kᵀ over the Ritz pairs (θ_k < 0, v_k orthonormal) of the Jacobian's
/// dominant 4-dimensional invariant subspace, found by one block power iteration per
/// step start (Jacobian–vector products by forward differences of F, one evaluation each,
/// from the subspace of the step before), so (I − sA)⁻¹ b = b + Σ_k (sθ_k/(1 − sθ_k)) v_k (v_kᵀ b)
/// costs O(rank · dim) and no factorisation. The stiff directions are damped as by backward
/// Euler; the rest is integrated explicitly, so the step is held only by the Jacobian's
/// fifth eigenvalue and by accuracy.
///
/// What it is not for: the Ritz pairs come from the symmetric part of VᵀJV, so stiffness
/// that is oscillatory or non-normal (J = [[−1000, 1e5], [0, −1]], eigenvalues −10 ± 1000i)
/// is not damped, and a stiff direction that turns within a step lags the W (a relaxation
/// onto a circle at rate 2000 while turning at rate 1: 19,293 steps against rk8pd's 11,329).
/// Gradient flows have a symmetric Jacobian off the sliding set.
///
/// Four power iterations at the very first start, so that the first steps already see the
/// stiff directions (four evaluations each); a failed one leaves the carried subspace as it
/// was. A probe where F fails is taken on the other side of the start.
///
/// - Uses `dydt_in` (F at the step start) when given and writes the exact `dydt_out`.
/// - Reports order K − 1, the order of the error estimate's leading term minus one, so
///   that GSL's standard control adjusts h by the estimate's own exponent when it grows h.
/// - Deterministic: W is a function of the step start and of the subspace carried from the
///   step before, and is kept while the step start is the same, bit for bit (a rejected
///   step's retries and the engine's re-steps from a saved start use the same W).
///   `gsl_odeiv2_step_reset` forgets the kept W (a new field at the same state), not the
///   carried subspace.
/// - Autonomous systems only (t is passed through to F unchanged).
const gsl_odeiv2_step_type *reluflow_limexw_step_type(void);

#endif
