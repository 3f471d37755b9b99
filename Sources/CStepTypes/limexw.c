#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "step_types.h"

// The extrapolation's columns K (order K, estimated by the order K − 1 column) and the W's
// rank: how many of the Jacobian's dominant directions the step damps implicitly. Chosen on
// E7 and E1 paper with the first version (NOTES, 2026-12-08): K = 5 took 34 s and 14 s,
// K = 6 38 s and 17 s, K = 7 54 s on E7; rank 3 took 45 s on E7 against rank 4's 38 s (K = 6).
enum { COLUMNS = 5, RANK = 4 };

typedef struct {
    size_t dim;
    int rank;                  // RANK, or dim when smaller
    double *subspace;          // rank × dim, orthonormal rows, carried from start to start
    double *savedSubspace;     // the carried subspace before a new start's iterations
    double *ritzVectors;       // rank × dim: the kept W's directions v_k
    double ritzValues[RANK];   // the kept W's θ_k, each ≤ 0
    double *keyY;              // the step start the kept W belongs to
    int hasKey;
    int iterationsAtStart;     // power iterations at the first start, then 1
    double *products;          // rank × dim: J v_k
    double *field;             // F at the step start when GSL gives none
    double *probe;
    double *fieldAtProbe;
    double *table;             // columns × dim, the Aitken–Neville tableau's last row
    double *u;                 // u_i − y: the substeps' sum, extrapolated as an increment
} limexw_state;

static void limexw_free(void *vstate) {
    limexw_state *s = vstate;
    if (!s) return;
    free(s->subspace);
    free(s->savedSubspace);
    free(s->ritzVectors);
    free(s->keyY);
    free(s->products);
    free(s->field);
    free(s->probe);
    free(s->fieldAtProbe);
    free(s->table);
    free(s->u);
    free(s);
}

static double dot(size_t n, const double *a, const double *b) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += a[i] * b[i];
    return sum;
}

/// Removes from `row` its components along rows[0 … k−1] (orthonormal), twice over.
static void project_out(size_t dim, int k, const double *rows, double *row) {
    for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < k; j++) {
            const double *other = rows + (size_t)j * dim;
            const double projection = dot(dim, row, other);
            for (size_t i = 0; i < dim; i++) row[i] -= projection * other[i];
        }
    }
}

/// Modified Gram–Schmidt, twice, over the rows in place. A row that (nearly) vanishes against
/// the ones before it, or is not finite, is replaced by the first coordinate vector
/// e_{(k+c) mod dim} that keeps a squared norm of at least 1/dim once projected: k rows
/// leave Σ_i ‖e_i − P e_i‖² = dim − k ≥ 1 over the dim coordinate vectors, so one does.
static void orthonormalise(size_t dim, int rank, double *rows) {
    for (int k = 0; k < rank; k++) {
        double *row = rows + (size_t)k * dim;
        const double before = sqrt(dot(dim, row, row));
        project_out(dim, k, rows, row);
        double norm = sqrt(dot(dim, row, row));
        for (size_t c = 0; !(norm > 1e-10 * before && norm > 0) && c < dim; c++) {
            memset(row, 0, dim * sizeof(double));
            row[((size_t)k + c) % dim] = 1;
            project_out(dim, k, rows, row);
            norm = sqrt(dot(dim, row, row));
            if (!(norm * norm >= 1.0 / (double)dim)) norm = 0;
        }
        for (size_t i = 0; i < dim; i++) row[i] /= norm;
    }
}

static void *limexw_alloc(size_t dim) {
    limexw_state *s = calloc(1, sizeof(limexw_state));
    if (!s) return NULL;
    s->dim = dim;
    s->rank = dim < RANK ? (int)dim : RANK;
    s->iterationsAtStart = 4;
    const size_t rank = (size_t)s->rank;
    s->subspace = malloc(rank * dim * sizeof(double));
    s->savedSubspace = malloc(rank * dim * sizeof(double));
    s->ritzVectors = malloc(rank * dim * sizeof(double));
    s->keyY = malloc(dim * sizeof(double));
    s->products = malloc(rank * dim * sizeof(double));
    s->field = malloc(dim * sizeof(double));
    s->probe = malloc(dim * sizeof(double));
    s->fieldAtProbe = malloc(dim * sizeof(double));
    s->table = malloc(COLUMNS * dim * sizeof(double));
    s->u = malloc(dim * sizeof(double));
    if (!s->subspace || !s->savedSubspace || !s->ritzVectors || !s->keyY || !s->products || !s->field || !s->probe
        || !s->fieldAtProbe || !s->table || !s->u) {
        limexw_free(s);
        return NULL;
    }
    // A fixed pseudo-random start (a 64-bit LCG), so that every run starts alike.
    unsigned long long seed = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < rank * dim; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        s->subspace[i] = (double)(seed >> 11) / 9007199254740992.0 - 0.5;
    }
    orthonormalise(dim, s->rank, s->subspace);
    return s;
}

/// The eigenpairs of a symmetric rank × rank matrix by cyclic Jacobi rotations (Golub &
/// Van Loan §8.5): `a` is destroyed, its eigenvalues end on its diagonal, and column k of
/// `q` is the eigenvector of a[k][k].
static void symmetric_eigen(int rank, double a[RANK][RANK], double q[RANK][RANK]) {
    for (int i = 0; i < rank; i++)
        for (int j = 0; j < rank; j++) q[i][j] = i == j;
    for (int sweep = 0; sweep < 64; sweep++) {
        double off = 0, diagonal = 0;
        for (int i = 0; i < rank; i++) {
            diagonal += a[i][i] * a[i][i];
            for (int j = 0; j < rank; j++)
                if (i != j) off += a[i][j] * a[i][j];
        }
        if (off <= DBL_EPSILON * DBL_EPSILON * diagonal || off == 0) return;
        for (int p = 0; p < rank; p++) {
            for (int r = p + 1; r < rank; r++) {
                if (a[p][r] == 0) continue;
                const double theta = (a[r][r] - a[p][p]) / (2 * a[p][r]);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
                const double c = 1 / sqrt(t * t + 1), sn = t * c;
                for (int k = 0; k < rank; k++) {
                    const double akp = a[k][p], akr = a[k][r];
                    a[k][p] = c * akp - sn * akr;
                    a[k][r] = sn * akp + c * akr;
                }
                for (int k = 0; k < rank; k++) {
                    const double apk = a[p][k], ark = a[r][k];
                    a[p][k] = c * apk - sn * ark;
                    a[r][k] = sn * apk + c * ark;
                }
                for (int k = 0; k < rank; k++) {
                    const double qkp = q[k][p], qkr = q[k][r];
                    q[k][p] = c * qkp - sn * qkr;
                    q[k][r] = sn * qkp + c * qkr;
                }
            }
        }
    }
}

/// Row k of `into` = Σ_i rotation[i][k] · row i of `from` (rank rows of dim entries).
static void rotate_rows(size_t dim, int rank, double rotation[RANK][RANK], const double *from, double *into) {
    for (int k = 0; k < rank; k++) {
        double *row = into + (size_t)k * dim;
        memset(row, 0, dim * sizeof(double));
        for (int i = 0; i < rank; i++) {
            const double weight = rotation[i][k];
            const double *source = from + (size_t)i * dim;
            for (size_t e = 0; e < dim; e++) row[e] += weight * source[e];
        }
    }
}

/// One block power iteration from the carried subspace V at y: the products J V by forward
/// differences, the Ritz pairs of (VᵀJV + (VᵀJV)ᵀ)/2 as the kept W, and the carried
/// subspace moved on to orth(J V).
static int limexw_power_iteration(limexw_state *s, double t, const double y[], const double f0[],
                                  const gsl_odeiv2_system *sys) {
    const size_t dim = s->dim;
    const int rank = s->rank;
    const double differenceStep = sqrt(DBL_EPSILON) * (1 + sqrt(dot(dim, y, y)));
    for (int k = 0; k < rank; k++) {
        const double *v = s->subspace + (size_t)k * dim;
        // Forward, or backward where F fails past y (a field that breaks down just ahead).
        double direction = 1;
        for (size_t i = 0; i < dim; i++) s->probe[i] = y[i] + differenceStep * v[i];
        int status = GSL_ODEIV_FN_EVAL(sys, t, s->probe, s->fieldAtProbe);
        if (status != GSL_SUCCESS) {
            direction = -1;
            for (size_t i = 0; i < dim; i++) s->probe[i] = y[i] - differenceStep * v[i];
            status = GSL_ODEIV_FN_EVAL(sys, t, s->probe, s->fieldAtProbe);
        }
        if (status != GSL_SUCCESS) return status;
        double *product = s->products + (size_t)k * dim;
        for (size_t i = 0; i < dim; i++) product[i] = direction * (s->fieldAtProbe[i] - f0[i]) / differenceStep;
    }
    double projected[RANK][RANK], rotation[RANK][RANK];
    for (int i = 0; i < rank; i++)
        for (int j = 0; j < rank; j++) projected[i][j] = dot(dim, s->subspace + (size_t)i * dim, s->products + (size_t)j * dim);
    for (int i = 0; i < rank; i++)
        for (int j = 0; j < i; j++) projected[i][j] = projected[j][i] = (projected[i][j] + projected[j][i]) / 2;
    int finite = 1;
    for (int i = 0; i < rank; i++)
        for (int j = 0; j < rank; j++) finite = finite && isfinite(projected[i][j]);
    if (!finite) {
        // F gave non-finite products without saying so: no W this time (an explicit step),
        // and the carried subspace stays as it was.
        memcpy(s->ritzVectors, s->subspace, (size_t)rank * dim * sizeof(double));
        for (int k = 0; k < rank; k++) s->ritzValues[k] = 0;
        return GSL_SUCCESS;
    }
    symmetric_eigen(rank, projected, rotation);
    for (int k = 0; k < rank; k++) {
        const double value = projected[k][k];
        s->ritzValues[k] = value < 0 ? value : 0;
    }
    rotate_rows(dim, rank, rotation, s->subspace, s->ritzVectors);
    rotate_rows(dim, rank, rotation, s->products, s->subspace);
    orthonormalise(dim, rank, s->subspace);
    return GSL_SUCCESS;
}

static int limexw_apply(void *vstate, size_t dim, double t, double h, double y[], double yerr[],
                        const double dydt_in[], double dydt_out[], const gsl_odeiv2_system *sys) {
    limexw_state *s = vstate;
    const double *f0 = dydt_in;
    if (!f0) {
        const int status = GSL_ODEIV_FN_EVAL(sys, t, y, s->field);
        if (status != GSL_SUCCESS) return status;
        f0 = s->field;
    }
    if (!s->hasKey || memcmp(s->keyY, y, dim * sizeof(double)) != 0) {
        s->hasKey = 0;
        // A failed iteration leaves the carried subspace as it was, so that a retry from
        // this start iterates from the same subspace.
        memcpy(s->savedSubspace, s->subspace, (size_t)s->rank * dim * sizeof(double));
        for (int iteration = 0; iteration < s->iterationsAtStart; iteration++) {
            const int status = limexw_power_iteration(s, t, y, f0, sys);
            if (status != GSL_SUCCESS) {
                memcpy(s->subspace, s->savedSubspace, (size_t)s->rank * dim * sizeof(double));
                return status;
            }
        }
        s->iterationsAtStart = 1;
        memcpy(s->keyY, y, dim * sizeof(double));
        s->hasKey = 1;
    }

    const int rank = s->rank;
    for (int j = 1; j <= COLUMNS; j++) {
        const double substep = h / j;
        double damping[RANK];
        for (int k = 0; k < rank; k++) {
            const double z = substep * s->ritzValues[k];
            damping[k] = z / (1 - z);
        }
        // The increments u_i − y are summed and extrapolated, not the states: the
        // extrapolation's weights (|Σ| ≈ 92 over five columns) then multiply the increments'
        // rounding, not |y|'s, and a constant field is stepped exactly.
        memset(s->u, 0, dim * sizeof(double));
        for (int i = 0; i < j; i++) {
            const double *f = f0;
            if (i > 0) {
                for (size_t e = 0; e < dim; e++) s->probe[e] = y[e] + s->u[e];
                const int status = GSL_ODEIV_FN_EVAL(sys, t + i * substep, s->probe, s->fieldAtProbe);
                if (status != GSL_SUCCESS) return status;
                f = s->fieldAtProbe;
            }
            // u += (I − substep·A)⁻¹ substep·f, with (I − sA)⁻¹ = I + Σ_k (sθ_k/(1 − sθ_k)) v_k v_kᵀ.
            double weights[RANK];
            for (int k = 0; k < rank; k++) weights[k] = damping[k] * dot(dim, s->ritzVectors + (size_t)k * dim, f);
            for (size_t e = 0; e < dim; e++) {
                double increment = f[e];
                for (int k = 0; k < rank; k++) increment += weights[k] * s->ritzVectors[(size_t)k * dim + e];
                s->u[e] += substep * increment;
            }
        }
        // Aitken–Neville: T_{j,k+1} = T_{j,k} + (T_{j,k} − T_{j−1,k}) / (n_j/n_{j−k} − 1), with
        // n_j = j; table row k − 1 holds T_{j−1,k} on entry and T_{j,k} on exit.
        for (size_t e = 0; e < dim; e++) {
            double x = s->u[e];
            for (int k = 1; k < j; k++) {
                double *cell = s->table + (size_t)(k - 1) * dim + e;
                const double previous = *cell;
                *cell = x;
                x += (x - previous) * (double)(j - k) / (double)k;
            }
            s->table[(size_t)(j - 1) * dim + e] = x;
        }
    }
    const double *best = s->table + (size_t)(COLUMNS - 1) * dim;
    const double *second = s->table + (size_t)(COLUMNS - 2) * dim;
    for (size_t e = 0; e < dim; e++) {
        yerr[e] = best[e] - second[e];
        s->probe[e] = y[e] + best[e];
    }
    if (dydt_out) {
        const int status = GSL_ODEIV_FN_EVAL(sys, t + h, s->probe, dydt_out);
        if (status != GSL_SUCCESS) return status;
    }
    memcpy(y, s->probe, dim * sizeof(double));
    return GSL_SUCCESS;
}

static int limexw_set_driver(void *vstate, const gsl_odeiv2_driver *d) {
    (void)vstate;
    (void)d;
    return GSL_SUCCESS;
}

static int limexw_reset(void *vstate, size_t dim) {
    (void)dim;
    ((limexw_state *)vstate)->hasKey = 0;
    return GSL_SUCCESS;
}

static unsigned int limexw_order(void *vstate) {
    (void)vstate;
    return COLUMNS - 1;
}

static const gsl_odeiv2_step_type limexw_type = {
    "limexw",
    1, // can use dydt_in
    1, // gives exact dydt_out
    &limexw_alloc,
    &limexw_apply,
    &limexw_set_driver,
    &limexw_reset,
    &limexw_order,
    &limexw_free,
};

const gsl_odeiv2_step_type *reluflow_limexw_step_type(void) { return &limexw_type; }
